import { setFlagsFromString } from 'node:v8';

// A test file's process lives seconds to a minute, as a CLI run does: PGlite's WebAssembly keeps its
// baseline compilation (see packages/manager/bin/ecm-manager.js); optimizing it in the background
// costs more CPU than the file gains (seeding and triage of 6,000 orders: about a third less).
setFlagsFromString('--liftoff-only');
