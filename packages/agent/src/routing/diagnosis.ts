import { z } from 'zod';
import { verifyInsights } from '../verify/verify-insights.js';
import { jsonAnswer } from './model-json.js';
import { firstIssue } from '@ecm/core/text';

/** The specialist's answer about one cluster. */
export const diagnosisSchema = z
  .object({
    root_cause: z.string().trim().min(1),
    evidence: z.array(z.string().trim().min(1)),
    recommended_fix: z.string().trim().min(1),
    confidence: z.union([z.number().min(0).max(1), z.enum(['low', 'medium', 'high'])]),
  })
  .strict();
export type Diagnosis = z.infer<typeof diagnosisSchema>;

export { firstJsonObject } from './model-json.js';

export type ParsedDiagnosis =
  | { readonly ok: true; readonly diagnosis: Diagnosis; readonly droppedEvidence: readonly { text: string; numbers: string[] }[] }
  | { readonly ok: false; readonly reason: string; readonly verifier: boolean };

/**
 * Parses and checks a diagnosis: the schema, then every figure against the facts. Evidence with an
 * unsupported figure is dropped; an unsupported figure in the root cause or fix rejects the whole.
 */
export function parseDiagnosis(text: string, facts: unknown): ParsedDiagnosis {
  const json = jsonAnswer(text, 'diagnosis');
  if (!json.ok) return { ok: false, reason: json.reason, verifier: false };
  const parsed = diagnosisSchema.safeParse(json.data);
  if (!parsed.success) return { ok: false, reason: `diagnosis does not match its schema: ${firstIssue(parsed.error)}`, verifier: false };
  const d = parsed.data;
  const claims = verifyInsights([d.root_cause, d.recommended_fix], facts);
  if (claims.dropped.length) {
    return {
      ok: false,
      reason: `diagnosis cites figures the facts do not support: ${claims.dropped.flatMap((x) => x.numbers).join(', ')}`,
      verifier: true,
    };
  }
  const evidence = verifyInsights(d.evidence, facts);
  // An empty list is the skill's honest "no data" answer; emptied by the verifier, it is a rejection.
  if (d.evidence.length && !evidence.kept.length) return { ok: false, reason: 'no evidence survived the number check', verifier: true };
  return { ok: true, diagnosis: { ...d, evidence: evidence.kept }, droppedEvidence: evidence.dropped };
}
