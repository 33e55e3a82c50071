#!/usr/bin/env node
// Runs the compiled CLI (built by `pnpm install` / `pnpm build`).
import '../dist/cli.js';
