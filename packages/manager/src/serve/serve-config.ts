import path from 'node:path';
import { parseConfig, readConfigYaml } from '@ecm/core/domain';
import { z } from 'zod';

export const SERVE_FILE = 'config/serve.yaml';

export const serveFileSchema = z
  .object({
    port: z.number().int('expected a whole port number').min(0).max(65_535),
    host: z.string().min(1).default('0.0.0.0'),
    global_daily_budget_usd: z.number().positive('expected US dollars above 0'),
    body_limit_bytes: z
      .number()
      .int()
      .min(1024, 'expected at least 1024 bytes')
      .max(10 * 1024 * 1024, 'expected at most 10 MiB'),
    webhook: z.object({ max_skew_seconds: z.number().int().min(10).max(3600) }).strict(),
    shutdown: z.object({ drain_seconds: z.number().min(0).max(600) }).strict(),
  })
  .strict();
export type ServeConfig = z.infer<typeof serveFileSchema>;

export function loadServeConfig(sharedDir: string): ServeConfig {
  const file = path.join(sharedDir, SERVE_FILE);
  return parseConfig(serveFileSchema, readConfigYaml(file) ?? {}, file);
}

/** `--port`, else `PORT`, else the configured port; each must be a whole number 0–65535. */
export function choosePort(flag: string | undefined, env: NodeJS.ProcessEnv, config: ServeConfig): { port: number } | { error: string } {
  const pick = flag !== undefined ? { value: flag, from: '--port' } : env.PORT ? { value: env.PORT, from: 'PORT' } : null;
  if (!pick) return { port: config.port };
  const port = /^\d{1,5}$/.test(pick.value.trim()) ? Number(pick.value) : NaN;
  if (!(port >= 0 && port <= 65_535)) return { error: `${pick.from}: expected a port number 0–65535, got "${pick.value}"` };
  return { port };
}
