import { z } from 'zod';

/** The same order id shape the tools accept, so a prompt never carries a value a tool would refuse. */
const orderId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'an order id is letters, digits and - _ . :')
  .describe('The GOMS order id, e.g. as my-tickets lists it');

const asOf = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/, 'an ISO 8601 UTC time such as 2026-02-17T01:30:00Z')
  .optional()
  .describe("The run time T in UTC (ISO 8601); default: the facts' or the gateway's");

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

const facts = z
  .string()
  .max(200_000)
  .refine(isJsonObject, "expected the phase's facts as one JSON object")
  .describe("The phase's facts JSON, as the manager run wrote it");

/**
 * The arguments of each skill's prompt: what its "Inputs" section asks the person for. A skill
 * missing here gets a prompt without arguments; a name here that is no skill fails the tests.
 * MCP prompt arguments are strings, so every schema is a string schema.
 */
export const PROMPT_ARGUMENTS = {
  'my-tickets': {
    filter: z.string().max(200).optional().describe('Narrow the list: a priority (P1), a status (ESCALATED) or a stuck reason'),
  },
  'order-details': { order_id: orderId },
  'resolve-ticket': {
    order_id: orderId,
    notes: z.string().max(2_000).optional().describe('What was done, with the reference (UTR, BRN, refund reference, partner ticket)'),
  },
  'escalate-ticket': {
    order_id: orderId,
    reason: z.string().max(2_000).optional().describe('What is blocked and what was tried, with references'),
  },
  'ecm-resolve': { order_id: orderId, as_of: asOf },
  'ecm-diagnose': {
    pattern_id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'a pattern id as ecm_pattern_clusters returns it')
      .describe("The cluster's pattern_id"),
    as_of: asOf,
  },
  'ecm-daily-flow': { facts },
  'triage-and-assign': { facts },
  'pattern-intelligence': { facts },
} satisfies Record<string, z.ZodRawShape>;

export type PromptArgumentShape = (typeof PROMPT_ARGUMENTS)[keyof typeof PROMPT_ARGUMENTS];

export function promptArgumentsOf(skill: string): z.ZodRawShape | undefined {
  return (PROMPT_ARGUMENTS as Record<string, z.ZodRawShape>)[skill];
}
