import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A local stand-in for Slack's Socket Mode endpoint: says hello, sends envelopes, records the acks. */
export interface FakeSocketMode {
  /** The ws:// URL apps.connections.open hands out. */
  url(): string;
  /** Resolves when a client has connected and been sent `hello`. */
  connected(): Promise<void>;
  /** Sends an envelope; resolves with the client's ack (its envelope_id and any payload). */
  send(type: 'events_api' | 'interactive', payload: unknown, retryAttempt?: number): Promise<Record<string, unknown>>;
  /** Every message the client sent, parsed. */
  received: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const received: Record<string, unknown>[] = [];
  const waiting = new Map<string, (ack: Record<string, unknown>) => void>();
  let client: WebSocket | null = null;
  let onConnect: (() => void) | null = null;
  const ready = new Promise<void>((resolve) => (onConnect = resolve));
  server.on('connection', (ws) => {
    client = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      received.push(message);
      const id = typeof message.envelope_id === 'string' ? message.envelope_id : null;
      if (id) waiting.get(id)?.(message);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'local-stand-in', approximate_connection_time: 3600 },
        connection_info: { app_id: 'A00000001' },
      }),
    );
    onConnect?.();
  });
  let next = 0;
  return {
    url: () => `ws://127.0.0.1:${port}/link/?ticket=local`,
    connected: () => ready,
    received,
    send(type, payload, retryAttempt = 0) {
      if (!client) throw new Error('no Socket Mode client connected');
      next += 1;
      const envelope_id = `env-${next}`;
      const acked = new Promise<Record<string, unknown>>((resolve) => waiting.set(envelope_id, resolve));
      client.send(
        JSON.stringify({
          envelope_id,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: retryAttempt,
          retry_reason: retryAttempt ? 'timeout' : '',
        }),
      );
      return acked;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of server.clients) ws.terminate();
        server.close(() => resolve());
      }),
  };
}
