#!/usr/bin/env node
// Runs the compiled CLI (built by `pnpm install` / `pnpm build`).
// A field command runs a few small queries on the embedded databases (PGlite, PostgreSQL as
// WebAssembly): V8's baseline WebAssembly compiler alone, without the optimizing tier, starts them for
// about half the CPU and 90 MB less memory (`node bench/field-start.mjs`). Set before anything compiles.
// Its JavaScript runs well under a second too, so it keeps V8's interpreter and baseline compiler:
// optimizing hot functions would pay off only in a longer run (`my-tickets` on the 150k-order demo:
// 436 ms against 464–474 ms embedded, 164–169 ms against 171–179 ms through the gateway).
import v8 from 'node:v8';

v8.setFlagsFromString('--liftoff-only');
v8.setFlagsFromString('--no-opt');
await import('../dist/cli.js');
