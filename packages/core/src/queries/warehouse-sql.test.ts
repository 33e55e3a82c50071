import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultSharedDir } from '../config/load-config.js';
import { fillCodeLists } from './load-query.js';
import { toolMissingTests } from '../__fixtures__/required-tool.js';

const run = promisify(execFile);
const sharedDir = defaultSharedDir();
const queryFiles = readdirSync(path.join(sharedDir, 'queries'))
  .filter((f) => f.endsWith('.sql'))
  .map((f) => path.join(sharedDir, 'queries', f));
/** Every .sql that runs against the warehouse: the queries and the demo warehouse's DDL. */
const warehouseSqlFiles = [...queryFiles, path.join(sharedDir, 'demo', 'warehouse.sql')];

/** sqlfluff cannot parse bind parameters or our {{lists}}: put literals of the same kind in their place. */
function withLiterals(sql: string): string {
  return sql
    .replace(/\{\{\w+\}\}/g, "'AED'")
    .replace(/\$(\d+)/g, (_, n: string) => `'2026-02-${String(Number(n)).padStart(2, '0')} 01:30:00'`);
}

const sqlfluffVersion = spawnSync('sqlfluff', ['--version'], { encoding: 'utf8' });
const sqlfluffMissing = sqlfluffVersion.error !== undefined || sqlfluffVersion.status !== 0;

const sqlfluffOutput = z.array(z.object({ filepath: z.string(), segments: z.unknown() }));

/** Every "unparsable" node of a sqlfluff JSON parse tree, as a short excerpt. */
function unparsableSections(tree: unknown): string[] {
  if (Array.isArray(tree)) return tree.flatMap(unparsableSections);
  if (tree === null || typeof tree !== 'object') return [];
  return Object.entries(tree).flatMap(([key, value]) =>
    key === 'unparsable' ? [`unparsable section: ${JSON.stringify(value).slice(0, 200)}`] : unparsableSections(value),
  );
}

/**
 * Parses every file with one sqlfluff process (its start-up dominates) and returns each file's
 * problems: every unparsable section, or the reason sqlfluff produced no tree for it.
 */
async function redshiftParseProblems(files: Readonly<Record<string, string>>): Promise<Map<string, string[]>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecm-sqlfluff-'));
  try {
    for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
    // Run inside the temp dir so no .sqlfluff file of the checkout changes the rules.
    const { stdout } = await run('sqlfluff', ['parse', '--dialect', 'redshift', '--format', 'json', dir], {
      cwd: dir,
      maxBuffer: 256 * 1024 * 1024,
    });
    const problems = new Map<string, string[]>(Object.keys(files).map((name) => [name, ['sqlfluff produced no parse tree']]));
    for (const { filepath, segments } of sqlfluffOutput.parse(JSON.parse(stdout))) {
      problems.set(path.basename(filepath), segments ? unparsableSections(segments) : ['sqlfluff could not lex the file']);
    }
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('warehouse SQL parses as Amazon Redshift SQL (sqlfluff)', () => {
  if (sqlfluffMissing) {
    toolMissingTests({ tool: 'sqlfluff', debianPackage: 'sqlfluff', checks: 'the Redshift dialect', file: 'warehouse-sql.test.ts' });
    return;
  }

  const BROKEN = 'control-broken.sql';
  let problems: Map<string, string[]>;

  beforeAll(async () => {
    const files: Record<string, string> = {};
    for (const file of queryFiles) files[path.basename(file)] = withLiterals(readFileSync(file, 'utf8'));
    // A control: proves a parse failure is noticed.
    files[BROKEN] = withLiterals(
      fillCodeLists('SELECT order_id FROM orders_goms WHERE status IN ({{s}}) AND AND created_at >= $1', { s: ['PENDING'] }),
    );
    problems = await redshiftParseProblems(files);
  });

  it('has queries to check', () => {
    expect(queryFiles.map((f) => path.basename(f))).toContain('stuck_candidates.sql');
  });

  for (const file of queryFiles) {
    it(`shared/queries/${path.basename(file)}`, () => {
      expect(problems.get(path.basename(file))).toEqual([]);
    });
  }

  it('reports SQL that Redshift cannot parse', () => {
    expect(problems.get(BROKEN)).not.toEqual([]);
    expect(problems.get(BROKEN)!.join('\n')).toMatch(/unparsable/);
  });
});

/** Calls and constructs that do not run the same on Redshift and PostgreSQL, or break reproducible runs. */
const FORBIDDEN: readonly (readonly [string, RegExp])[] = [
  ['GETDATE', /\bGETDATE\s*\(/i],
  ['now()', /\bnow\s*\(\s*\)/i],
  ['DATEDIFF', /\bDATEDIFF\s*\(/i],
  ['FILTER (WHERE', /\bFILTER\s*\(\s*WHERE\b/i],
  ['generate_series', /\bgenerate_series\s*\(/i],
  ['string_agg', /\bstring_agg\s*\(/i],
];

function withoutComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}

function forbiddenIn(sql: string): string[] {
  const code = withoutComments(sql);
  return FORBIDDEN.filter(([, pattern]) => pattern.test(code)).map(([name]) => name);
}

describe('warehouse SQL avoids functions that differ between Redshift and PostgreSQL', () => {
  for (const file of warehouseSqlFiles) {
    it(path.relative(sharedDir, file), () => {
      expect(forbiddenIn(readFileSync(file, 'utf8'))).toEqual([]);
    });
  }

  it('finds each forbidden construct, in any case, outside comments only', () => {
    expect(forbiddenIn('SELECT getdate(), NOW( ), datediff(hour, a, b) FROM t')).toEqual(['GETDATE', 'now()', 'DATEDIFF']);
    expect(forbiddenIn("SELECT count(*) filter ( where x) , Generate_Series(1, 3), STRING_AGG(a, ',') FROM t")).toEqual([
      'FILTER (WHERE',
      'generate_series',
      'string_agg',
    ]);
    expect(forbiddenIn('-- no now() here\nSELECT 1 /* nor GETDATE() */')).toEqual([]);
    expect(forbiddenIn('SELECT snow(), known_at, updated_now FROM t')).toEqual([]);
  });
});

describe('every ROW_NUMBER picks one row deterministically', () => {
  /** The ORDER BY of each ROW_NUMBER() OVER (…) window in `sql`. */
  function windowOrderings(sql: string): string[] {
    const out: string[] = [];
    for (const m of sql.matchAll(/ROW_NUMBER\(\)\s+OVER\s*\(/gi)) {
      let depth = 1;
      let i = m.index + m[0].length;
      const start = i;
      while (depth > 0 && i < sql.length) {
        if (sql[i] === '(') depth++;
        if (sql[i] === ')') depth--;
        i++;
      }
      const window = sql.slice(start, i - 1);
      out.push(window.slice(window.search(/ORDER\s+BY/i)).replace(/\s+/g, ' '));
    }
    return out;
  }

  it.each(queryFiles.map((f) => [path.basename(f), f]))('%s: each window orders by a timestamp and a tie-break', (_name, file) => {
    for (const ordering of windowOrderings(readFileSync(file, 'utf8'))) {
      // At least two keys: the latest-by timestamp, then a column that separates equal timestamps.
      const keys = ordering.replace(/^ORDER BY /i, '').split(/,(?![^(]*\))/);
      expect(keys.length, ordering).toBeGreaterThanOrEqual(2);
    }
  });
});
