#!/usr/bin/env node
// Runs the benchmark modules in bench/, each as its own child process, and forwards the JSON line
// each one prints per measurement. `pnpm bench` builds first, then runs this.
//
//   node bench/run.mjs [--only NAME]… [--no-record] [other options, passed to every module]
//
// Stdout: only JSON lines (one per measurement). Progress and errors: stderr. The lines are also
// kept in bench/out/last-run.jsonl (not with --no-record). Exit code 1 when any module failed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** In the order they run; a module whose file does not exist yet is left out. */
const MODULES = ['classify', 'gateway', 'llm-context', 'daily', 'field-start'];

function parseCommandLine(argv) {
  const only = [];
  const passOn = [];
  let record = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only') {
      const name = argv[++i];
      if (!name) throw new Error('--only needs a module name');
      only.push(...name.split(','));
    } else if (arg.startsWith('--only=')) only.push(...arg.slice('--only='.length).split(','));
    else if (arg === '--no-record') record = false;
    else if (arg !== '--') passOn.push(arg);
  }
  return { only, passOn, record };
}

function runModule(name, args, lines) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, `${name}.mjs`), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.trim()) return;
      try {
        JSON.parse(line);
      } catch {
        // Keep stdout machine-readable: anything that is not a JSON line goes to stderr.
        process.stderr.write(`[${name}] ${line}\n`);
        return;
      }
      lines.push(line);
      process.stdout.write(`${line}\n`);
    });
    child.on('error', (err) => {
      process.stderr.write(`[bench] ${name}: ${err.message}\n`);
      resolve(false);
    });
    child.on('close', (code, signal) => {
      if (code !== 0) process.stderr.write(`[bench] ${name} failed (${signal ?? `exit code ${code}`})\n`);
      resolve(code === 0);
    });
  });
}

async function main() {
  const { only, passOn, record } = parseCommandLine(process.argv.slice(2));
  const unknown = only.filter((name) => !MODULES.includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${MODULES.join(', ')}`);
  const selected = (only.length > 0 ? MODULES.filter((m) => only.includes(m)) : MODULES).filter((m) => {
    const present = existsSync(path.join(here, `${m}.mjs`));
    if (!present && only.includes(m)) process.stderr.write(`[bench] ${m}: bench/${m}.mjs does not exist yet\n`);
    return present;
  });
  if (selected.length === 0) throw new Error('no benchmark to run');
  const lines = [];
  let ok = true;
  for (const name of selected) {
    process.stderr.write(`[bench] ${name}\n`);
    ok = (await runModule(name, passOn, lines)) && ok;
  }
  if (record) {
    mkdirSync(path.join(here, 'out'), { recursive: true });
    writeFileSync(path.join(here, 'out', 'last-run.jsonl'), lines.map((l) => `${l}\n`).join(''));
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`[bench] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
