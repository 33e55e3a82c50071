import { errorText } from '@ecm/core/text';

/** The first JSON object in a model's answer, fenced or bare (diagnoses and fix proposals answer so). */
export function firstJsonObject(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidate = fenced ? fenced[1]! : text;
  const start = candidate.indexOf('{');
  const end = candidate.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the answer');
  return JSON.parse(candidate.slice(start, end + 1)) as unknown;
}

/** A model's answer as JSON, or why it is not: "<what> is not JSON: …" (the answer is data, never trusted). */
export function jsonAnswer(text: string, what: string): { ok: true; data: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, data: firstJsonObject(text) };
  } catch (err) {
    return { ok: false, reason: `${what} is not JSON: ${errorText(err)}` };
  }
}
