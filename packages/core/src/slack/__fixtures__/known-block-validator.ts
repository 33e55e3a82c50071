import { createRequire } from 'node:module';
import path from 'node:path';
import type { KnownBlock } from '@slack/types';
import { Ajv, type ErrorObject } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';

/**
 * A JSON Schema for Block Kit blocks, generated from the installed @slack/types `KnownBlock`
 * type each time the tests run, so it can never drift from the package the code compiles against.
 * (Generation takes about a second.) Generated objects reject unknown properties, so a misspelled
 * or misplaced field fails validation.
 */
export function knownBlockValidator(): (block: unknown) => string[] {
  const require = createRequire(import.meta.url);
  const typesDir = path.dirname(require.resolve('@slack/types'));
  const schema = createGenerator({
    path: path.join(typesDir, 'block-kit', 'blocks.d.ts'),
    type: 'KnownBlock',
    skipTypeCheck: true,
    topRef: true,
  }).createSchema('KnownBlock');
  const validate = new Ajv({ allErrors: true, strict: false }).compile<KnownBlock>(schema);
  return (block) => (validate(block) ? [] : (validate.errors ?? []).map(describe));
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;
}
