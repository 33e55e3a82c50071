import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServeDeps } from './serve-deps.js';

/**
 * `POST /slack/events` when the Slack app runs over HTTP: Bolt's own listener verifies the signature
 * and answers. False when the app is off or in Socket Mode (the route does not exist then).
 */
export function handleSlackEvents(deps: ServeDeps, req: IncomingMessage, res: ServerResponse): boolean {
  const listener = deps.slack?.requestListener;
  if (!listener) return false;
  listener(req, res);
  return true;
}
