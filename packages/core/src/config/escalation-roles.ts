import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** ESCALATION.md sits at the project root, beside the shared/ configuration folder (or ECM_ESCALATION_FILE). */
export function escalationMatrixFile(sharedDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.ECM_ESCALATION_FILE ? path.resolve(env.ECM_ESCALATION_FILE) : path.resolve(sharedDir, '..', 'ESCALATION.md');
}

/**
 * The role keys of the "## Escalation roles" table (its first column), or null when the file is
 * absent: the field tool, which needs the contacts, reports a missing matrix itself.
 */
export function escalationRoleKeys(file: string): ReadonlySet<string> | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const start = text.search(/^## Escalation roles\s*$/m);
  if (start < 0) return new Set();
  const section = text.slice(start).split(/\n(?=## )/)[0]!;
  const keys = new Set<string>();
  const rows = section.split('\n').filter((line) => line.trim().startsWith('|'));
  // Skip the header row and the |---| separator.
  for (const row of rows.slice(2)) {
    const first = row.split('|')[1]?.trim();
    if (first) keys.add(first.replace(/`/g, ''));
  }
  return keys;
}
