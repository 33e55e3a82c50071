import { z } from 'zod';
import { ROLES } from '../config/llm-config.js';
import { skillNameSchema } from '../skills/skill.js';

/**
 * One domain's configuration (`shared/domains/<domain>/domain.yaml`): everything that differs between
 * domains — their skills, models, routing, guardrails, tools and triggers — so that a new domain is a
 * folder of configuration and skills, not code.
 */

export const domainNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'expected lower-case letters, digits and single hyphens, such as refunds');

/** What a trigger starts: phases of the manager's run (ECM's own work) or one of the domain's skills. */
export const MANAGER_PHASES = ['backlog', 'triage', 'patterns', 'sla'] as const;
export const triggerRunSchema = z.union([
  z
    .object({
      phases: z
        .array(z.enum(MANAGER_PHASES, { message: `expected phases of ${MANAGER_PHASES.join(', ')}` }))
        .min(1, 'expected at least one phase'),
    })
    .strict(),
  z.object({ skill: skillNameSchema }).strict(),
]);
export type TriggerRun = z.infer<typeof triggerRunSchema>;

/** A label value matcher: the exact value, or `{ regex }` anchored at both ends like Alertmanager's `=~`. */
const labelMatcherSchema = z.union([
  z.string().min(1),
  z
    .object({ regex: z.string().min(1) })
    .strict()
    .refine((m) => {
      try {
        new RegExp(`^(?:${m.regex})$`);
        return true;
      } catch {
        return false;
      }
    }, 'expected a valid regular expression'),
]);
export type LabelMatcher = z.infer<typeof labelMatcherSchema>;

const alertRouteSchema = z
  .object({
    name: z.string().min(1),
    /** Every label named must match; an alert matching no route of any domain is recorded and ignored. */
    match: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a Prometheus label name'), labelMatcherSchema)
      .refine((m) => Object.keys(m).length > 0, 'expected at least one label matcher'),
    run: triggerRunSchema,
  })
  .strict();

const webhookEventSchema = z
  .object({ type: z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'expected an event type such as refund.requested'), run: triggerRunSchema })
  .strict();

const cronTriggerSchema = z
  .object({ name: z.string().min(1), cron: z.string().min(1), time_zone: z.string().min(1), run: triggerRunSchema })
  .strict();

const rateLimitSchema = z
  .object({
    max: z.number().int('expected a whole number').min(1, 'expected at least 1'),
    per_minutes: z
      .number()
      .int('expected whole minutes')
      .min(1)
      .max(24 * 60),
  })
  .strict();

export const TRIGGER_SOURCES = ['alertmanager', 'webhook', 'slack', 'cron'] as const;
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];

export const domainFileSchema = z
  .object({
    name: domainNameSchema,
    description: z.string().trim().min(1, 'expected a sentence saying what the domain handles'),
    /** The manager's scheduled phases (config/ecm.yaml `schedule:`) do this domain's work; exactly one domain says so. */
    manager_phases: z.boolean().default(false),
    skills: z
      .object({
        /** Relative to the domain's folder. */
        dir: z.string().min(1),
        /** The skills of `dir` this domain uses (default: all of them). */
        use: z.array(skillNameSchema).min(1).optional(),
      })
      .strict(),
    /** Model per role; a role left out uses llm.yaml's default. */
    roles: z
      .partialRecord(z.enum(ROLES, { message: `expected a role of ${ROLES.join(', ')}` }), z.object({ model: z.string().min(1) }).strict())
      .default({}),
    /** The specialist chain's rules file (relative to the domain's folder), when the domain hands work between skills. */
    routing: z.string().min(1).optional(),
    guardrails: z
      .object({
        daily_budget_usd: z.number().positive('expected US dollars above 0').max(10_000),
        /** Actions a person must approve before they run (e.g. fix_proposals). */
        human_approval: z.array(z.string().regex(/^[a-z_]+$/, 'expected an action name such as fix_proposals')).default([]),
        rate_limits: z
          .partialRecord(
            z.enum(TRIGGER_SOURCES, { message: `expected a trigger source of ${TRIGGER_SOURCES.join(', ')}` }),
            rateLimitSchema,
          )
          .default({}),
      })
      .strict(),
    /** Every tool a skill of this domain may be offered; a skill allowing another tool is a configuration error. */
    tools: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a tool name such as runbook_get')).default([]),
    triggers: z
      .object({
        alerts: z.array(alertRouteSchema).default([]),
        webhook: z
          .object({
            /** The environment variable holding the HMAC secret (never the secret itself). */
            secret_env: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an environment variable name such as REFUNDS_WEBHOOK_SECRET'),
            events: z.array(webhookEventSchema).min(1, 'expected at least one event type'),
          })
          .strict()
          .optional(),
        cron: z.array(cronTriggerSchema).default([]),
      })
      .strict()
      .default({ alerts: [], cron: [] }),
  })
  .strict();

export type DomainFile = z.infer<typeof domainFileSchema>;
