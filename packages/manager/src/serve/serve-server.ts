import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorText } from '@ecm/core/text';
import type { RouteDeps, ServeDeps } from './serve-deps.js';
import type { ServiceStatus } from './serve-health.js';
import { answerFailure, route } from './serve-router.js';
import { createRunTracker, type RunTracker } from './serve-runs.js';
import type { SlackTrigger } from './slack/slack-app.js';

export type { ServeDeps } from './serve-deps.js';
export { webhookEventSchema } from './serve-webhooks.js';
export type { SlackTrigger };

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Closes the server after the runs drain (see `shutdown`); the caller has already marked the service stopping. */
async function closeAfterDrain(server: Server, deps: ServeDeps, runs: RunTracker, drainMs: number) {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await deps.slack?.stop().catch((err: unknown) => deps.log(`serve: the Slack app did not stop cleanly: ${errorText(err)}`));
  const result = await runs.drain(drainMs);
  server.closeAllConnections();
  await closed;
  return result;
}

/**
 * The trigger service's HTTP side: Alertmanager's webhook, signed webhooks per domain, the Slack app's
 * HTTP endpoint, /health and /metrics. An admitted trigger is answered at once and runs in the
 * background; shutdown() waits for those runs (up to the configured drain time).
 */
export function createServeServer(deps: ServeDeps) {
  const runs = createRunTracker(deps);
  const routeDeps: RouteDeps = { ...deps, now: deps.now ?? (() => new Date()), start: runs.start };
  let stopping = false;
  const status: ServiceStatus = { stopping: () => stopping, inFlight: runs.inFlight };
  const server: Server = createServer((req, res) => {
    route(routeDeps, status, req, res).catch((err: unknown) => answerFailure(routeDeps, req, res, err));
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  return {
    server,
    listen: (port: number, host: string): Promise<number> => listenOn(server, port, host),
    /** Runs an admitted trigger in the background, as the routes do (the cron jobs use it). */
    runAdmitted: runs.start,
    /** Triggers this server started that have not finished. */
    inFlight: runs.inFlight,
    /** The gate's `track`: an admitted trigger's promise of being finished. */
    track: runs.track,
    /**
     * Stops accepting, lets in-flight triggers finish within `drainMs`, records the rest as failed
     * (interrupted), and closes the connections. The caller closes the stores afterwards.
     */
    async shutdown(drainMs: number): Promise<{ drained: number; interrupted: number }> {
      stopping = true;
      return closeAfterDrain(server, deps, runs, drainMs);
    },
  };
}
export type ServeServer = ReturnType<typeof createServeServer>;
