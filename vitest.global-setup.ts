import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.dirname(fileURLToPath(import.meta.url));
/** In dependency order, one package per tsc process, as `npm run build` does. */
const PACKAGES = ['core', 'agent', 'gateway', 'manager', 'field'];

/**
 * Once per `vitest run`: compiles dist/ where it is older than the sources (the CLI tests run the
 * built CLIs, which must be today's code; `tsc -b` skips a package that is up to date), and opens
 * the directory where seeded demo data is made once and shared (see
 * packages/core/src/demo/__fixtures__/demo-templates.ts).
 */
export default function setup(): () => void {
  const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
  for (const pkg of PACKAGES) {
    try {
      execFileSync(process.execPath, [tsc, '-b', `packages/${pkg}`], { cwd: REPO, stdio: 'pipe' });
    } catch (err) {
      const out = err as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(
        `The build failed (packages/${pkg}); the tests need a compiling tree:\n${String(out.stdout ?? '')}${String(out.stderr ?? '')}`,
      );
    }
  }
  const templates = mkdtempSync(path.join(os.tmpdir(), 'ecm-test-templates-'));
  process.env.ECM_TEST_TEMPLATES = templates;
  return () => rmSync(templates, { recursive: true, force: true });
}
