import { describe, expect, it } from 'vitest';
import { header, section } from '../slack/block-kit.js';
import { markDemo } from '../reports/demo-marking.js';
import { CliError, EXIT } from '../cli/cli-support.js';
import { warehouseSource } from './warehouse-source.js';
import { thrownBy } from '../__fixtures__/thrown-by.js';

describe('warehouseSource: the demo is a choice', () => {
  it('a warehouse URL wins; nothing configured is the demo; ECM_DEMO=1 asks for it', () => {
    expect(warehouseSource({ ECM_WAREHOUSE_URL: 'postgres://r@example.com/w', SLACK_BOT_TOKEN: 'xoxb-1' })).toMatchObject({
      kind: 'url',
      demo: false,
    });
    expect(warehouseSource({})).toMatchObject({ kind: 'demo', why: 'nothing configured' });
    expect(warehouseSource({ ECM_DEMO: '1', SLACK_BOT_TOKEN: 'xoxb-1', ECM_STATE_URL: 'postgres://s@example.com/ecm' })).toMatchObject({
      kind: 'demo',
      why: 'ECM_DEMO',
    });
  });

  it.each([
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_BOT_TOKEN'],
    [{ ECM_STATE_URL: 'postgres://s@example.com/ecm' }, 'ECM_STATE_URL'],
    [{ ECM_TICKETS: 'sheets' }, 'ECM_TICKETS=sheets'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', ECM_WAREHOUSE_URL: '  ', ECM_DEMO: '0' }, 'SLACK_BOT_TOKEN'],
  ])('a production signal without a warehouse is exit 3 naming ECM_WAREHOUSE_URL (%o)', (env, signal) => {
    const thrown = thrownBy(CliError, () => warehouseSource(env));
    expect(thrown.exitCode).toBe(EXIT.config);
    expect(thrown.message).toMatch(/^ECM_WAREHOUSE_URL is not set/);
    expect(thrown.message).toContain(signal);
    expect(thrown.message).toContain('ECM_DEMO=1');
  });
});

describe('markDemo', () => {
  const message = {
    title: ':dart: *ECM Triage*',
    text: '12 orders assigned',
    blocks: [header('ECM Triage — Feb 17'), section('*12* orders')],
    thread: [],
  };

  it('marks the title, the notification text and the heading, once', () => {
    const marked = markDemo(message);
    expect(marked.title).toBe('[DEMO] :dart: *ECM Triage*');
    expect(marked.text).toBe('[DEMO] 12 orders assigned');
    expect(marked.blocks[0]).toEqual(header('[DEMO] ECM Triage — Feb 17'));
    expect(marked.blocks[1]).toEqual(message.blocks[1]);
    expect(markDemo(marked)).toEqual(marked);
  });

  it('without a heading, the first section says it', () => {
    const marked = markDemo({ ...message, blocks: [section('*12* orders')] });
    expect(marked.blocks[0]).toEqual(section('*[DEMO]* *12* orders'));
  });
});
