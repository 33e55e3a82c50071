import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { managerHomeCopy } from '../../../core/src/demo/__fixtures__/demo-templates.js';

export const REPO = path.resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
export const FIELD_BIN = path.join(REPO, 'packages/field/bin/ecm-field.js');
export const MANAGER_BIN = path.join(REPO, 'packages/manager/bin/ecm-manager.js');

/** The demo's run time T, and "now" for the agent 90 minutes after the 07:00 IST assignment. */
export const DEMO_AS_OF = '2026-02-17T01:30:00Z';
export const NOW = '2026-02-17T03:00:00Z';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A clean environment: nothing from the developer's shell decides who the agent is or where data lives. */
export function cliEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ECM_HOME: home, ...extra };
  for (const key of [
    'ECM_AGENT_EMAIL',
    'ECM_STATE_URL',
    'ECM_WAREHOUSE_URL',
    'ECM_TICKETS',
    'SLACK_BOT_TOKEN',
    'SLACK_CHANNEL_ID',
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_AUTH_TOKEN',
    'ANTHROPIC_BASE_URL',
    'NO_COLOR',
    'FORCE_COLOR',
  ]) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

/** Runs a built CLI to completion (asynchronously, so a test can serve requests meanwhile). */
export function runNode(bin: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/**
 * A temporary ECM_HOME with the small demo: 20,000 orders seeded at T, then the daily run (agents and
 * tickets). The two `ecm-manager` runs happen once per test run; each caller gets its own copy.
 */
export function seedSmallDemo(): Promise<string> {
  return managerHomeCopy(
    [
      ['demo', 'seed', '--orders', '20000', '--as-of', DEMO_AS_OF],
      ['daily', '--as-of', DEMO_AS_OF],
    ],
    'ecm-field-',
  );
}
