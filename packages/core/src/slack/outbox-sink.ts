import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderBlocksAsText } from './render-text.js';
import type { SlackPostRequest, SlackSink } from './slack-sink.js';

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
  saved_at: string;
}

/**
 * Without a Slack token, reports land here: printed readably and saved as JSON under
 * `ECM_HOME/outbox/<timestamp>-<n>.json`. Each message gets a unique synthetic ts ("outbox-…")
 * so thread replies and resumable progress work exactly as with Slack.
 */
export class OutboxSink implements SlackSink {
  readonly kind = 'outbox' as const;
  readonly dir: string;
  private sequence = 0;

  constructor(private readonly options: OutboxSinkOptions) {
    this.dir = path.join(options.home, 'outbox');
  }

  async postMessage(request: SlackPostRequest): Promise<{ ts: string }> {
    await mkdir(this.dir, { recursive: true });
    const savedAt = (this.options.now ?? (() => new Date()))();
    const stamp = savedAt.toISOString().replace(/[-:]/g, '').replace('.', '');
    const { file, ts, record } = await this.save(stamp, savedAt, request);
    this.print(request, ts, file, record);
    return { ts };
  }

  /** Writes with `wx` so two runs in the same millisecond never overwrite each other. */
  private async save(stamp: string, savedAt: Date, request: SlackPostRequest) {
    for (;;) {
      this.sequence++;
      const name = `${stamp}-${String(this.sequence).padStart(3, '0')}`;
      const ts = `outbox-${name}`;
      const record: OutboxRecord = {
        ts,
        thread_ts: request.threadTs ?? null,
        channel: request.channel ?? null,
        text: request.text,
        blocks: request.blocks,
        saved_at: savedAt.toISOString(),
      };
      const file = path.join(this.dir, `${name}.json`);
      try {
        await writeFile(file, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
        return { file, ts, record };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
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
