import { describe, expect, it } from 'vitest';
import { RequestPacer, SerialQueue } from './write-queue.js';

describe('SerialQueue', () => {
  it('runs writes one at a time in order, and a failure does not stop the next', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      () =>
        new Promise<string>((resolve, reject) => {
          log.push(`start ${name}`);
          setTimeout(() => {
            log.push(`end ${name}`);
            if (fail) reject(new Error(name));
            else resolve(name);
          }, ms);
        });
    const results = await Promise.allSettled([queue.run(task('a', 20)), queue.run(task('b', 1, true)), queue.run(task('c', 5))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});

describe('RequestPacer', () => {
  it('lets 60 requests through in a minute and holds the 61st until the first is a minute old', async () => {
    let now = 1_000_000;
    const waits: number[] = [];
    const pacer = new RequestPacer(60, {
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    for (let i = 0; i < 60; i++) {
      await pacer.take();
      now += 500;
    }
    expect(waits).toEqual([]);
    await pacer.take();
    expect(waits).toEqual([30_000]);
    expect(now).toBe(1_000_000 + 60_000);
  });
});
