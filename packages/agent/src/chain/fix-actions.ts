import { z } from 'zod';

/**
 * The closed catalogue of fixes a proposal may carry. The resolver picks one and fills it in; nothing
 * here runs: an approved action becomes checklist steps for people and, where configured, one call
 * to the company's own executor.
 */
const orderIds = z.array(z.string().trim().min(1).max(64)).min(1).max(500);
const evidence = z.array(z.string().trim().min(1).max(500)).min(1).max(10);

export const fixActionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('repush_brn_to_lulu'), order_ids: orderIds, evidence }).strict(),
  z.object({ kind: z.literal('trigger_refund'), order_ids: orderIds, evidence }).strict(),
  z.object({ kind: z.literal('mark_status_synced'), order_ids: orderIds, evidence }).strict(),
  z
    .object({
      kind: z.literal('retry_payout_with_partner'),
      partner: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9 _.-]{2,40}$/, 'expected a partner name'),
      order_ids: orderIds,
      evidence,
    })
    .strict(),
]);
export type FixAction = z.infer<typeof fixActionSchema>;
export type FixActionKind = FixAction['kind'];

interface CatalogueEntry {
  /** What the resolver reads when choosing. */
  readonly when: string;
  /** The expected effect, shown to the approver. */
  readonly effect: string;
  /** Steps for the assignee of each affected order's ticket. */
  steps(action: FixAction): readonly string[];
}

export const FIX_ACTIONS: Readonly<Record<FixActionKind, CatalogueEntry>> = {
  repush_brn_to_lulu: {
    when: 'payment captured but Lulu never received the BRN',
    effect: 'Lulu confirms the payment and the orders move to payout',
    steps: () => ['Re-push the BRN from the acquirer to Lulu', 'Confirm Lulu shows CREDITED for the order'],
  },
  trigger_refund: {
    when: 'the order cannot complete and the customer was charged',
    effect: 'the customers are refunded and the orders close as refunded',
    steps: () => ['Check the refund queue for an existing refund', 'Trigger the full refund', 'Confirm the refund reference on the order'],
  },
  mark_status_synced: {
    when: 'the order completed upstream but GOMS still shows it in flight',
    effect: 'GOMS shows the final status and the orders leave the stuck set',
    steps: () => ["Compare the partner's final status with GOMS", 'Sync the status in GOMS'],
  },
  retry_payout_with_partner: {
    when: 'the payout failed or timed out at one partner and can be retried there',
    effect: 'the payouts complete at the partner and the orders are paid',
    steps: (a) => [
      `Retry the payout with ${a.kind === 'retry_payout_with_partner' ? a.partner : 'the partner'}`,
      'Confirm the payout reference from the partner',
    ],
  },
};

/** The catalogue as the resolver's prompt shows it. */
export function catalogueText(): string {
  return Object.entries(FIX_ACTIONS)
    .map(([kind, e]) => `- ${kind}${kind === 'retry_payout_with_partner' ? ' (with "partner")' : ''}: when ${e.when}`)
    .join('\n');
}
