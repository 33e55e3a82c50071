import { expect } from 'vitest';

/** The error `run` throws, checked to be a `type`, for a test that then reads its fields (exit code, message). */
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, run: () => unknown): E {
  let thrown: unknown;
  try {
    run();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(type);
  return thrown as E;
}
