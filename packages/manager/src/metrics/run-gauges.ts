import { managerDomainName } from '@ecm/agent';
import { z } from 'zod';
import { errorText } from '@ecm/core/text';

/**
 * The manager's own gauges, pushed to a Prometheus Pushgateway after every run whether or not an LLM
 * is configured, so that the alert rules (deploy/prometheus/runs.yml) see every install. They come
 * from the run's outcomes and facts alone: the same numbers the Slack reports show.
 *
 * Each phase is its own Pushgateway group (job "ecm-manager", phase). Pushes use POST, which
 * replaces only the metrics named in the push: a failed run leaves the last success time and the
 * last good backlog figures in place, and the agent runtime's metrics in the same group are kept.
 */

export const PUSH_JOB = 'ecm-manager';
const STATUSES = ['succeeded', 'partial', 'failed', 'skipped'] as const;

/** What the gauges need of a phase's outcome (run-phases' PhaseOutcome). */
export interface RunOutcome {
  readonly phase: string;
  readonly status: string;
  readonly facts: unknown;
  readonly messages: readonly { readonly thread: readonly unknown[] }[];
  readonly ms: number;
}

export interface Gauge {
  readonly name: string;
  readonly help: string;
  readonly value: number;
  readonly labels?: Readonly<Record<string, string>>;
}

const num = z.number().finite();
const backlogFacts = z.object({ actionable: num, value_at_risk_aed: num, high_value: num }).partial();
const triageFacts = z
  .object({ assigned: num, assigned_value_aed: num, overflow: z.object({ total: num }).partial(), not_assigned_by_gate: num })
  .partial();

/** The domain the manager's work belongs to (its domain.yaml): the label the domain dashboard selects on. */
const workDomain = () => managerDomainName();
const patternsFacts = z.object({ pattern_count: num, novel_count: num }).partial();
const slaFacts = z.object({ open_tickets: num, breached: num, raised: num }).partial();

/** Facts of a phase, only the numbers the gauges use; a fact that is missing or not a number is left out. */
function factGauges(outcome: RunOutcome): Gauge[] {
  const gauges: Gauge[] = [];
  const add = (name: string, help: string, value: number | undefined) =>
    value !== undefined && gauges.push({ name, help, value, labels: { domain: workDomain() } });
  if (outcome.phase === 'backlog') {
    const f = backlogFacts.safeParse(outcome.facts);
    if (f.success) {
      add('ecm_backlog_actionable_orders', 'Actionable stuck orders in the last successful backlog report', f.data.actionable);
      add(
        'ecm_backlog_value_at_risk_aed',
        'Value of the actionable stuck orders in AED (last successful backlog report)',
        f.data.value_at_risk_aed,
      );
      add(
        'ecm_backlog_high_value_orders',
        'Actionable stuck orders above the high-value line (last successful backlog report)',
        f.data.high_value,
      );
    }
  } else if (outcome.phase === 'triage') {
    const f = triageFacts.safeParse(outcome.facts);
    if (f.success) {
      add('ecm_triage_tickets_assigned', 'Tickets the last successful triage assigned', f.data.assigned);
      add('ecm_triage_assigned_value_aed', 'Value of the orders the last successful triage assigned, in AED', f.data.assigned_value_aed);
      const overflow = f.data.overflow?.total;
      const gated = f.data.not_assigned_by_gate;
      add(
        'ecm_triage_unassigned_orders',
        'Actionable orders the last successful triage could not assign (capacity overflow or the sanity gate)',
        overflow === undefined && gated === undefined ? undefined : (overflow ?? 0) + (gated ?? 0),
      );
    }
  } else if (outcome.phase === 'patterns') {
    const f = patternsFacts.safeParse(outcome.facts);
    if (f.success) {
      add('ecm_patterns_clusters', 'Pattern clusters in the last successful patterns report', f.data.pattern_count);
      add('ecm_patterns_novel_clusters', 'Novel pattern clusters in the last successful patterns report', f.data.novel_count);
    }
  } else if (outcome.phase === 'sla') {
    const f = slaFacts.safeParse(outcome.facts);
    if (f.success) {
      add('ecm_sla_open_tickets', 'Open tickets the last SLA watch looked at', f.data.open_tickets);
      add('ecm_sla_breached_tickets', 'Open tickets past their SLA at the last SLA watch', f.data.breached);
      add('ecm_sla_alerts_raised', 'Breach and escalation-ladder alerts the last SLA watch raised', f.data.raised);
    }
  }
  return gauges;
}

