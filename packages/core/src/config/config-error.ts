/** A configuration problem, reported as one sentence naming the file, the key path and what was expected. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly keyPath: string,
    readonly expected: string,
  ) {
    super(`${file}: ${keyPath || '(top level)'}: ${expected}`);
    this.name = 'ConfigError';
  }
}
