import { ConfigError } from '@ecm/core';
import type { z } from 'zod';

function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${String(s)}` : String(s);
  return out;
}

/** Parses `data` or throws one ConfigError naming the file, the key path and what was expected. */
export function parseConfig<T extends z.ZodType>(schema: T, data: unknown, file: string, prefix: readonly PropertyKey[] = []): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw configErrorFrom(result.error, file, prefix);
}

export function configErrorFrom(error: z.ZodError, file: string, prefix: readonly PropertyKey[] = []): ConfigError {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    return new ConfigError(file, formatPath([...prefix, ...issue.path, issue.keys[0]!]), 'unknown key (check its spelling and where it is nested)');
  }
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return new ConfigError(file, formatPath([...prefix, ...issue.path]), `missing (expected ${issue.expected})`);
  }
  return new ConfigError(file, formatPath([...prefix, ...issue.path]), issue.message);
}
