import type { StateDb } from '@ecm/core/stores';
import { checklistOf, ensureAgentSchema, type ChecklistStep } from '@ecm/agent/state';

/** The steps approved fixes put on these orders' tickets. */
export async function loadChecklist(state: StateDb, orderIds: readonly string[]): Promise<ChecklistStep[]> {
  if (!orderIds.length) return [];
  await ensureAgentSchema(state);
  return checklistOf(state, orderIds);
}

/** One block per order: "[ ] step" lines under the order id. */
export function renderChecklist(steps: readonly ChecklistStep[]): string {
  if (!steps.length) return '';
  const out = ['Approved fix checklist:'];
  let current = '';
  for (const s of steps) {
    if (s.order_id !== current) out.push(`  ${(current = s.order_id)}`);
    out.push(`    [${s.done ? 'x' : ' '}] ${s.step_text}`);
  }
  return out.join('\n');
}
