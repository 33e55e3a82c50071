#!/usr/bin/env node
// Runs the compiled CLI (built by `pnpm install` / `pnpm build`).
// A command lasts seconds: the embedded database's WebAssembly keeps its baseline compilation, since
// optimizing it in the background costs more CPU than such a run gains (half the CPU of a short command).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
await import('../dist/cli.js');
