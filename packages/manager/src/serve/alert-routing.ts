import type { Domain, LabelMatcher, TriggerRun } from '@ecm/agent';
import { z } from 'zod';

/** Alertmanager's webhook payload (version 4), as its webhook receiver sends it. */
export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string().min(1),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'expected a hex fingerprint'),
});
export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: z.record(z.string(), z.string()).default({}),
  commonLabels: z.record(z.string(), z.string()).default({}),
  commonAnnotations: z.record(z.string(), z.string()).default({}),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlertSchema).max(1000),
});
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;

function matches(matcher: LabelMatcher, value: string | undefined): boolean {
  if (value === undefined) return false;
  return typeof matcher === 'string' ? matcher === value : new RegExp(`^(?:${matcher.regex})$`).test(value);
}

export interface AlertRoute {
  readonly domain: Domain;
  readonly route: string;
  readonly run: TriggerRun;
}

/** Each domain's first alert route whose every label matcher matches: configuration alone decides. */
export function routeAlert(labels: Readonly<Record<string, string>>, domains: ReadonlyMap<string, Domain>): AlertRoute[] {
  const out: AlertRoute[] = [];
  for (const domain of domains.values()) {
    const route = domain.triggers.alerts.find((r) => Object.entries(r.match).every(([label, m]) => matches(m, labels[label])));
    if (route) out.push({ domain, route: route.name, run: route.run });
  }
  return out;
}

/**
 * One firing of an alert: Alertmanager's fingerprint (its label set) and when this firing started. A
 * re-sent notification has both; the same alert firing again after it resolved has a new start.
 */
/**
 * One firing: the alert's fingerprint and when it started, the time in one canonical form (Alertmanager
 * writes `…29.16Z` for `…29.160Z`; the same instant must make the same key, whatever its spelling).
 */
export const alertDedupeKey = (alert: AlertmanagerAlert) => `${alert.fingerprint}@${canonicalTime(alert.startsAt)}`;

function canonicalTime(text: string): string {
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? text : at.toISOString();
}
