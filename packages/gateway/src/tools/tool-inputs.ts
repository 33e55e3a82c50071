import { checkText, FREE_TEXT_MAX } from '@ecm/core/domain';
import type { ToolAnnotations } from './define-tool.js';
import { ToolError } from './tool-error.js';

/** Tools that only read: the same hints for every one of them. */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Declared with the field shapes (ecm-field loads those alone); every tool takes an order id the same way. */
export { orderIdInput } from '../field/field-schemas.js';

/** 1234.5 → "1,234.50" in tool texts. */
export const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

/**
 * A required free-text argument (resolution notes, an escalation reason) as stored: refused as bad usage
 * when blank (with `whenBlank`, which says what to write) or when not plain text within FREE_TEXT_MAX.
 */
export function requiredFreeText(label: string, value: string, whenBlank: string, whereLongGoes?: string): string {
  if (!value.trim()) throw new ToolError(whenBlank, 'usage');
  const checked = checkText(label, value, { lines: true });
  if (!checked.ok) {
    const where = whereLongGoes ? `; ${whereLongGoes}` : '';
    throw new ToolError(`${checked.problem} (at most ${FREE_TEXT_MAX.toLocaleString('en-US')} characters of plain text${where})`, 'usage');
  }
  return checked.text;
}
