import { sheets } from '@googleapis/sheets';
import { OAuth2Client } from 'google-auth-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseA1 } from './__fixtures__/a1-range.js';
import { startFakeSheets, type FakeSheets } from './__fixtures__/fake-sheets-api.js';

/** The stand-in itself, driven by the real client: it must behave like Sheets v4 where the store relies on it. */
let fake: FakeSheets;
let api: ReturnType<typeof sheets>;

beforeEach(async () => {
  fake = await startFakeSheets({
    tabs: { 'Daily Stats': [['Date', 'Agent'], ['2026-02-16', 'a@example.com'], [], ['2026-02-17', 'b@example.com']] },
  });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'test-token' });
  api = sheets({ version: 'v4', auth, rootUrl: fake.url, retry: false });
});
afterEach(async () => {
  await fake.close();
});

describe('fake Sheets v4', () => {
  it('parses the A1 forms the store sends', () => {
    expect(parseA1("'Daily Stats'")).toEqual({ tab: 'Daily Stats', startRow: 1, startCol: 1, endRow: Infinity, endCol: Infinity });
    expect(parseA1("'Ops'' notes'!B2:C9")).toEqual({ tab: "Ops' notes", startRow: 2, startCol: 2, endRow: 9, endCol: 3 });
    expect(parseA1('Agents!AA7')).toEqual({ tab: 'Agents', startRow: 7, startCol: 27, endRow: 7, endCol: 27 });
    expect(parseA1('Agents!A:C')).toMatchObject({ startRow: 1, endRow: Infinity, endCol: 3 });
    expect(() => parseA1('Agents!C3:A1')).toThrow(/Unable to parse range/);
  });

  it('values.get returns the range with trailing empty cells and rows dropped; blank rows inside stay', async () => {
    const { data } = await api.spreadsheets.values.get({ spreadsheetId: fake.spreadsheetId, range: "'Daily Stats'!A1:D9" });
    expect(data.values).toEqual([['Date', 'Agent'], ['2026-02-16', 'a@example.com'], [], ['2026-02-17', 'b@example.com']]);
    await expect(api.spreadsheets.values.get({ spreadsheetId: fake.spreadsheetId, range: "'Nope'!A1" })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('append finds the table from the range and inserts after it (INSERT_ROWS) or writes over what follows (OVERWRITE)', async () => {
    const append = (insertDataOption: string) =>
      api.spreadsheets.values.append({
        spreadsheetId: fake.spreadsheetId,
        range: "'Daily Stats'!A1:B1",
        valueInputOption: 'RAW',
        insertDataOption,
        requestBody: {
          values: [
            ['x', 'y'],
            ['z', 'w'],
          ],
        },
      });
    const inserted = await append('INSERT_ROWS');
    expect(inserted.data.updates?.updatedRange).toBe("'Daily Stats'!A3:B4");
    expect(fake.tab('Daily Stats').map((r) => r[0] ?? '')).toEqual(['Date', '2026-02-16', 'x', 'z', '', '2026-02-17']);
    await append('OVERWRITE');
    // The table now ends at row 4; OVERWRITE writes rows 5–6, over the row a person had at row 6.
    expect(fake.tab('Daily Stats').map((r) => r[0] ?? '')).toEqual(['Date', '2026-02-16', 'x', 'z', 'x', 'z']);
  });

  it('values.batchUpdate writes every range or none, and needs valueInputOption', async () => {
    await expect(
      api.spreadsheets.values.batchUpdate({
        spreadsheetId: fake.spreadsheetId,
        requestBody: {
          valueInputOption: 'RAW',
          data: [
            { range: "'Daily Stats'!B2", values: [['c@example.com']] },
            { range: "'Gone'!A1", values: [['x']] },
          ],
        },
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(fake.tab('Daily Stats')[1]).toEqual(['2026-02-16', 'a@example.com']);
    await expect(
      api.spreadsheets.values.batchUpdate({
        spreadsheetId: fake.spreadsheetId,
        requestBody: { data: [{ range: "'Daily Stats'!B2", values: [['c']] }] },
      }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('spreadsheets.batchUpdate adds tabs all or nothing and refuses a duplicate title', async () => {
    await expect(
      api.spreadsheets.batchUpdate({
        spreadsheetId: fake.spreadsheetId,
        requestBody: {
          requests: [{ addSheet: { properties: { title: 'Agents' } } }, { addSheet: { properties: { title: 'daily stats' } } }],
        },
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(fake.tabTitles()).toEqual(['Daily Stats']);
    await api.spreadsheets.batchUpdate({
      spreadsheetId: fake.spreadsheetId,
      requestBody: { requests: [{ addSheet: { properties: { title: 'Agents' } } }] },
    });
    const { data } = await api.spreadsheets.get({ spreadsheetId: fake.spreadsheetId });
    expect(data.sheets?.map((s) => s.properties?.title)).toEqual(['Daily Stats', 'Agents']);
  });
});
