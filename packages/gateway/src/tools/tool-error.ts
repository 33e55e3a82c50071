/** How a refused call ends for a program that calls the tool: failed, not allowed, or bad input. */
export type ToolErrorKind = 'failed' | 'not_allowed' | 'usage';

/** A tool call that cannot be answered: its message goes back to the caller as an isError result. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly kind: ToolErrorKind = 'failed',
  ) {
    super(message);
    this.name = 'ToolError';
  }
}
