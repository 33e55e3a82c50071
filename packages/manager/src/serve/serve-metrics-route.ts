import type { ServerResponse } from 'node:http';
import type { ServeDeps } from './serve-deps.js';

/** `GET /metrics`: the Prometheus text exposition. */
export async function handleMetrics(deps: ServeDeps, res: ServerResponse): Promise<void> {
  deps.metrics.domains.set(deps.domains.size);
  const text = await deps.metrics.registry.metrics();
  res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
  res.end(text);
}
