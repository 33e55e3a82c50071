import type { correctionStats } from '@ecm/agent';

type Corrections = Awaited<ReturnType<typeof correctionStats>>;

/** §15's satisfaction per skill and the "common mistakes" (the most frequent corrections). */
export function renderCorrections(c: Corrections): string[] {
  const judged = c.skills.filter((s) => s.corrections > 0);
  const out = ['', 'Satisfaction (from ecm-field correct):'];
  if (!judged.length) out.push('  no corrections in this period');
  for (const s of judged) out.push(`  ${s.skill.padEnd(22)} ${Math.round(s.satisfaction * 100)}% of ${s.executions}, ${s.corrections} corrected (${s.wrong} wrong, ${s.partly} partly)`);
  out.push('', 'Common mistakes:');
  if (!c.commonMistakes.length) out.push('  none recorded');
  for (const m of c.commonMistakes) out.push(`  ${m.count}× ${m.skill} (${m.verdict}): ${m.note}`);
  return out;
}
