import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { KnownBlock } from '@slack/types';
import { Ajv, type ErrorObject } from 'ajv';

/**
 * A JSON Schema for Block Kit blocks, generated from the installed @slack/types `KnownBlock`
 * type each time the tests run, so it can never drift from the package the code compiles against.
 * Generation takes seconds of CPU, so it happens once per test run: the first test file that asks
 * writes the schema into the run's template directory (ECM_TEST_TEMPLATES, see vitest.global-setup.ts),
 * keyed by the @slack/types version, and the others read it. Generated objects reject unknown
 * properties, so a misspelled or misplaced field fails validation.
 */
export function knownBlockValidator(): (block: unknown) => string[] {
  const validate = new Ajv({ allErrors: true, strict: false }).compile<KnownBlock>(knownBlockSchema());
  return (block) => (validate(block) ? [] : (validate.errors ?? []).map(describe));
}

function knownBlockSchema(): object {
  const require = createRequire(import.meta.url);
  const typesDir = path.dirname(require.resolve('@slack/types'));
  const runDir = process.env.ECM_TEST_TEMPLATES;
  const { version } = JSON.parse(readFileSync(path.join(typesDir, '..', 'package.json'), 'utf8')) as { version: string };
  const cached = runDir ? path.join(runDir, `known-block-schema-slack-types-${version}.json`) : null;
  if (cached && existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as object;
  const { createGenerator } = require('ts-json-schema-generator') as typeof import('ts-json-schema-generator');
  const schema = createGenerator({
    path: path.join(typesDir, 'block-kit', 'blocks.d.ts'),
    type: 'KnownBlock',
    skipTypeCheck: true,
    topRef: true,
  }).createSchema('KnownBlock');
  if (cached) {
    // Written whole, then renamed: a file running at the same time reads the old state or the whole schema.
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(schema));
    renameSync(tmp, cached);
  }
  return schema;
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;
}
