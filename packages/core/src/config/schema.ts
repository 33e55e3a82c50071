import { z } from 'zod';
import { CronSyntaxError, parseCron } from './cron-expression.js';
import { whenSchema } from './rule-schema.js';
import { TICKET_STATUSES } from '../tickets/ticket-values.js';

export { PRIORITIES, TICKET_STATUSES, type Priority, type TicketStatus } from '../tickets/ticket-values.js';

/** Codes that end up inside SQL IN-lists: plain upper-case identifiers only. */
const code = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case code such as PROCESSING_DEAL_IN');
const fraction = z.number().min(0).max(1);
export const TEAMS = ['Ops', 'KYC_ops', 'VDA_ops'] as const;
export const teamSchema = z.enum(TEAMS);
export type Team = z.infer<typeof teamSchema>;

/** An IANA time zone name this runtime knows. */
export const timeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as Asia/Kolkata');

export const ACTION_PLACEHOLDERS = ['amount', 'currency', 'amount_aed', 'acquirer', 'partner', 'hours', 'order_id'] as const;

export const stuckReasonSchema = z
  .object({
    team: teamSchema,
    sla_hours: z.number().positive(),
    severity: fraction,
    monitor_only: z.boolean(),
    customer_impact: z.boolean(),
    summary: z.string().min(1),
    action: z.string().min(1),
    escalation: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a role key such as techops_oncall'),
    runbook: z.string().min(1),
  })
  .strict();
export type StuckReason = z.infer<typeof stuckReasonSchema> & { readonly name: string };

