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

  it('adopts a post that reached the outbox before a crash instead of saving it twice', async () => {
    const keys = { runKey: 'patterns:daily@2026-02-17T07:00+05:30', messageKey: '0' };
    // The earlier attempt saved the main message and the first reply, then died before recording the reply.
    const first = await postReport(sink, { ...report, thread: report.thread.slice(0, 1) }, keys);
    const since = new Date(Date.now() - 1_000);
    const steps: boolean[] = [];
    const resumed = await postReport(sink, report, {
      ...keys,
      parentTs: first.parentTs,
      postedReplies: 0,
      pending: { post: 1, since },
      onPosted: async (step) => {
        steps.push(step.adopted);
      },
    });
    expect(resumed.replyTs[0]).toBe(first.replyTs[0]);
    expect(steps).toEqual([true, false, false]);
    expect(await saved()).toBe(4);
  });

  it('sends a post whose intent was recorded but which never arrived', async () => {
    const sent: number[] = [];
    await postReport(sink, report, {
      runKey: 'backlog:x',
      messageKey: '2',
      pending: { post: 0, since: new Date() },
      beforePost: async (i) => void sent.push(i.post),
    });
    expect(sent).toEqual([0, 1, 2, 3]);
    expect(await saved()).toBe(4);
  });

  it('refuses inconsistent progress before posting anything', async () => {
    await expect(postReport(sink, report, { postedReplies: 1 })).rejects.toThrow(/without parentTs/);
    await expect(postReport(sink, report, { parentTs: 'outbox-x', postedReplies: 4 })).rejects.toThrow(/0 to 3/);
    await expect(postReport(sink, report, { parentTs: 'outbox-x', postedReplies: -1 })).rejects.toThrow(RangeError);
    expect(await saved()).toBe(0);
  });
});
