import type { ServerResponse } from 'node:http';
import { errorText } from '@ecm/core/text';
import type { ServeDeps } from './serve-deps.js';
import { send } from './serve-http.js';

/** What /health reports beside the state store: whether the service is stopping, and its runs in flight. */
export interface ServiceStatus {
  readonly stopping: () => boolean;
  readonly inFlight: () => number;
}

/** `GET /health`: 200 while the state store answers (within 3 s) and the service is not stopping; else 503. */
export async function handleHealth(deps: ServeDeps, status: ServiceStatus, res: ServerResponse): Promise<void> {
  let state: string;
  try {
    await Promise.race([
      deps.state.query('SELECT 1'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref()),
    ]);
    state = 'reachable';
  } catch (err) {
    state = `unreachable: ${errorText(err)}`;
  }
  const stopping = status.stopping();
  const ok = state === 'reachable' && !stopping;
  send(res, ok ? 200 : 503, {
    ok,
    stopping,
    domains: [...deps.domains.keys()],
    state_store: state,
    slack: deps.slack ? (deps.slack.requestListener ? 'http' : 'socket') : 'off',
    in_flight: status.inFlight(),
  });
}
