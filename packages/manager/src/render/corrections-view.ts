import type { correctionStats } from '@ecm/agent';
import type { CorrectedClassification } from '@ecm/core/stores';

type Corrections = Awaited<ReturnType<typeof correctionStats>> & { readonly correctedClassifications?: readonly CorrectedClassification[] };

/** §15's satisfaction per skill and the "common mistakes" (the most frequent corrections). */
export function renderCorrections(c: Corrections): string[] {
  const judged = c.skills.filter((s) => s.corrections > 0);
  const out = ['', 'Satisfaction (from ecm-field correct):'];
  if (!judged.length) out.push('  no corrections in this period');
  for (const s of judged)
    out.push(
      `  ${s.skill.padEnd(22)} ${Math.round(s.satisfaction * 100)}% of ${s.executions}, ${s.corrections} corrected (${s.wrong} wrong, ${s.partly} partly)`,
    );
  out.push('', 'Common mistakes:');
  if (!c.commonMistakes.length) out.push('  none recorded');
  for (const m of c.commonMistakes) out.push(`  ${m.count}× ${m.skill} (${m.verdict}): ${m.note}`);
  out.push('  Most corrected classifications (ecm-field correct order, and "reason wrong" at resolve):');
  if (!c.correctedClassifications?.length) out.push('    none recorded');
  for (const k of c.correctedClassifications ?? []) out.push(`    ${k.count}× ${k.classified_reason} → ${k.corrected_reason}`);
  return out;
}
