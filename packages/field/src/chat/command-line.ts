/** The commands a chat line may run directly (the same as on the command line). */
export const CHAT_COMMANDS = ['my-tickets', 'order', 'resolve', 'escalate', 'proposals', 'approve', 'reject', 'whoami'] as const;

/** Splits a line like a shell does for words and quotes (no variables, no globbing). */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch === '\\' && i + 1 < line.length ? line[++i] : ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** The command a chat line names (with or without a leading "/"), or null for a question in words. */
export function chatCommand(line: string): string[] | null {
  const trimmed = line.trim().replace(/^\//, '');
  const first = trimmed.split(/\s+/, 1)[0] ?? '';
  if (!(CHAT_COMMANDS as readonly string[]).includes(first)) return null;
  return splitWords(trimmed);
}
