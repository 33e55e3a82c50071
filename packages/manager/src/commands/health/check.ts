export type Level = 'ok' | 'degraded' | 'down' | 'not_configured';

/** One line of the health screen: a dependency, how it is, and why. */
export interface Check {
  readonly name: string;
  readonly level: Level;
  readonly detail: string;
  readonly ms?: number;
}

export const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - started) };
};
