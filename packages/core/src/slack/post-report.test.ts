import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { section } from './block-kit.js';
import { OutboxSink } from './outbox-sink.js';
import { postReport } from './post-report.js';
import type { SlackMessage } from './slack-message.js';

let home: string;
let sink: OutboxSink;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'ecm-post-'));
  sink = new OutboxSink({ home, out: new PassThrough() });
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const report: SlackMessage = {
  title: 'ECM Patterns',
  text: 'ECM Patterns: 3 patterns',
  blocks: [section('*3* patterns cover *140* orders')],
  thread: ['Top 10', 'Novel patterns', 'Actions'].map((t) => ({ text: t, blocks: [section(`*${t}*`)] })),
};
const saved = async () => (await readdir(path.join(home, 'outbox')).catch(() => [])).length;

describe('postReport', () => {
  it('stops at the first progress save that fails, so progress never runs ahead of what is saved', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      if (calls === 2) throw new Error('state database is gone');
    };
    await expect(postReport(sink, report, { onPosted: failing })).rejects.toThrow('state database is gone');
    expect(await saved()).toBe(2); // main + first reply; the rest waits for a resumable run
  });

  it('posts nothing more when every reply was already posted', async () => {
    const result = await postReport(sink, report, { parentTs: 'outbox-earlier', postedReplies: 3 });
    expect(result).toEqual({ parentTs: 'outbox-earlier', replyTs: [], totalReplies: 3 });
    expect(await saved()).toBe(0);
  });

  it('refuses inconsistent progress before posting anything', async () => {
    await expect(postReport(sink, report, { postedReplies: 1 })).rejects.toThrow(/without parentTs/);
    await expect(postReport(sink, report, { parentTs: 'outbox-x', postedReplies: 4 })).rejects.toThrow(/0 to 3/);
    await expect(postReport(sink, report, { parentTs: 'outbox-x', postedReplies: -1 })).rejects.toThrow(RangeError);
    expect(await saved()).toBe(0);
  });
});
