export { loadValidConfig, notice, parseAsOf } from '@ecm/core/light';

/** Both ends are terminals: the user can be asked something. */
export const interactive = (): boolean => Boolean(process.stdin.isTTY && process.stderr.isTTY);
