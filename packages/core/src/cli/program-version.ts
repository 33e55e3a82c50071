import { readFileSync } from 'node:fs';

/**
 * A program's version for `--version`: the `version` of its package.json (the CLIs' src/ and dist/
 * both sit one folder below it: `new URL('../package.json', import.meta.url)`). Checked by hand, not
 * with zod: cli-kit loads before any command is chosen and stays free of zod's start-up cost.
 */
export function programVersion(packageJson: URL): string {
  const manifest: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
  const version = typeof manifest === 'object' && manifest !== null ? (manifest as { version?: unknown }).version : undefined;
  if (typeof version !== 'string' || version === '') throw new Error(`${packageJson.pathname} has no "version"`);
  return version;
}
