/** The JSON Schema of a tool's arguments, as the Messages API and MCP both describe it. */
export interface ToolInputSchema {
  readonly type: 'object';
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly required?: readonly string[];
  readonly [key: string]: unknown;
}

/** A tool's answer: text for the model, or an error the model is told about. Errors are values. */
export type ToolOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

export interface ToolContext {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

/** A tool the loop can offer the model. Its I/O comes in through the factory that builds it. */
export interface AgentTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
  /** Whether the tool only reads. The runtime offers a model nothing else, except the proposal tool. */
  readonly readOnly: boolean;
  execute(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutcome>;
}

export const toolError = (error: string): ToolOutcome => ({ ok: false, error });
export const toolText = (text: string): ToolOutcome => ({ ok: true, text });
