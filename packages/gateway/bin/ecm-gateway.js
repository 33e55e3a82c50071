#!/usr/bin/env node
// The gateway runs from compiled JavaScript: `npx tsc -b packages/gateway` (or `pnpm build`) creates dist/.
import '../dist/cli.js';
