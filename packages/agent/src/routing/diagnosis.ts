import { z } from 'zod';
import { verifyInsights } from '../verify/verify-insights.js';
import { errorText } from '@ecm/core/text';

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

export type ParsedDiagnosis =
  | { readonly ok: true; readonly diagnosis: Diagnosis; readonly droppedEvidence: readonly { text: string; numbers: string[] }[] }
  | { readonly ok: false; readonly reason: string; readonly verifier: boolean };

/** The first JSON object in a model's answer, fenced or bare (the diagnosis and the fix proposal both answer so). */
export function firstJsonObject(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidate = fenced ? fenced[1]! : text;
  const start = candidate.indexOf('{');
  const end = candidate.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the answer');
  return JSON.parse(candidate.slice(start, end + 1)) as unknown;
}

/**
 * Parses and checks a diagnosis: the schema, then every figure against the facts. Evidence with an
 * unsupported figure is dropped; an unsupported figure in the root cause or fix rejects the whole.
 */
export function parseDiagnosis(text: string, facts: unknown): ParsedDiagnosis {
  let data: unknown;
  try {
    data = firstJsonObject(text);
  } catch (err) {
    return { ok: false, reason: `diagnosis is not JSON: ${errorText(err)}`, verifier: false };
  }
  const parsed = diagnosisSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      ok: false,
      reason: `diagnosis does not match its schema: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      verifier: false,
    };
  }
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
