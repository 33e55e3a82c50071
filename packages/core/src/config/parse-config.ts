import type { z } from 'zod';
import { ConfigError } from './config-error.js';

function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${String(s)}` : String(s);
  return out;
}

/** zod's first issue as one ConfigError naming the file, the key path and what was expected. */
export function configErrorFrom(error: z.ZodError, file: string, prefix: readonly PropertyKey[] = []): ConfigError {
  const issue = error.issues[0]!;
  const at = (path: readonly PropertyKey[]) => formatPath([...prefix, ...path]);
  if (issue.code === 'unrecognized_keys')
    return new ConfigError(file, at([...issue.path, issue.keys[0]!]), 'unknown key (check its spelling and where it is nested)');
  if (issue.code === 'invalid_union') {
    // Name the most specific problem of the closest alternative rather than "invalid input".
    const inner = issue.errors.flat().sort((a, b) => b.path.length - a.path.length)[0];
    if (inner)
      return new ConfigError(
        file,
        at([...issue.path, ...inner.path]),
        inner.code === 'unrecognized_keys' ? `unknown key "${inner.keys[0]}"` : inner.message,
      );
  }
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message))
    return new ConfigError(file, at(issue.path), `missing (expected ${issue.expected})`);
  return new ConfigError(file, at(issue.path), issue.message);
}

/** Parses `data` or throws one ConfigError. */
export function parseConfig<T extends z.ZodType>(schema: T, data: unknown, file: string, prefix: readonly PropertyKey[] = []): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw configErrorFrom(result.error, file, prefix);
}
