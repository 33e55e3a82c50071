import type { ExecutionPage } from '@ecm/agent';

const usd = (n: number) => `$${n.toFixed(4)}`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const share = (part: number, whole: number) => (whole > 0 ? ` (${Math.round((part / whole) * 100)}%)` : '');
const indent = (text: string, pad = '    ') =>
  text
    .split('\n')
    .map((l) => `${pad}${l}`)
    .join('\n');
const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

/** The design's execution detail page, as text for a terminal. */
export function renderExecutionPage(p: ExecutionPage): string {
  const out: string[] = [
    `EXECUTION ${p.id}`,
    `${p.skill} (${p.role}, ${p.domain}) with ${p.model}, ${p.createdAt.toISOString()}`,
    `Outcome: ${p.outcome}${p.outcomeDetail ? ` — ${p.outcomeDetail}` : ''}`,
    `Trace: ${p.traceId}${p.spanId ? ` span ${p.spanId}` : ''}`,
  ];
  if (p.routedFrom) out.push(`Routed from ${p.routedFrom} to ${p.routedTo ?? '-'}${p.subject ? ` about ${p.subject}` : ''}`);
  out.push('', 'Input:', indent(p.input));
  const calls = p.turns.flatMap((t) => t.tool_calls.map((c) => ({ turn: t.turn, ...c })));
  out.push('', 'Tool calls:');
  if (calls.length === 0) out.push('    none');
  calls.forEach((c, i) => {
    out.push(`  ${i + 1}. ${c.name}(${JSON.stringify(c.arguments)}) — turn ${c.turn}, ${c.ms} ms`);
    out.push(`     → ${c.ok ? `${c.result_chars} characters: ${c.result_preview}` : `error: ${c.error ?? 'failed'}`}`);
  });
  out.push('', 'Reasoning trace:');
  if (p.turns.length === 0) out.push('    not recorded');
  for (const t of p.turns) {
    const asked = t.tool_calls.length ? `, then called ${t.tool_calls.map((c) => c.name).join(', ')}` : '';
    out.push(`  Turn ${t.turn} (${t.stop_reason ?? '?'}, ${secs(t.model_ms)}, ${usd(t.cost_usd)}${asked}):`);
    out.push(indent(t.text ?? '(no text)'));
  }
  out.push('', 'Output:', indent(p.output === null || p.output === undefined ? '(none)' : shown(p.output)));
  out.push('', `User correction: ${p.userCorrection ?? 'none'}`);
  if (p.notes.length) out.push('', 'Notes:', ...p.notes.map((n) => `  - ${n}`));
  const u = p.usage;
  out.push(
    '',
    `Cost: ${usd(p.costUsd)} (${u.input} input, ${u.output} output, ${u.cacheWrite} cache write, ${u.cacheRead} cache read tokens)`,
  );
  out.push(`Latency: ${secs(p.latency.totalMs)}`);
  if (p.latency.modelMs !== null && p.latency.toolsMs !== null) {
    out.push(`  ├─ Tools: ${secs(p.latency.toolsMs)}${share(p.latency.toolsMs, p.latency.totalMs)}`);
    out.push(`  └─ LLM: ${secs(p.latency.modelMs)}${share(p.latency.modelMs, p.latency.totalMs)}`);
  }
  return out.join('\n');
}
