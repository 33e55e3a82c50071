import type { PatternRow } from '../tickets/ticket-store.js';

/** The most recent earlier day's recorded patterns: its date and signature → order count. */
export interface PatternHistory {
  readonly date: string;
  readonly counts: Map<string, number>;
}

/**
 * From the ticket store's Pattern Intelligence rows (with the Google Sheet, that is where they
 * live), the latest day before `today`; null on the first run.
 */
export async function previousPatterns(store: { listPatterns(): Promise<PatternRow[]> }, today: string): Promise<PatternHistory | null> {
  const all = await store.listPatterns();
  const date = all.reduce<string | null>((latest, p) => (p.date < today && (latest === null || p.date > latest) ? p.date : latest), null);
  if (date === null) return null;
  return { date, counts: new Map(all.filter((p) => p.date === date).map((p) => [p.signature, p.order_count])) };
}
