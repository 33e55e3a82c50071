import type { Agent, TicketStore } from '@ecm/core/domain';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';

const userInfo = z.looseObject({
  ok: z.boolean(),
  user: z
    .looseObject({
      deleted: z.boolean().optional(),
      is_bot: z.boolean().optional(),
      profile: z.looseObject({ email: z.string().optional() }).optional(),
    })
    .optional(),
});

export type SlackIdentity = { readonly ok: true; readonly agent: Agent } | { readonly ok: false; readonly problem: string };

/**
 * The agent a Slack user is, by the e-mail on their Slack profile matched against the agents roster.
 * Anything less (no e-mail visible, not on the roster, deactivated) acts for nobody.
 */
export async function agentOfSlackUser(client: WebClient, tickets: TicketStore, userId: string): Promise<SlackIdentity> {
  let email: string | undefined;
  try {
    const info = userInfo.parse(await client.users.info({ user: userId }));
    if (info.user?.deleted || info.user?.is_bot) return { ok: false, problem: 'this Slack account cannot act on tickets' };
    email = info.user?.profile?.email?.trim().toLowerCase();
  } catch {
    return { ok: false, problem: 'Slack did not say who you are (users.info failed); try again in a minute' };
  }
  if (!email)
    return {
      ok: false,
      problem: 'your Slack profile shows no e-mail address to match against the agents roster (the app needs the users:read.email scope)',
    };
  const agent = (await tickets.listAgents()).find((a) => a.email.toLowerCase() === email);
  if (!agent)
    return { ok: false, problem: 'your Slack e-mail is not on the agents roster; ask your lead to add you (ecm-manager agents add)' };
  if (!agent.active) return { ok: false, problem: 'you are not an active agent on the roster; ask your lead to reactivate you' };
  return { ok: true, agent };
}
