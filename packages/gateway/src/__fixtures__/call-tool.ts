import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

export interface ToolResult {
  readonly isError: boolean;
  readonly text: string;
  readonly structured: Record<string, unknown> | undefined;
}

/** Calls a tool and flattens the result; the client validates structuredContent against the tool's outputSchema. */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  const result = await client.callTool({ name, arguments: args });
  const content = (result.content ?? []) as { type: string; text?: string }[];
  return {
    isError: result.isError === true,
    text: content.map((c) => c.text ?? '').join('\n'),
    structured: result.structuredContent as Record<string, unknown> | undefined,
  };
}

/** The structured answer of a call that must succeed; fails the test with the tool's message otherwise. */
export async function callOk<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await callTool(client, name, args);
  if (r.isError) throw new Error(`${name} returned an error: ${r.text}`);
  if (!r.structured) throw new Error(`${name} returned no structured content`);
  if (!r.text.trim()) throw new Error(`${name} returned no text rendering`);
  return r.structured as T;
}
