import { z } from 'zod';

/**
 * The condition language shared by classification, disqualification and scoring bands.
 * A condition on one fact is one of:
 *   VALUE            equals (a missing fact never equals anything, as in SQL)
 *   null             the fact is missing
 *   [V1, V2, null]   one of (null in the list matches a missing fact)
 *   {not: V | [..]}  present and not one of (a missing fact is false, as in SQL)
 *   {gt|gte|lt|lte: N}  numeric comparison
 */
export const FACT_NAMES = [
  'currency',
  'status',
  'sub_state',
  'acquirer',
  'paid',
  'payment',
  'ftv',
  'falcon',
  'payout',
  'partner',
  'partner_class',
  'attempts',
  'has_payout',
  'lulu',
  'lulu_client',
  'has_lulu',
  'rfi',
  'has_rfi',
  'trm',
  'uae_manual',
  'checkout',
  'rda',
  'live',
  'hours',
  'receive_amount',
  'amount_aed',
  'stuck_reason',
] as const;
export type FactName = (typeof FACT_NAMES)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const scalarOrNull = z.union([scalar, z.null()]);

const comparison = z
  .object({
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    not: z.union([scalar, z.array(scalar).min(1)]).optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: 'expected at least one of gt, gte, lt, lte, not' });

export const conditionSchema = z.union([scalarOrNull, z.array(scalarOrNull).min(1), comparison]);
export type Condition = z.infer<typeof conditionSchema>;

export const whenSchema = z.record(z.string(), conditionSchema).superRefine((when, ctx) => {
  // An empty `when` holds for every order: a rule with it would swallow every order after it.
  if (Object.keys(when).length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'empty condition: `when: {}` matches every order; expected at least one fact, e.g. { status: FAILED }',
    });
  }
  for (const key of Object.keys(when)) {
    if (!(FACT_NAMES as readonly string[]).includes(key)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `unknown fact "${key}"; expected one of ${FACT_NAMES.join(', ')}`,
      });
    }
  }
});
export type When = Record<string, Condition>;
