import { maskSecrets } from '@ecm/core/text';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { GatewayContext } from '../gateway-context.js';
import { ToolError, type ToolErrorKind } from './tool-error.js';
import { errorText } from '@ecm/core/text';

/** Who is calling: the HTTP token's subject, or the agent configured for stdio / in-process. */
export interface ToolCaller {
  readonly agentEmail: string | null;
  readonly transport: 'stdio' | 'http' | 'in-process';
}

export interface ToolAnnotations {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  readonly openWorldHint: boolean;
}

export interface ToolReply<T> {
  readonly structured: T;
  /** The same answer for a reader: what a client without structured output shows. */
  readonly text: string;
}

export interface ToolSpec<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly annotations: ToolAnnotations | ((ctx: GatewayContext) => ToolAnnotations);
  /** False for a tool that reads no store (the runbooks): it never waits for the embedded stores' lock. Default true. */
  readonly usesStores?: boolean;
  run(ctx: GatewayContext, args: z.output<z.ZodObject<I>>, caller: ToolCaller): Promise<ToolReply<z.input<z.ZodObject<O>>>>;
}

/** A tool with its types erased, ready to register on any server. */
export interface GatewayTool {
  readonly name: string;
  register(server: McpServer, ctx: GatewayContext, caller: ToolCaller): void;
  /**
   * The same call without a protocol in between (our own CLIs in this process): the arguments and the
   * answer are checked against the tool's schemas as the MCP server checks them, and the result is
   * the one an MCP client receives.
   */
  call(ctx: GatewayContext, caller: ToolCaller, args: unknown): Promise<CallToolResult>;
}

// An error's text reaches the client (often an LLM) and the log: a connection string's password never does.
// `_meta.ecm_error` tells a program (ecm-field) how the refusal ends: failed, not allowed, bad input.
const errorResult = (text: string, kind: ToolErrorKind = 'failed'): CallToolResult => ({
  isError: true,
  content: [{ type: 'text', text: maskSecrets(text) }],
  _meta: { ecm_error: kind },
});

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(spec: ToolSpec<I, O>): GatewayTool {
  const inputSchema = z.object(spec.input);
  const outputSchema = z.object(spec.output);

  async function handle(ctx: GatewayContext, caller: ToolCaller, args: unknown): Promise<CallToolResult> {
    const started = process.hrtime.bigint();
    const ms = () => Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
    try {
      const run = () => spec.run(ctx, args as z.output<z.ZodObject<I>>, caller);
      const reply = await (spec.usesStores === false ? run() : ctx.useStores(run));
      ctx.log.info({ tool: spec.name, agent: caller.agentEmail, transport: caller.transport, ms: ms() }, 'tool call');
      return { structuredContent: reply.structured as Record<string, unknown>, content: [{ type: 'text', text: reply.text }] };
    } catch (err) {
      if (err instanceof ToolError) {
        ctx.log.warn(
          { tool: spec.name, agent: caller.agentEmail, transport: caller.transport, ms: ms(), error: maskSecrets(err.message) },
          'tool call refused',
        );
        return errorResult(err.message, err.kind);
      }
      const message = maskSecrets(errorText(err));
      const stack = err instanceof Error && err.stack ? maskSecrets(err.stack) : undefined;
      ctx.log.error({ tool: spec.name, agent: caller.agentEmail, ms: ms(), error: message, stack }, 'tool call failed');
      return errorResult(`${spec.name} failed unexpectedly: ${message}`);
    }
  }

  return {
    name: spec.name,
    register(server, ctx, caller) {
      const annotations = typeof spec.annotations === 'function' ? spec.annotations(ctx) : spec.annotations;
      server.registerTool(
        spec.name,
        { title: spec.title, description: spec.description, inputSchema, outputSchema, annotations: { title: spec.title, ...annotations } },
        (args: unknown) => handle(ctx, caller, args),
      );
    },
    async call(ctx, caller, args) {
      // The MCP server's own checks, in its order and words: arguments first, then the structured answer.
      const input = inputSchema.safeParse(args ?? {});
      if (!input.success) return errorResult(`Input validation error: Invalid arguments for tool ${spec.name}: ${issueText(input.error)}`);
      const result = await handle(ctx, caller, input.data);
      if (result.isError) return result;
      const output = outputSchema.safeParse(result.structuredContent);
      if (!output.success)
        return errorResult(`Output validation error: Invalid structured content for tool ${spec.name}: ${issueText(output.error)}`);
      return result;
    },
  };
}

/** A schema's refusal in the MCP SDK's words (one line per issue: "message at path"), so both routes read alike. */
const issueText = (error: z.ZodError): string =>
  error.issues.map((i) => (i.path.length ? `${i.message} at ${dotPath(i.path)}` : i.message)).join('\n');

const dotPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, seg, i) => (i === 0 ? String(seg) : typeof seg === 'number' ? `${acc}[${seg}]` : `${acc}.${String(seg)}`), '');
