import { z } from 'zod';
import { firstIssue } from '@ecm/core/text';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';

/** The slice of an MCP client this package calls: the SDK's client, over HTTP or in this process. */
export interface ToolClient {
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
}

/** How the gateway said a refused call ends (`_meta.ecm_error`): failed, not allowed, or bad input. */
const EXIT_OF: Record<string, ExitCode> = { failed: EXIT.failed, not_allowed: EXIT.notAllowed, usage: EXIT.config };

/** A tool answered with an error (e.g. an unknown order id, someone else's ticket): its text says why. */
export class ToolFailure extends CliError {
  constructor(
    readonly tool: string,
    message: string,
    exitCode: ExitCode = EXIT.failed,
  ) {
    super(message, exitCode);
    this.name = 'ToolFailure';
  }
}

const callResult = z.looseObject({
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).default([]),
  structuredContent: z.unknown().optional(),
  isError: z.boolean().optional(),
  _meta: z.looseObject({ ecm_error: z.string().optional() }).optional(),
});

/** Calls a tool and parses its structured result; a tool error becomes a ToolFailure with the gateway's exit code. */
export async function callTool<T>(client: ToolClient, name: string, args: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
  const result = callResult.parse(await client.callTool({ name, arguments: args }));
  const text = result.content
    .map((c) => c.text ?? '')
    .join('\n')
    .trim();
  if (result.isError) throw new ToolFailure(name, text || `${name} failed`, EXIT_OF[result._meta?.ecm_error ?? 'failed'] ?? EXIT.failed);
  const parsed = schema.safeParse(result.structuredContent);
  if (!parsed.success) throw new Error(`${name} returned an unexpected result: ${firstIssue(parsed.error)}`);
  return parsed.data;
}
