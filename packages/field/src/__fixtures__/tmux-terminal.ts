import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './run-cli.js';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A real terminal (a detached tmux pane) running one shell command: keys are typed with send-keys
 * and the screen is read with capture-pane, as a person would see it.
 */
export class TmuxTerminal {
  readonly name: string;

  constructor(dir: string, command: readonly string[], env: NodeJS.ProcessEnv, tag: string) {
    this.name = `ecm-field-${process.pid}-${tag}`;
    const script = path.join(dir, `${tag}.sh`);
    const exports = Object.entries(env)
      .filter(([k, v]) => v !== undefined && /^[A-Z_][A-Z0-9_]*$/.test(k))
      .map(([k, v]) => `export ${k}=${quote(v as string)}`);
    // The pane stays open after the command so its last screen can be read.
    writeFileSync(
      script,
      [...exports, `cd ${quote(REPO)}`, `${command.map(quote).join(' ')}`, 'echo "EXIT=$?"', 'sleep 600', ''].join('\n'),
    );
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', '200', '-y', '50', `bash ${quote(script)}`]);
  }

  screen(options: { colour?: boolean } = {}): string {
    return execFileSync('tmux', ['capture-pane', '-p', ...(options.colour ? ['-e'] : []), '-t', this.name], { encoding: 'utf8' });
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  /** Types text literally (no key names), then Enter. */
  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
    this.keys('Enter');
  }

  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on the terminal; it shows:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name]);
  }
}
