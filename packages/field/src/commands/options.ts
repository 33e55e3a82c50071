/** Options every command that acts for an agent accepts. */
export interface AgentOptions {
  readonly agent?: string;
  readonly asOf?: string;
  readonly json?: boolean;
}

/** One JSON document on stdout: what `--json` promises. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
