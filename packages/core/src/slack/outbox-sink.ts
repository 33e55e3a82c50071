import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { renderBlocksAsText } from './render-text.js';
import { POST_EVENT_TYPE, type FindPostRequest, type PostKey, type SlackPostRequest, type SlackSink } from './slack-sink.js';

export interface OutboxSinkOptions {
  /** ECM_HOME; messages are saved under `<home>/outbox/`. */
  home: string;
  /** Where the readable rendering is printed (stdout for the CLI). */
  out: NodeJS.WritableStream;
  now?: () => Date;
}

/** The JSON saved for each message: what would have been sent to chat.postMessage. */
export interface OutboxRecord {
  ts: string;
  thread_ts: string | null;
  channel: string | null;
  text: string;
  blocks: SlackPostRequest['blocks'];
  /** The Slack message metadata the post carries (run key and message key), as Slack would store it. */
  metadata: { event_type: string; event_payload: { run_key: string; message_key: string } } | null;
  saved_at: string;
}

/** The part of a keyed message's file name that identifies its run and message. */
function keyTag(key: PostKey): string {
  return createHash('sha256').update(`${key.runKey}\n${key.messageKey}`).digest('hex').slice(0, 16);
}

/**
 * Without a Slack token, reports land here: printed readably and saved as JSON under
 * `ECM_HOME/outbox/<timestamp>-<tag>.json`. Each message gets a unique synthetic ts ("outbox-…")
 * so thread replies and resumable progress work exactly as with Slack.
 *
 * A file appears complete or not at all: it is written to `ECM_HOME/.outbox-tmp/`, synced, then
 * hard-linked into the outbox (which also refuses to replace an existing file). A keyed message's
 * name ends with a hash of its run key and message key, which is how `findPosted` finds it again.
 */
export class OutboxSink implements SlackSink {
  readonly kind = 'outbox' as const;
  readonly dir: string;
  private readonly tmpDir: string;
  private sequence = 0;

  constructor(private readonly options: OutboxSinkOptions) {
    this.dir = path.join(options.home, 'outbox');
    this.tmpDir = path.join(options.home, '.outbox-tmp');
  }

  async postMessage(request: SlackPostRequest): Promise<{ ts: string }> {
    await mkdir(this.dir, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
    const savedAt = (this.options.now ?? (() => new Date()))();
    const stamp = savedAt.toISOString().replace(/[-:]/g, '').replace('.', '');
    const { file, ts, record } = await this.save(stamp, savedAt, request);
    this.print(request, ts, file, record);
    return { ts };
  }

  async findPosted(request: FindPostRequest): Promise<{ ts: string } | null> {
    const suffix = `-${keyTag(request.key)}.json`;
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const name = names.find((n) => n.endsWith(suffix));
    return name ? { ts: `outbox-${name.slice(0, -'.json'.length)}` } : null;
  }

  private async save(stamp: string, savedAt: Date, request: SlackPostRequest) {
    for (;;) {
      this.sequence++;
      // Keyed posts are named by their key; the sequence only separates unkeyed ones in the same millisecond.
      const name = request.key ? `${stamp}-${keyTag(request.key)}` : `${stamp}-${String(this.sequence).padStart(3, '0')}`;
      const ts = `outbox-${name}`;
      const record: OutboxRecord = {
        ts,
        thread_ts: request.threadTs ?? null,
        channel: request.channel ?? null,
        text: request.text,
        blocks: request.blocks,
        metadata: request.key
          ? { event_type: POST_EVENT_TYPE, event_payload: { run_key: request.key.runKey, message_key: request.key.messageKey } }
          : null,
        saved_at: savedAt.toISOString(),
      };
      const file = path.join(this.dir, `${name}.json`);
      if (await this.writeAtomically(file, `${JSON.stringify(record, null, 2)}\n`)) return { file, ts, record };
      if (request.key) throw new Error(`outbox file ${file} already exists`);
    }
  }

  /** Writes `content` as `file` in one step; false when `file` already exists. */
  private async writeAtomically(file: string, content: string): Promise<boolean> {
    const tmp = path.join(this.tmpDir, `${randomUUID()}.json`);
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(tmp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    await syncDir(this.dir);
    return true;
  }

  private print(request: SlackPostRequest, ts: string, file: string, record: OutboxRecord): void {
    const rendered = renderBlocksAsText(record.blocks);
    const body = rendered.length > 0 ? rendered : [record.text];
    const lines = request.threadTs
      ? [`  ↳ thread reply (${ts})`, ...body.map((l) => `  │ ${l}`)]
      : ['', `━━ Slack message ${ts} (not sent: no SLACK_BOT_TOKEN) → ${file}`, ...body];
    this.options.out.write(`${lines.map((l) => l.trimEnd()).join('\n')}\n`);
  }
}

/** Makes a new directory entry durable: the post counts as made once recorded, so it must survive a power cut. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}
