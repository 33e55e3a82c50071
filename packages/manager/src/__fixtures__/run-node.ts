import { spawn } from 'node:child_process';

export interface NodeRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a Node script as a child and collects its output. Asynchronous, unlike spawnSync, so a fake
 * server living in the test's own process can still answer it; `onStart` gets a SIGKILL switch.
 */
export function runNode(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onStart?: (kill: () => void) => void,
): Promise<NodeRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
    child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(() => child.kill('SIGKILL'));
  });
}
