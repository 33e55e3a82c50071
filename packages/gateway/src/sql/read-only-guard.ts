import { deniedFunction } from './denied-functions.js';

/**
 * The first layer of warehouse_query's read-only defence: PostgreSQL's own parser (libpg-query),
 * a walk over the whole parse tree, and a refusal on anything that is not exactly one plain
 * SELECT. It fails closed: a statement it cannot parse or walk is refused. The read-only
 * transaction, the time limit and the warehouse role are the layers behind it.
 */

export interface GuardOptions {
  /** Whether the customers table (names, emails, phones) may be read. */
  readonly allowPii: boolean;
  /**
   * The embedded demo warehouse cannot interrupt a running statement, so statements whose cost
   * the planner cannot foresee (recursive CTEs) are refused there.
   */
  readonly interruptible: boolean;
}

export type GuardVerdict =
  | { readonly ok: true; /** The statement without a trailing semicolon, ready to be wrapped. */ readonly statement: string }
  | { readonly ok: false; /** One sentence: what was refused and why. */ readonly reason: string };

const PII_TABLES: ReadonlySet<string> = new Set(['customers']);
const MAX_DEPTH = 400;

const STATEMENT_NAMES: Readonly<Record<string, string>> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  TransactionStmt: 'transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT)',
  VariableSetStmt: 'SET/RESET',
  VariableShowStmt: 'SHOW',
  CopyStmt: 'COPY',
  CallStmt: 'CALL',
  DoStmt: 'DO',
  LockStmt: 'LOCK',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  DeallocateStmt: 'DEALLOCATE',
  ExplainStmt: 'EXPLAIN',
  NotifyStmt: 'NOTIFY',
  ListenStmt: 'LISTEN',
  TruncateStmt: 'TRUNCATE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  DiscardStmt: 'DISCARD',
  VacuumStmt: 'VACUUM/ANALYZE',
};

function statementName(nodeType: string): string {
  const known = STATEMENT_NAMES[nodeType];
  if (known) return known;
  // CreateStmt → "CREATE", AlterTableStmt → "ALTER TABLE", GrantStmt → "GRANT"
  return nodeType
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

const refuse = (reason: string): GuardVerdict => ({ ok: false, reason });

interface ParsedStatement {
  readonly stmt?: Record<string, unknown>;
  readonly stmt_location?: number;
  readonly stmt_len?: number;
}

type ParseSync = (sql: string) => { stmts?: ParsedStatement[] };
let parser: Promise<ParseSync> | null = null;

/** libpg-query is WebAssembly: loaded on the first warehouse_query, not at start-up. */
function loadParser(): Promise<ParseSync> {
  parser ??= import('libpg-query').then(async (m) => {
    await m.loadModule();
    return m.parseSync as ParseSync;
  });
  return parser;
}

class Refusal extends Error {}

function funcName(node: Record<string, unknown>): string {
  const parts = Array.isArray(node.funcname) ? node.funcname : [];
  const names = parts.map((p) => {
    const s = (p as { String?: { sval?: unknown } }).String?.sval;
    return typeof s === 'string' ? s : '';
  });
  return names.join('.');
}

/** Walks every node; throws a Refusal on the first thing that is not a plain read. */
function walk(node: unknown, options: GuardOptions, depth: number): void {
  if (depth > MAX_DEPTH) throw new Refusal('Refused: the statement is nested too deeply to be checked.');
  if (Array.isArray(node)) {
    for (const item of node) walk(item, options, depth + 1);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (/^[A-Z]\w*Stmt$/.test(key) && key !== 'SelectStmt') {
      throw new Refusal(`Refused: ${statementName(key)} inside the query is not allowed; warehouse_query only reads.`);
    }
    const v = value as Record<string, unknown> | null;
    if (key === 'FuncCall' && v) {
      const name = funcName(v);
      const last = name.split('.').pop() ?? '';
      if (!last || deniedFunction(last)) {
        throw new Refusal(`Refused: calling ${name || 'an unnamed function'}() is not allowed, because it can change state, wait, reach outside the warehouse or produce unbounded output.`);
      }
    }
    if (key === 'intoClause' && v) throw new Refusal('Refused: SELECT … INTO creates a table; warehouse_query only reads.');
    if (key === 'lockingClause' && v) throw new Refusal('Refused: SELECT … FOR UPDATE/SHARE takes row locks; warehouse_query only reads.');
    if (key === 'RangeVar' && v && typeof v.relname === 'string' && PII_TABLES.has(v.relname.toLowerCase()) && !options.allowPii) {
      throw new Refusal(
        `Refused: the ${v.relname} table holds personal data (names, emails, phones) and this gateway does not allow PII; ecm_order_details shows one order's contact details masked.`,
      );
    }
    if (key === 'withClause' && v && v.recursive === true && !options.interruptible) {
      throw new Refusal('Refused: WITH RECURSIVE cannot be interrupted on the embedded demo warehouse, so it is not run there.');
    }
    walk(value, options, depth + 1);
  }
}

/** The text of one parsed statement, located by byte offsets (the parser counts UTF-8 bytes). */
function statementText(sql: string, s: ParsedStatement): string {
  const bytes = Buffer.from(sql, 'utf8');
  const start = s.stmt_location ?? 0;
  const end = s.stmt_len ? start + s.stmt_len : bytes.length;
  return bytes.subarray(start, end).toString('utf8').trim();
}

/** Checks one statement for warehouse_query. Never throws: anything unexpected is a refusal. */
export async function checkReadOnlySql(sql: string, options: GuardOptions): Promise<GuardVerdict> {
  if (!sql.trim()) return refuse('Refused: no SQL statement was given.');
  if (sql.includes('\0')) return refuse('Refused: the statement contains a NUL character.');
  let parsed: { stmts?: ParsedStatement[] };
  try {
    parsed = (await loadParser())(sql);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return refuse(`Refused: the statement is not valid PostgreSQL (${message}).`);
  }
  const stmts = parsed.stmts ?? [];
  if (stmts.length === 0) return refuse('Refused: no SQL statement was given (only comments or semicolons).');
  if (stmts.length > 1) return refuse(`Refused: ${stmts.length} statements were given; warehouse_query runs exactly one SELECT per call.`);
  const first = stmts[0]!;
  const top = first.stmt ?? {};
  const [nodeType] = Object.keys(top);
  if (nodeType !== 'SelectStmt') {
    return refuse(`Refused: ${nodeType ? statementName(nodeType) : 'this statement'} is not allowed; warehouse_query runs only a read-only SELECT or WITH … SELECT.`);
  }
  try {
    walk(top, options, 0);
  } catch (err) {
    if (err instanceof Refusal) return refuse(err.message);
    // A stack overflow or anything else unexpected while walking: fail closed.
    return refuse('Refused: the statement could not be checked completely, so it is not run.');
  }
  const statement = statementText(sql, first);
  if (!statement) return refuse('Refused: no SQL statement was given.');
  return { ok: true, statement };
}
