import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EcmConfig } from '@ecm/core/domain';

export interface Runbook {
  /** File name without .md, e.g. refund_pending. */
  readonly name: string;
  /** Path relative to the shared folder, as stuck-reasons.yaml names it. */
  readonly path: string;
  readonly title: string;
  readonly content: string;
  /** Stuck reasons whose runbook this is. */
  readonly reasons: readonly string[];
}

export interface RunbookHit {
  readonly runbook: Runbook;
  readonly score: number;
  readonly snippet: string;
}

const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'at',
  'be',
  'by',
  'for',
  'from',
  'how',
  'in',
  'is',
  'it',
  'of',
  'on',
  'or',
  'the',
  'to',
  'what',
  'when',
  'why',
  'with',
  'do',
  'i',
  'my',
  'order',
  'orders',
]);

export function terms(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((t) => t.length > 1 && !STOP_WORDS.has(t));
}

interface IndexedRunbook {
  readonly runbook: Runbook;
  readonly counts: ReadonlyMap<string, number>;
  readonly length: number;
  readonly titleTerms: ReadonlySet<string>;
}

const K1 = 1.2;
const B = 0.75;
const SNIPPET_CHARS = 240;

/** The runbooks in shared/runbooks, read once, searchable with BM25 (title and reason names count double). */
export class RunbookLibrary {
  #index: { docs: IndexedRunbook[]; df: Map<string, number>; avgLength: number } | null = null;

  constructor(readonly config: EcmConfig) {}

  #load() {
    if (this.#index) return this.#index;
    const dir = path.join(this.config.sharedDir, 'runbooks');
    const reasonsByPath = new Map<string, string[]>();
    for (const reason of this.config.reasons.values()) {
      const rel = path.normalize(reason.runbook);
      reasonsByPath.set(rel, [...(reasonsByPath.get(rel) ?? []), reason.name]);
    }
    const docs: IndexedRunbook[] = [];
    const df = new Map<string, number>();
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort()) {
      const content = readFileSync(path.join(dir, file), 'utf8');
      const rel = path.join('runbooks', file);
      const title = /^#\s+(.+)$/m.exec(content)?.[1]?.trim() ?? file;
      const runbook: Runbook = { name: file.replace(/\.md$/, ''), path: rel, title, content, reasons: reasonsByPath.get(rel) ?? [] };
      const titleTerms = new Set(terms(`${title} ${runbook.name.replace(/_/g, ' ')} ${runbook.reasons.join(' ').replace(/_/g, ' ')}`));
      const words = [...terms(content), ...titleTerms];
      const counts = new Map<string, number>();
      for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
      for (const w of counts.keys()) df.set(w, (df.get(w) ?? 0) + 1);
      docs.push({ runbook, counts, length: words.length, titleTerms });
    }
    const avgLength = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length);
    this.#index = { docs, df, avgLength };
    return this.#index;
  }

  list(): Runbook[] {
    return this.#load().docs.map((d) => d.runbook);
  }

  /** By stuck reason (refund_pending) or runbook name (file name without .md). */
  get(nameOrReason: string): Runbook | null {
    const key = nameOrReason.trim().replace(/\.md$/, '');
    const reason = this.config.reasons.get(key);
    const docs = this.#load().docs;
    if (reason) return docs.find((d) => d.runbook.path === path.normalize(reason.runbook))?.runbook ?? null;
    return docs.find((d) => d.runbook.name === key)?.runbook ?? null;
  }

  search(query: string, limit: number): RunbookHit[] {
    const { docs, df, avgLength } = this.#load();
    const q = [...new Set(terms(query.replace(/_/g, ' ')))];
    if (q.length === 0) return [];
    const hits: RunbookHit[] = [];
    for (const d of docs) {
      let score = 0;
      for (const t of q) {
        const tf = d.counts.get(t) ?? 0;
        if (tf === 0) continue;
        const idf = Math.log(1 + (docs.length - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
        score += idf * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * d.length) / avgLength)));
        if (d.titleTerms.has(t)) score += idf;
      }
      if (score > 0) hits.push({ runbook: d.runbook, score: Math.round(score * 1000) / 1000, snippet: snippet(d.runbook.content, q) });
    }
    return hits.sort((a, b) => b.score - a.score || a.runbook.name.localeCompare(b.runbook.name)).slice(0, limit);
  }
}

/** The paragraph or line that holds the most query terms, cut to a readable length. */
function snippet(content: string, queryTerms: readonly string[]): string {
  const blocks = content
    .split(/\n\s*\n|\n(?=[-#\d])/)
    .map((b) => b.replace(/\s+/g, ' ').trim())
    .filter((b) => b && !b.startsWith('```'));
  let best = blocks[0] ?? '';
  let bestHits = -1;
  for (const b of blocks) {
    const words = new Set(terms(b));
    const hits = queryTerms.filter((t) => words.has(t)).length;
    if (hits > bestHits) {
      best = b;
      bestHits = hits;
    }
  }
  return best.length > SNIPPET_CHARS ? `${best.slice(0, SNIPPET_CHARS - 1).trimEnd()}…` : best;
}
