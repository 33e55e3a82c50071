import type { RunLock } from '@ecm/core/stores';
import type { SlackMessage, SlackSink } from '@ecm/core/slack';
import { describeError as errorText } from '../context.js';
import type { RunStore } from './run-store.js';
import { StateStoreError } from '@ecm/core/stores';
import { postReport } from '@ecm/core/slack';

/** Whatever fails while reading or recording progress is the state store's failure, not Slack's. */
async function recording<T>(what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (err) {
    throw err instanceof StateStoreError ? err : new StateStoreError(`state store: ${errorText(err)}`, err);
  }
}

/**
 * Posts every message of a plan exactly once, whatever instant the process dies at: before each post
 * the run proves it still holds the lock and records its intent; each post carries its run and
 * message key as metadata; a post whose intent was recorded but not its ts is looked up (and adopted)
 * before it is sent again.
 */
export async function postPlan(
  runs: RunStore,
  sink: SlackSink,
  lock: RunLock,
  runKey: string,
  messages: readonly SlackMessage[],
): Promise<void> {
  for (const [index, message] of messages.entries()) {
    const done = await recording(() => runs.postState(runKey, index));
    if (done.parentTs && done.postedReplies >= message.thread.length) continue;
    await postReport(sink, message, {
      ...(message.channel ? { channel: message.channel } : {}),
      runKey,
      messageKey: String(index),
      ...(done.parentTs ? { parentTs: done.parentTs, postedReplies: done.postedReplies } : {}),
      ...(done.pending ? { pending: done.pending } : {}),
      beforePost: async ({ post }) => {
        await lock.assertHeld();
        await recording(() => runs.recordIntent(runKey, index, message.title, post, message.thread.length));
      },
      onPosted: (step) => recording(() => runs.recordPosted(runKey, index, message.title, step)),
    });
  }
}
