import { errorText } from '@ecm/core/text';
import type { ServeDeps, StartRun } from './serve-deps.js';

/**
 * The triggers running in the background: those this server started (which a shutdown can mark as
 * interrupted) and those admitted elsewhere through the same gate (the Slack app), which it only waits for.
 */
export function createRunTracker(deps: Pick<ServeDeps, 'runner' | 'log'>) {
  const running = new Map<Promise<void>, (outcome: 'failed', detail: string) => Promise<void>>();
  const others = new Set<Promise<void>>();

  const start: StartRun = (t, domain, run, finish) => {
    const work = deps.runner
      .run(domain, run, { source: t.source, kind: t.kind, ...t.detail }, `${t.source}:${domain.name}:${t.kind}`)
      .then((r) => finish(r.outcome, r.detail))
      .catch((err: unknown) => deps.log(`serve: could not record the end of a ${t.source} trigger: ${errorText(err)}`));
    running.set(work, (o, d) => finish(o, d));
    void work.finally(() => running.delete(work));
  };

  return {
    start,
    inFlight: () => running.size,
    track(finished: Promise<void>): void {
      others.add(finished);
      void finished.finally(() => others.delete(finished));
    },
    /** Waits up to `drainMs` for every run, then records this server's unfinished ones as failed (interrupted). */
    async drain(drainMs: number): Promise<{ drained: number; interrupted: number }> {
      const pending = [...running.keys()];
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...pending, ...others]),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs))),
      ]);
      clearTimeout(timer);
      const left = [...running.values()];
      for (const interrupt of left)
        await interrupt('failed', `interrupted: the service stopped after ${Math.round(drainMs / 1000)} s of draining`).catch(
          () => undefined,
        );
      return { drained: pending.length - left.length, interrupted: left.length };
    },
  };
}

export type RunTracker = ReturnType<typeof createRunTracker>;
