import { appendFileSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { afterAll, expect } from 'vitest';

// A test file's process lives seconds to a minute, as a CLI run does: PGlite's WebAssembly keeps its
// baseline compilation (see packages/manager/bin/ecm-manager.js); optimizing it in the background
// costs more CPU than the file gains (seeding and triage of 6,000 orders: about a third less).
setFlagsFromString('--liftoff-only');

// ECM_TEST_CPU_LOG=FILE: where the suite's CPU goes. Each test file runs in a process of its own;
// when its tests end it appends one tab-separated line to FILE: CPU seconds in all, of its own
// process, of the child processes it ran and waited for (the CLIs, gateways and tools it started),
// and its path. `sort -rn FILE | head` lists the heaviest files. Linux only (/proc).
const cpuLog = process.env.ECM_TEST_CPU_LOG;
if (cpuLog) afterAll(() => appendFileSync(cpuLog, cpuLine(expect.getState().testPath ?? '?')));

function cpuLine(file: string): string {
  // /proc/self/stat after the command name: utime, stime, cutime, cstime are fields 12–15 (in ticks of 1/100 s).
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const seconds = (i: number) => Number(fields[i]) / 100;
  const own = seconds(11) + seconds(12);
  const children = seconds(13) + seconds(14);
  return `${(own + children).toFixed(2)}\t${own.toFixed(2)}\t${children.toFixed(2)}\t${file}\n`;
}
