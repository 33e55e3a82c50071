#!/usr/bin/env node
// Runs the compiled CLI (built by `pnpm install` / `pnpm build`).
// A field command runs a few small queries on the embedded databases (PGlite, PostgreSQL as
// WebAssembly): V8's baseline WebAssembly compiler alone, without the optimizing tier, starts them for
// about half the CPU and 90 MB less memory (`node bench/field-start.mjs`). Set before anything compiles.
import v8 from 'node:v8';

v8.setFlagsFromString('--liftoff-only');
await import('../dist/cli.js');
