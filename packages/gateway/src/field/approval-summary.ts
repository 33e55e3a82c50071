import type { ApprovalWork } from '@ecm/agent';

/** What the approval set in motion, in one or two lines for the approver. */
export function describeApprovalWork(work: ApprovalWork | null, orderId: string): string {
  if (work?.status !== 'done') {
    return `Nothing runs by itself: carry it out as the runbook says, then resolve the ticket (ecm-field resolve ${orderId} --notes "…").`;
  }
  const lines = [
    `Checklist steps on the tickets of ${work.proposal.orderCount} order(s) (${work.checklistSteps} new): assignees see them in my-tickets and order.`,
  ];
  const e = work.executor;
  if (e.status === 'not_configured') lines.push('No fix executor configured (ECM_FIX_EXECUTOR_URL): nothing runs by itself.');
  else if (e.status === 'misconfigured') lines.push(`Fix executor not called: ${e.reason}`);
  else if (e.status === 'already_called') lines.push(`The fix executor was already called for this proposal (${e.outcome}); not repeated.`);
  else
    lines.push(
      `Fix executor called once: ${e.status}${e.httpStatus ? ` (HTTP ${e.httpStatus})` : ''}${e.status === 'delivered' ? '' : '; it is not retried, follow up by hand'}.`,
    );
  return lines.join('\n');
}