export const stuckReasonsFileSchema = z
  .object({ reasons: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case reason name'), stuckReasonSchema) })
  .strict();

const ruleSchema = z.union([z.object({ reason: z.string(), when: whenSchema }).strict(), z.object({ include: z.string() }).strict()]);
export type Rule = z.infer<typeof ruleSchema>;

export const classificationFileSchema = z
  .object({
    classification: z
      .object({
        fallback: z.string(),
        all_currencies: z.array(ruleSchema),
        groups: z.record(z.string(), z.array(ruleSchema)).default({}),
        currencies: z.record(code, z.array(ruleSchema)),
      })
      .strict(),
    disqualification: z.array(
      z.object({ reason: z.string().regex(/^[a-z][a-z0-9_]*$/), explain: z.string().min(1), when: whenSchema }).strict(),
    ),
  })
  .strict();
export type ClassificationFile = z.infer<typeof classificationFileSchema>;

// A factor's value is multiplied by its weight; outside 0..1 it would outweigh the other factors.
const factorSchema = z.object({ default: fraction, bands: z.array(z.object({ value: fraction, when: whenSchema }).strict()) }).strict();

/** Five-field cron, checked with the same parser the scheduler uses, so a bad one stops the load. */
const cronSchema = z.string().superRefine((expression, ctx) => {
  try {
    parseCron(expression);
  } catch (err) {
    if (!(err instanceof CronSyntaxError)) throw err;
    ctx.addIssue({ code: 'custom', message: `${err.message}; expected five fields such as "0 7 * * *"` });
  }
});

const WEIGHT_NAMES = ['age', 'amount', 'severity', 'rfi', 'payment', 'attempts'] as const;
/** The score is a weighted mean: each weight in 0..1 and the weights together exactly 1. */
const weightsSchema = z
  .object(
    Object.fromEntries(
      WEIGHT_NAMES.map((n) => [n, z.number().min(0, 'expected a weight between 0 and 1').max(1, 'expected a weight between 0 and 1')]),
    ) as Record<(typeof WEIGHT_NAMES)[number], z.ZodNumber>,
  )
  .strict()
  .superRefine((w, ctx) => {
    const sum = WEIGHT_NAMES.reduce((n, k) => n + w[k], 0);
    // Compared at 1e-9: 0.25 + 0.20 + … is not exactly 1 in binary.
    if (Math.abs(sum - 1) > 1e-9)
      ctx.addIssue({
        code: 'custom',
        message: `weights sum to ${Number(sum.toFixed(9))}; expected them to sum to 1 so that a score stays between 0 and 1`,
      });
  });
export type FactorBands = z.infer<typeof factorSchema>;

/** The warehouse's business tables (domain reference §2), without customers (personal data). */
export const BUSINESS_TABLES = [
  'orders_goms',
  'payments_goms',
  'falcon_transactions_v2',
  'transaction_payout',
  'lulu_data',
  'transfer_rfi',
  'uae_manual_payments',
  'checkout_payment_data',
  'fulfillments_goms',
  'rda_fulfillments',
] as const;

const sqlName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case SQL name such as orders_goms');

/**
 * What the gateway's warehouse_query may read: these tables (unqualified, or qualified with one of
 * `schemas`), minus the columns listed as personal data. Everything else is refused.
 */
export const warehouseAccessSchema = z
  .object({
    schemas: z.array(sqlName).min(1).default(['public']),
    tables: z
      .array(sqlName)
      .min(1)
      .default([...BUSINESS_TABLES]),
    pii_columns: z.record(sqlName, z.array(sqlName)).default({ customers: ['full_name', 'email', 'phone'] }),
  })
  .strict();
export type WarehouseAccessSettings = z.infer<typeof warehouseAccessSchema>;

export const settingsFileSchema = z
  .object({
    warehouse_access: warehouseAccessSchema.default({
      schemas: ['public'],
      tables: [...BUSINESS_TABLES],
      pii_columns: { customers: ['full_name', 'email', 'phone'] },
    }),
    candidates: z
      .object({
        window_days: z.number().int().positive(),
        min_age_hours: z.number().nonnegative(),
        currencies: z.array(code).min(1),
        statuses: z.array(code).min(1),
        sub_states: z.array(code).min(1),
        completed_with_falcon_status: code,
      })
      .strict(),
    partners: z
      .object({
        bulk_vda: z.array(code),
        bulk_vda_above_receive_amount: z.object({ partners: z.array(code), receive_amount: z.number().nonnegative() }).strict(),
        rda: z.array(code),
      })
      .strict(),
    fx_to_aed: z.record(code, z.number().positive()),
    scoring: z
      .object({
        weights: weightsSchema,
        factors: z
          .object({ age: factorSchema, amount: factorSchema, rfi: factorSchema, payment: factorSchema, attempts: factorSchema })
          .strict(),
      })
      .strict(),
    priorities: z
      .object({
        bands: z.array(z.object({ priority: z.enum(['P1', 'P2', 'P3', 'P4']), min_score: fraction }).strict()).min(1),
        otherwise: z.enum(['P1', 'P2', 'P3', 'P4']),
      })
      .strict(),
    high_value_aed: z.number().positive(),
    age_categories: z
      .object({ default: z.string(), bands: z.array(z.object({ category: z.string(), when: whenSchema }).strict()) })
      .strict(),
    sanity: z
      .object({
        typical: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
        warn_above: z.number().int().positive(),
        stop_assignment_above: z.number().int().positive(),
      })
      .strict(),
    data_freshness: z.object({ rfi_stale_hours: z.number().positive(), warehouse_stale_hours: z.number().positive() }).strict(),
    assignment: z
      .object({
        default_max_tickets: z.number().int().positive(),
        /** SLA for a ticket whose stuck reason is not in the catalogue (renamed, removed, hand-edited). */
        default_sla_hours: z.number().positive().default(24),
        open_statuses: z.array(z.enum(TICKET_STATUSES)).min(1),
      })
      .strict(),
    patterns: z
      .object({
        min_cluster_size: z.number().int().min(2),
        novel_min_size: z.number().int().positive(),
        systemic_above: z.number().int().positive(),
        critical_hours: z.number().positive(),
        very_old_hours: z.number().positive(),
        impact_amount_aed: z.number().positive(),
        impact_hours: z.number().positive(),
        diagnose_min_critical: z.number().int().positive(),
      })
      .strict(),
    reports: z
      .object({ time_zone: timeZoneSchema, inflow_days: z.number().int().min(2).max(31), spike_ratio: z.number().positive() })
      .strict(),
    learning: z
      .object({
        window_days: z.number().int().positive(),
        min_resolutions: z.number().int().positive(),
        self_healed_rate_above: fraction,
        self_healed_multiplier: fraction,
        fast_resolution_minutes_below: z.number().positive(),
        fast_multiplier: fraction,
        diagnosis_accuracy_below: fraction,
        false_positive_rate_above: fraction,
      })
      .strict(),
    // Time limits on the stores (ms); optional in the file so that older files stay valid.
    timeouts: z
      .object({
        connect_ms: z.number().int().positive(),
        state_statement_ms: z.number().int().positive(),
        state_lock_ms: z.number().int().positive(),
        warehouse_statement_ms: z.number().int().positive(),
      })
      .strict()
      .default({ connect_ms: 10_000, state_statement_ms: 30_000, state_lock_ms: 10_000, warehouse_statement_ms: 600_000 }),
    // Where messages go besides the report channel (SLACK_CHANNEL_ID). Optional: every key has a default.
    slack: z
      .object({
        /** Per team, the channel for its SLA alerts (a team without one uses the report channel). */
        team_channels: z
          .partialRecord(teamSchema, z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a channel id such as C0123456789'))
          .default({}),
        /** 48 h critical escalations; null sends them to the team channel. */
        critical_channel: z
          .string()
          .regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a channel id such as C0123456789')
          .nullable()
          .default(null),
        /** Each agent gets their new tickets as a direct message instead of a reply in the report thread. */
        dm_queues: z.boolean().default(true),
        /** A longer assignment list: the thread shows its most urgent rows and points to the full list. */
        file_above_rows: z.number().int().positive().default(30),
      })
      .strict()
      .default({ team_channels: {}, critical_channel: null, dm_queues: true, file_above_rows: 30 }),
    schedule: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a lower-case name such as triage-evening'),
            command: z.enum(['daily', 'backlog', 'triage', 'patterns', 'sla']),
            cron: cronSchema,
            time_zone: timeZoneSchema,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Settings = z.infer<typeof settingsFileSchema>;
