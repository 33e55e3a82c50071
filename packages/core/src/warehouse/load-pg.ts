import { createRequire } from 'node:module';
import type pg from 'pg';

const require = createRequire(import.meta.url);
let loaded: typeof pg | null = null;

/**
 * The `pg` driver, loaded on first use: commands on the embedded demo never pay for it (about 100 ms
 * of start-up), and the classes that use it keep their synchronous constructors.
 */
export function loadPg(): typeof pg {
  loaded ??= require('pg') as typeof pg;
  return loaded;
}
