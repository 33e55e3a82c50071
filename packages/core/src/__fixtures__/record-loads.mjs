// Preload (`node --import`): writes every module URL the ESM loader resolves to $ECM_LOAD_LOG, and at
// exit the CommonJS modules in require's cache, so a test can see exactly what an import pulled in.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env.ECM_LOAD_LOG;
if (!log) throw new Error('ECM_LOAD_LOG must name the file to write loaded modules to');
const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
const cache = createRequire(import.meta.url).cache;
process.on('exit', () =>
  appendFileSync(
    log,
    Object.keys(cache)
      .map((f) => `file://${f}\n`)
      .join(''),
  ),
);
