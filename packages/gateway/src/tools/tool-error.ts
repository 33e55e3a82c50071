/** A tool call that cannot be answered: its message goes back to the caller as an isError result. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}
