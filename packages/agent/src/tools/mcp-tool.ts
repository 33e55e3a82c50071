import { z } from 'zod';
import { toolError, toolText, type AgentTool, type ToolInputSchema } from './agent-tool.js';
import { errorText } from '@ecm/core/text';

/**
 * The part of an MCP `Client` (@modelcontextprotocol/sdk) the runtime uses: listing and calling tools.
 * The gateway's in-process client and a remote Streamable HTTP client both fit.
 */
export interface McpToolClient {
  listTools(params?: { cursor?: string }): Promise<{ tools: unknown[]; nextCursor?: string | undefined }>;
  callTool(
    params: { name: string; arguments?: Record<string, unknown> },
    resultSchema?: undefined,
    options?: { timeout?: number; signal?: AbortSignal },
  ): Promise<unknown>;
}

const listedToolSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  inputSchema: z.looseObject({ type: z.literal('object') }),
  annotations: z.looseObject({ readOnlyHint: z.boolean().optional(), destructiveHint: z.boolean().optional() }).optional(),
});

const callResultSchema = z.looseObject({
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).default([]),
  structuredContent: z.unknown().optional(),
  isError: z.boolean().optional(),
});

/** Text the model can read from an MCP tool result; non-text parts are named, not passed on. */
function resultText(result: z.infer<typeof callResultSchema>): string {
  const parts = result.content.map((c) => (c.type === 'text' && c.text !== undefined ? c.text : `[${c.type} content omitted]`));
  if (parts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return parts.join('\n');
}

/** Wraps one tool listed by an MCP server. Read-only only when the server says so (`readOnlyHint: true`). */
export function mcpTool(client: McpToolClient, listed: unknown): AgentTool {
  const t = listedToolSchema.parse(listed);
  return {
    name: t.name,
    description: t.description ?? t.name,
    inputSchema: t.inputSchema as ToolInputSchema,
    readOnly: t.annotations?.readOnlyHint === true && t.annotations.destructiveHint !== true,
    async execute(args, ctx) {
      let raw: unknown;
      try {
        raw = await client.callTool({ name: t.name, arguments: args }, undefined, { timeout: ctx.timeoutMs, signal: ctx.signal });
      } catch (err) {
        return toolError(errorText(err));
      }
      const parsed = callResultSchema.safeParse(raw);
      if (!parsed.success) return toolError(`the tool returned a result that is not an MCP tool result`);
      const text = resultText(parsed.data);
      return parsed.data.isError ? toolError(text || 'the tool reported an error') : toolText(text);
    },
  };
}

/** Every tool the MCP server lists (following pagination). */
export async function listMcpTools(client: McpToolClient): Promise<AgentTool[]> {
  const tools: AgentTool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined);
    for (const listed of page.tools) tools.push(mcpTool(client, listed));
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}
