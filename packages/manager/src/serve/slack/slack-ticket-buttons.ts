import { escalateModal, resolveModal } from './modals.js';
import { ACTION } from './slack-actions.js';
import { contextOf, onClick, tellClicker } from './slack-click.js';
import { outcomeOf, type SlackHandlerDeps } from './slack-handler.js';
import { ownOpenTicket, startTicket } from './ticket-actions.js';

/** A ticket's buttons: start works at once; resolve and escalate open their forms for the ticket's owner. */
export function registerTicketButtons(deps: SlackHandlerDeps): void {
  const d = deps.actions;
  onClick(deps, ACTION.start, async (client, click, agent) => {
    const r = await startTicket(d, agent, click.value);
    await tellClicker(client, click, r.message);
    return outcomeOf(r);
  });
  onClick(deps, ACTION.resolve, async (client, click, agent) => {
    const own = await ownOpenTicket(d, agent, click.value, 'resolve');
    if (!own.ok || !own.ticket) {
      await tellClicker(client, click, own.message);
      return outcomeOf(own);
    }
    await client.views.open({ trigger_id: click.triggerId, view: resolveModal(contextOf(click), own.ticket.status === 'ESCALATED') });
    return { outcome: 'done', detail: 'resolve form opened' };
  });
  onClick(deps, ACTION.escalate, async (client, click, agent) => {
    const own = await ownOpenTicket(d, agent, click.value, 'escalate');
    if (!own.ok) {
      await tellClicker(client, click, own.message);
      return outcomeOf(own);
    }
    await client.views.open({ trigger_id: click.triggerId, view: escalateModal(contextOf(click)) });
    return { outcome: 'done', detail: 'escalate form opened' };
  });
}
