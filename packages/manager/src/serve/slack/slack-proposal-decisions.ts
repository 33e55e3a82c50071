import { rejectModal } from './modals.js';
import { decideProposal } from './proposal-decision.js';
import { ACTION, VIEW } from './slack-actions.js';
import { contextOf, onClick, tellClicker } from './slack-click.js';
import { onSubmit } from './slack-form.js';
import { outcomeOf, type SlackHandlerDeps } from './slack-handler.js';

/** A proposal's buttons: approve decides at once; reject opens a form that asks why. */
export function registerProposalDecisions(deps: SlackHandlerDeps): void {
  const d = deps.actions;
  onClick(deps, ACTION.approve, async (client, click, agent) => {
    const r = await decideProposal(d.state, d.domain, click.value, 'approved', agent, null, d.now());
    await tellClicker(client, click, r.message);
    return outcomeOf(r);
  });
  onClick(deps, ACTION.reject, async (client, click) => {
    await client.views.open({ trigger_id: click.triggerId, view: rejectModal(contextOf(click)) });
    return { outcome: 'done', detail: 'reject form opened' };
  });
  onSubmit(deps, VIEW.reject, 'reason', 'the rejection reason', async (_client, _user, agent, ctx, reason) =>
    decideProposal(d.state, d.domain, ctx.subject, 'rejected', agent, reason, d.now()),
  );
}
