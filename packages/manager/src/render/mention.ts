import { escapeMrkdwn, trustedMrkdwn, type SlackDirectory, type TrustedMrkdwn } from '@ecm/core/slack';

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * How a person appears in a message: a real `<@U…>` mention when Slack knows their e-mail, else their
 * handle or name as plain (escaped) text, so an unknown person never fails a run.
 */
export async function mentionOf(
  directory: SlackDirectory,
  email: string,
  person: { name: string; slack_handle: string | null } | undefined,
): Promise<TrustedMrkdwn> {
  const id = await directory.userId(email);
  if (id && SLACK_USER_ID.test(id)) return trustedMrkdwn(`<@${id}>`);
  return trustedMrkdwn(escapeMrkdwn(person?.slack_handle ?? person?.name ?? email));
}
