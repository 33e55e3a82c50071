import { stripControls } from '../text/terminal-text.js';

/**
 * Escapes the three characters Slack treats as control sequences, so a data value such as
 * `<!channel>` or `<https://evil.example.com|click>` is shown as text instead of pinging or linking.
 * Control characters and escape sequences in data go too: the message is also read in terminals
 * (the outbox) and in exports.
 */
export function escapeMrkdwn(text: string): string {
  return stripControls(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Reverses escapeMrkdwn in one pass (so `&amp;lt;` becomes `&lt;`, as Slack shows it). */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, entity: string) => ({ amp: '&', lt: '<', gt: '>' })[entity] ?? '');
}

/** Already-formatted mrkdwn that `md` inserts without escaping. */
export class TrustedMrkdwn {
  constructor(readonly mrkdwn: string) {}
  toString(): string {
    return this.mrkdwn;
  }
}

/** Marks mrkdwn built by this code (never data) as safe to insert into `md`. */
export function trustedMrkdwn(mrkdwn: string): TrustedMrkdwn {
  return new TrustedMrkdwn(mrkdwn);
}

/**
 * Template tag for mrkdwn: the literal parts are trusted, every interpolated value is escaped
 * unless it is TrustedMrkdwn. `md`*${count}* orders held by ${agentName}`` is safe for any name.
 */
export function md(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += value instanceof TrustedMrkdwn ? value.mrkdwn : escapeMrkdwn(String(value));
    out += strings[i + 1] ?? '';
  });
  return out;
}
