import { createHash } from 'node:crypto';
import type { EcmConfig } from '../config/load-config.js';
import type { TriagedOrder } from '../triage/run-triage.js';
import { approximate, fromMinorUnits, sumMinorUnits, toMinorUnits } from '../triage/money.js';

/** The systems' states that make orders "the same problem" (§13); missing values read `none`. */
export interface PatternSignature {
  readonly currency: string;
  readonly status: string;
  readonly sub_state: string;
  readonly lulu: string;
  readonly has_falcon: boolean;
  readonly falcon: string;
  readonly payout: string;
  readonly partner: string;
  readonly rfi: string;
}

export interface PatternCluster {
  /** Stable id derived from the signature, so runs can be compared. */
  readonly pattern_id: string;
  readonly signature: PatternSignature;
  /** The signature as one readable line. */
  readonly signature_text: string;
  readonly stuck_reason: string;
  readonly order_count: number;
  readonly order_ids: readonly string[];
  readonly total_amount_aed: number;
  readonly avg_hours: number;
  readonly max_hours: number;
  readonly high_value_count: number;
  readonly critical_count: number;
  readonly impact: number;
  readonly novel: boolean;
  readonly flags: { readonly high_value: boolean; readonly majority_critical: boolean; readonly over_72h: boolean };
  readonly systemic: boolean;
}

const none = (v: string | null) => v ?? 'none';

export function signatureOf(order: TriagedOrder): PatternSignature {
  const f = order.facts;
  return {
    currency: f.currency,
    status: none(f.status),
    sub_state: none(f.sub_state),
    lulu: none(f.lulu),
    has_falcon: f.falcon !== null,
    falcon: none(f.falcon),
    payout: none(f.payout),
    partner: none(f.partner),
    rfi: none(f.rfi),
  };
}

export function signatureText(s: PatternSignature): string {
  return [
    s.currency,
    s.status,
    s.sub_state,
    `lulu:${s.lulu}`,
    `falcon:${s.has_falcon ? s.falcon : 'none'}`,
    `payout:${s.payout}`,
    `partner:${s.partner}`,
    `rfi:${s.rfi}`,
  ].join('|');
}

export function patternId(text: string): string {
  return `PT-${createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase()}`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The majority reason; ties go to the reason named first alphabetically so the result is stable. */
function majority(reasons: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

/**
 * Clusters the orders that are real work (not disqualified) by signature (§13), biggest impact first.
 * Impact = count × (amount in AED / impact_amount_aed) × (avg hours / impact_hours).
 */
export function clusterOrders(config: EcmConfig, orders: readonly TriagedOrder[]): PatternCluster[] {
  const p = config.settings.patterns;
  const groups = new Map<string, { signature: PatternSignature; orders: TriagedOrder[] }>();
  for (const o of orders) {
    if (o.disqualified) continue;
    const signature = signatureOf(o);
    const key = signatureText(signature);
    const g = groups.get(key);
    if (g) g.orders.push(o);
    else groups.set(key, { signature, orders: [o] });
  }
  const clusters: PatternCluster[] = [];
  for (const [text, { signature, orders: members }] of groups) {
    if (members.length < p.min_cluster_size) continue;
    const count = members.length;
    // Summed exactly in minor units; the total is a number for the pattern row and the impact score.
    const total = approximate(fromMinorUnits(sumMinorUnits(members.map((o) => toMinorUnits(o.amount_aed_decimal)))));
    const avgHours = members.reduce((s, o) => s + o.hours, 0) / count;
    const critical = members.filter((o) => o.hours > p.critical_hours).length;
    const highValue = members.filter((o) => o.high_value).length;
    const reason = majority(members.map((o) => o.stuck_reason));
    clusters.push({
      pattern_id: patternId(text),
      signature,
      signature_text: text,
      stuck_reason: reason,
      order_count: count,
      order_ids: members.map((o) => o.order_id).sort(),
      total_amount_aed: round2(total),
      avg_hours: Math.round(avgHours * 10) / 10,
      max_hours: Math.max(...members.map((o) => o.hours)),
      high_value_count: highValue,
      critical_count: critical,
      impact: round2(count * (total / p.impact_amount_aed) * (avgHours / p.impact_hours)),
      novel: reason === config.classification.fallback && count >= p.novel_min_size,
      flags: {
        high_value: highValue > 0,
        majority_critical: critical * 2 > count,
        over_72h: members.some((o) => o.hours > p.very_old_hours),
      },
      systemic: count > p.systemic_above,
    });
  }
  return clusters.sort((a, b) => b.impact - a.impact || b.order_count - a.order_count || a.pattern_id.localeCompare(b.pattern_id));
}

export type PatternTrend =
  | { readonly kind: 'baseline' }
  | { readonly kind: 'new' }
  | { readonly kind: 'up' | 'down' | 'same'; readonly delta: number }
  | { readonly kind: 'gone' };

export function trendText(t: PatternTrend): string {
  switch (t.kind) {
    case 'baseline':
      return 'baseline';
    case 'new':
      return 'NEW';
    case 'gone':
      return 'GONE';
    case 'up':
      return `UP +${t.delta}`;
    case 'down':
      return `DOWN -${Math.abs(t.delta)}`;
    case 'same':
      return 'SAME';
  }
}

/**
 * Trend vs the previous run, matched by signature: `UP +N`, `DOWN -N`, `NEW`, `GONE`, or `baseline`
 * when there is no previous run. `previous` maps signature text → order count.
 */
export function clusterTrends(
  clusters: readonly PatternCluster[],
  previous: ReadonlyMap<string, number> | null,
): { trends: Map<string, PatternTrend>; gone: string[] } {
  const trends = new Map<string, PatternTrend>();
  if (previous === null) {
    for (const c of clusters) trends.set(c.signature_text, { kind: 'baseline' });
    return { trends, gone: [] };
  }
  for (const c of clusters) {
    const before = previous.get(c.signature_text);
    if (before === undefined) trends.set(c.signature_text, { kind: 'new' });
    else if (c.order_count > before) trends.set(c.signature_text, { kind: 'up', delta: c.order_count - before });
    else if (c.order_count < before) trends.set(c.signature_text, { kind: 'down', delta: before - c.order_count });
    else trends.set(c.signature_text, { kind: 'same', delta: 0 });
  }
  const current = new Set(clusters.map((c) => c.signature_text));
  return { trends, gone: [...previous.keys()].filter((s) => !current.has(s)).sort() };
}
