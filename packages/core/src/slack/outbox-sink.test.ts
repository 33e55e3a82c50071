import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, divider, fields, header, section } from './block-kit.js';
import { barChart, codeTable } from './code-block.js';
import { md } from './mrkdwn.js';
import { openSlackSink, SlackConfigError } from './open-slack-sink.js';
import { type OutboxRecord, OutboxSink } from './outbox-sink.js';
import { postReport } from './post-report.js';
import type { SlackMessage } from './slack-message.js';

let home: string;
let out: PassThrough;
let printed: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'ecm-outbox-'));
  out = new PassThrough();
  printed = '';
  out.on('data', (c: Buffer) => {
    printed += c.toString('utf8');
  });
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const backlog: SlackMessage = {
  title: 'ECM Backlog',
  text: 'ECM Backlog: 412 actionable orders',
  blocks: [
    header('📊 ECM Backlog — Feb 17, 2026 07:00 IST'),
    section(md`*${412}* actionable orders (up ${12} vs yesterday) — top reason ${'refund_pending <!channel> & co'}`),
    fields(['*Critical*\n37', '*Value at risk*\nAED 1.2M']),
    divider(),
    context('as of Feb 17, 2026 07:00 IST'),
  ],
  thread: [
    {
      text: 'Inflow',
      blocks: [
        section(
          `*7-day inflow*\n${barChart(
            [
              { label: 'Feb 15', value: 100 },
              { label: 'Feb 16', value: 260, mark: '◀ spike' },
            ],
            10,
          )}`,
        ),
      ],
    },
    {
      text: 'Currencies',
      blocks: [
        section(
          codeTable(
            ['Currency', 'Orders'],
            [
              ['AED', 380],
              ['GBP', 32],
            ],
          ),
        ),
      ],
    },
  ],
};

async function records(): Promise<{ file: string; record: OutboxRecord }[]> {
  const dir = path.join(home, 'outbox');
  const files = (await readdir(dir)).sort();
  return Promise.all(
    files.map(async (file) => ({
      file,
      record: JSON.parse(await readFile(path.join(dir, file), 'utf8')) as OutboxRecord,
    })),
  );
}

describe('outbox sink', () => {
  it('is chosen without a token; prints the report readably and saves each message as JSON', async () => {
    const sink = openSlackSink({ ECM_HOME: home, SLACK_BOT_TOKEN: '', SLACK_CHANNEL_ID: 'C0TESTCHAN' }, { out });
    expect(sink.kind).toBe('outbox');
    const result = await postReport(sink, backlog);

    const saved = await records();
    expect(saved).toHaveLength(3);
    for (const { file, record } of saved) {
      expect(file).toMatch(/^\d{8}T\d{9}Z-\d{3}\.json$/);
      expect(record.ts).toBe(`outbox-${file.replace(/\.json$/, '')}`);
    }
    const [main, ...replies] = saved.map((s) => s.record);
    expect(main?.ts).toBe(result.parentTs);
    expect(main?.thread_ts).toBeNull();
    expect(main?.blocks).toEqual(backlog.blocks);
    expect(replies.map((r) => r.thread_ts)).toEqual([result.parentTs, result.parentTs]);
    expect(replies.map((r) => r.blocks)).toEqual(backlog.thread.map((t) => t.blocks));
    expect(new Set(saved.map((s) => s.record.ts)).size).toBe(3);

    const lines = printed.split('\n');
    expect(lines).toContain('📊 ECM Backlog — Feb 17, 2026 07:00 IST');
    expect(printed).toContain('*412* actionable orders (up 12 vs yesterday) — top reason refund_pending <!channel> & co');
    expect(lines).toContain('  *Critical*: 37');
    expect(lines).toContain('as of Feb 17, 2026 07:00 IST');
    // Thread replies are indented under the main message; code blocks lose their fences.
    expect(lines).toContain('  │ *7-day inflow*');
    expect(lines).toContain('  │   Feb 16  ██████████  260 ◀ spike');
    expect(lines).toContain('  │   Currency  Orders');
    expect(lines).toContain('  │   AED          380');
    expect(printed).not.toContain('```');
    expect(lines.filter((l) => l.startsWith('  ↳ thread reply'))).toHaveLength(2);
  });

  it('gives every message a unique ts, even within the same millisecond and across runs', async () => {
    const now = () => new Date('2026-02-17T01:30:00.000Z');
    const first = new OutboxSink({ home, out, now });
    const second = new OutboxSink({ home, out, now });
    const ts = [
      (await first.postMessage({ text: 'a', blocks: [] })).ts,
      (await second.postMessage({ text: 'b', blocks: [] })).ts,
      (await first.postMessage({ text: 'c', blocks: [] })).ts,
    ];
    expect(new Set(ts).size).toBe(3);
    expect(ts.length).toBeGreaterThan(0);
    expect(ts.every((t) => t.startsWith('outbox-20260217T013000000Z-'))).toBe(true);
    expect((await records()).map((r) => r.record.text)).toEqual(['a', 'b', 'c']);
    expect(printed).toContain('\nb\n');
  });

  it('resumes a thread from saved progress, writing only the missing replies', async () => {
    const sink = new OutboxSink({ home, out });
    const steps: number[] = [];
    const first = await postReport(
      sink,
      { ...backlog, thread: backlog.thread.slice(0, 1) },
      { onPosted: async (s) => void steps.push(s.postedReplies) },
    );
    await postReport(sink, backlog, {
      parentTs: first.parentTs,
      postedReplies: 1,
      onPosted: async (s) => void steps.push(s.postedReplies),
    });
    expect(steps).toEqual([0, 1, 2]);
    expect((await records()).map((r) => r.record.text)).toEqual(['ECM Backlog: 412 actionable orders', 'Inflow', 'Currencies']);
  });

  it('makes terminal control characters in data visible instead of executing them', async () => {
    await new OutboxSink({ home, out }).postMessage({ text: 't', blocks: [section('agent \u001b[2Jname')] });
    expect(printed).toContain('agent \\u001b[2Jname');
    expect(printed).not.toContain('\u001b');
  });
});

describe('openSlackSink', () => {
  it('refuses a token without a channel instead of silently writing to the outbox', () => {
    expect(() => openSlackSink({ ECM_HOME: home, SLACK_BOT_TOKEN: 'xoxb-1' }, { out })).toThrow(SlackConfigError);
    expect(() => openSlackSink({ ECM_HOME: home, SLACK_BOT_TOKEN: 'xoxb-1' }, { out })).toThrow(/SLACK_CHANNEL_ID/);
  });

  it('rejects a SLACK_API_URL that is not an http(s) URL', () => {
    const env = { ECM_HOME: home, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL_ID: 'C1', SLACK_API_URL: 'slack.com/api' };
    expect(() => openSlackSink(env, { out })).toThrow(/SLACK_API_URL/);
  });
});