/** The gauges one phase's outcome pushes; none for a dry run, which is not a run. */
export function gaugesFor(outcome: RunOutcome, at: Date): Gauge[] {
  if (outcome.status === 'dry_run') return [];
  const seconds = Math.floor(at.getTime() / 1000);
  const gauges: Gauge[] = [
    {
      name: 'ecm_phase_last_run_timestamp_seconds',
      help: 'When the phase last ran to an end, whatever the outcome (Unix seconds)',
      value: seconds,
    },
    ...STATUSES.map((status) => ({
      name: 'ecm_phase_last_run_status',
      help: 'Outcome of the last run of the phase: 1 for its status, 0 for the others',
      value: outcome.status === status ? 1 : 0,
      labels: { status },
    })),
  ];
  if (outcome.status === 'succeeded') {
    const posted = outcome.messages.reduce((n, m) => n + 1 + m.thread.length, 0);
    gauges.push(
      { name: 'ecm_phase_last_success_timestamp_seconds', help: 'When the phase last succeeded (Unix seconds)', value: seconds },
      { name: 'ecm_phase_duration_seconds', help: 'Wall time of the last successful run of the phase', value: outcome.ms / 1000 },
      {
        name: 'ecm_phase_messages_posted',
        help: 'Slack messages (parents and thread replies) the last successful run posted',
        value: posted,
      },
      ...factGauges(outcome),
    );
  }
  return gauges;
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Prometheus text exposition format (0.0.4), one HELP and TYPE per metric name. */
export function exposition(gauges: readonly Gauge[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const g of gauges) {
    if (!seen.has(g.name)) {
      seen.add(g.name);
      lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`);
    }
    const labels = Object.entries(g.labels ?? {});
    const sel = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
    lines.push(`${g.name}${sel} ${Number.isInteger(g.value) ? g.value : g.value.toFixed(6).replace(/0+$/, '').replace(/\.$/, '')}`);
  }
  return `${lines.join('\n')}\n`;
}

export type PushResult =
  | { readonly ok: true; readonly pushed: number }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: 'skipped'; readonly reason: string };

const pushgatewayUrl = z.url({ protocol: /^https?$/ });

export interface PushOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly at?: Date;
  readonly timeoutMs?: number;
}

/**
 * Pushes every phase's gauges when PUSHGATEWAY_URL is set. A failed push is returned, never thrown:
 * monitoring must not fail the run (a missing push shows up as a missed-run alert instead).
 */
export async function pushRunGauges(outcomes: readonly RunOutcome[], options: PushOptions = {}): Promise<PushResult> {
  const raw = (options.env ?? process.env).PUSHGATEWAY_URL?.trim();
  if (!raw) return { ok: 'skipped', reason: 'PUSHGATEWAY_URL not set' };
  const url = pushgatewayUrl.safeParse(raw);
  if (!url.success) return { ok: false, error: `PUSHGATEWAY_URL "${raw}" is not an http(s) URL` };
  const at = options.at ?? new Date();
  let pushed = 0;
  for (const outcome of outcomes) {
    const gauges = gaugesFor(outcome, at);
    if (!gauges.length) continue;
    const target = `${url.data.replace(/\/+$/, '')}/metrics/job/${encodeURIComponent(PUSH_JOB)}/phase/${encodeURIComponent(outcome.phase)}`;
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        body: exposition(gauges),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      if (!res.ok) return { ok: false, error: `metrics push to ${target} failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}` };
      pushed++;
    } catch (err) {
      return { ok: false, error: `metrics push to ${target} failed: ${errorText(err)}` };
    }
  }
  return { ok: true, pushed };
}

/** The run's one call: pushes, and says on stderr (never failing the run) when the push did not go through. */
export async function publishRunGauges(outcomes: readonly RunOutcome[], notice: (line: string) => void): Promise<void> {
  const result = await pushRunGauges(outcomes);
  if (result.ok === false) notice(`Metrics not pushed: ${result.error}`);
}
