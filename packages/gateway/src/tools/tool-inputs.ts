import { z } from 'zod';
import type { ToolAnnotations } from './define-tool.js';

/** Tools that only read: the same hints for every one of them. */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

export const orderIdInput = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'an order id is letters, digits and - _ . :');

/** 1234.5 → "1,234.50" in tool texts. */
export const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
