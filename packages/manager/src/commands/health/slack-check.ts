import { errorText } from '@ecm/core/text';
import { timed, type Check } from './check.js';
import { openSlackSink } from '@ecm/core/slack';

/** Slack: the outbox (not configured), or auth.test against the bot token. */
export async function checkSlack(): Promise<Check> {
  try {
    const sink = openSlackSink(process.env, { out: process.stderr });
    if (sink.kind === 'outbox')
      return { name: 'slack', level: 'not_configured', detail: 'no SLACK_BOT_TOKEN: reports go to the outbox under ECM_HOME/outbox' };
    const { value: auth, ms } = await timed(async () => (sink.authTest ? sink.authTest() : { ok: true }));
    return {
      name: 'slack',
      level: auth.ok ? 'ok' : 'down',
      detail: auth.ok
        ? `auth.test ok${'team' in auth && auth.team ? ` (${auth.team})` : ''}`
        : `auth.test failed: ${'error' in auth ? auth.error : ''}`,
      ms,
    };
  } catch (err) {
    return { name: 'slack', level: 'down', detail: errorText(err) };
  }
}
