/** One step an approved fix put on an order's ticket. */
export interface ChecklistLine {
  readonly order_id: string;
  readonly step_text: string;
  readonly done: boolean;
}

/** One block per order: "[ ] step" lines under the order id. */
export function renderChecklist(steps: readonly ChecklistLine[]): string {
  if (!steps.length) return '';
  const out = ['Approved fix checklist:'];
  let current = '';
  for (const s of steps) {
    if (s.order_id !== current) out.push(`  ${(current = s.order_id)}`);
    out.push(`    [${s.done ? 'x' : ' '}] ${s.step_text}`);
  }
  return out.join('\n');
}
