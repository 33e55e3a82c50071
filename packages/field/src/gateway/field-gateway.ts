import type { InProcessGateway } from '@ecm/gateway';
import { z } from 'zod';
import type { FieldSession } from '../session/field-session.js';

/** The slice of an MCP client this package calls (the gateway's in-process client fits). */
export interface ToolClient {
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
}

/** A tool answered with an error (e.g. an unknown order id): its text says why. */
export class ToolFailure extends Error {
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }
}

const callResult = z.looseObject({
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).default([]),
  structuredContent: z.unknown().optional(),
  isError: z.boolean().optional(),
});

/**
 * The gateway's tools in this process, acting for the session's agent. Agents reach order data
 * through the gateway, as a chat session would; only a human's `--reveal-pii` unmasks one order.
 */
export async function openFieldGateway(s: FieldSession, options: { allowPii: boolean }): Promise<InProcessGateway> {
  const { connectInProcess } = await import('@ecm/gateway');
  return connectInProcess(
    {
      config: s.config,
      warehouse: () => s.warehouse(),
      tickets: s.tickets,
      agentEmail: s.agent.email,
      allowPii: options.allowPii,
      // The gateway decides who may see a customer unmasked and records it in this state store.
      audit: s.state,
      program: 'ecm-field',
      asOf: () => s.now,
      now: () => s.now,
    },
    'ecm-field',
  );
}

/** Calls a tool and parses its structured result; a tool error becomes a ToolFailure. */
export async function callTool<T>(client: ToolClient, name: string, args: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
  const result = callResult.parse(await client.callTool({ name, arguments: args }));
  const text = result.content.map((c) => c.text ?? '').join('\n').trim();
  if (result.isError) throw new ToolFailure(name, text || `${name} failed`);
  const parsed = schema.safeParse(result.structuredContent);
  if (!parsed.success) throw new Error(`${name} returned an unexpected result: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
