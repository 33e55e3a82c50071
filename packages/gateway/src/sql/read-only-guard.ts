import type { WarehouseAccess } from '../warehouse/warehouse-access.js';
import {
  ALLOWED_CAST_TYPES,
  ALLOWED_EXPRESSION_KINDS,
  ALLOWED_FUNCTIONS,
  ALLOWED_NODES,
  ALLOWED_OPERATORS,
  ALLOWED_SUBLINKS,
  ALLOWED_VALUE_FUNCTIONS,
  CONCATENATING_FUNCTIONS,
  FUNCTION_HINT,
} from './allowed-sql.js';
import { errorText } from '@ecm/core/text';

/**
 * The first layer of warehouse_query's defence: PostgreSQL's own parser (libpg-query), then a walk
 * over the whole parse tree that accepts only what is on the allow-lists (allowed-sql.ts) over the
 * relations of WarehouseAccess. It fails closed: a node, function, operator, cast, relation or
 * literal it does not know is refused. The session settings, the read-only transaction, the caps and
 * the SELECT-only warehouse role are the layers behind it.
 */

export interface GuardOptions {
  /** The tables and columns that may be read. */
  readonly access: WarehouseAccess;
  /** False on the embedded demo warehouse, which cannot interrupt a running statement. */
  readonly interruptible: boolean;
}

export type GuardVerdict =
  | { readonly ok: true /** The statement without a trailing semicolon, ready to be wrapped. */; readonly statement: string }
  | { readonly ok: false /** One sentence: what was refused and why. */; readonly reason: string };

const MAX_DEPTH = 400;
/** A string literal longer than this is not analytics; long literals are the raw material of memory bombs. */
export const MAX_LITERAL_CHARS = 1024;
/**
 * `||`, concat and concat_ws grow values, and chained through CTEs each one can double a value:
 * a small budget keeps the largest possible value a small multiple of the largest input.
 */
export const MAX_CONCATENATIONS = 4;
/** Column references per statement; with the budgets above this bounds the size of one row. */
export const MAX_COLUMN_REFERENCES = 500;

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

/** Parse-tree node names in words, for refusals. */
const NODE_WORDS: Readonly<Record<string, string>> = {
  RangeFunction: 'a function in FROM (generate_series, unnest, …)',
  RangeTableSample: 'TABLESAMPLE',
  RangeTableFunc: 'XMLTABLE',
  A_Indirection: 'subscripts and field selection ((x)[1], (row).field)',
  ParamRef: 'a $n parameter',
  XmlExpr: 'XML functions',
  XmlSerialize: 'XMLSERIALIZE',
  BitString: 'bit-string literals',
  GroupingFunc: 'GROUPING()',
};

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

type Node = Record<string, unknown>;

const names = (list: unknown): string[] =>
  (Array.isArray(list) ? list : []).map((p) => {
    const s = (p as { String?: { sval?: unknown } }).String?.sval;
    return typeof s === 'string' ? s : '';
  });

/** One statement's walk: the scopes of CTE names, and what the PII check needs once the walk is done. */
class AllowListWalk {
  concatenations = 0;
  columnReferences = 0;
  /** Real tables read (lower case). */
  readonly tables = new Set<string>();
  /** Table names and aliases (lower case): a bare column reference with one of these names is a whole row. */
  readonly rowNames = new Set<string>();
  readonly columnRefs: string[][] = [];
  readonly usingColumns: string[] = [];
  natural = false;
  /** The literals the parser made from EXTRACT's field word: not quoted in the text, and harmless. */
  readonly fieldNames = new WeakSet<Node>();

  constructor(
    readonly sql: Buffer,
    readonly options: GuardOptions,
  ) {}

  walk(node: unknown, ctes: ReadonlySet<string>, depth: number): void {
    if (depth > MAX_DEPTH) throw new Refusal('Refused: the statement is nested too deeply to be checked.');
    if (Array.isArray(node)) {
      for (const item of node) this.walk(item, ctes, depth + 1);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Node)) {
      if (/^[A-Z]/.test(key)) this.visit(key, (value ?? {}) as Node, ctes, depth + 1);
      else this.walk(value, ctes, depth + 1);
    }
  }

  /** One typed node, e.g. { FuncCall: {...} }: refused unless its type is allowed, then checked by type. */
  visit(type: string, n: Node, ctes: ReadonlySet<string>, depth: number): void {
    if (/Stmt$/.test(type) && type !== 'SelectStmt')
      throw new Refusal(`Refused: ${statementName(type)} inside the query is not allowed; warehouse_query only reads.`);
    if (!ALLOWED_NODES.has(type))
      throw new Refusal(
        `Refused: ${NODE_WORDS[type] ?? type} is not allowed in warehouse_query; use plain SELECT expressions over the business tables.`,
      );
    switch (type) {
      case 'SelectStmt':
        this.select(n, ctes, depth);
        return;
      case 'RangeVar':
        this.relation(n, ctes);
        return;
      case 'FuncCall':
        this.func(n);
        break;
      case 'A_Expr':
        this.expression(n);
        break;
      case 'TypeCast':
      case 'TypeName':
        this.cast(type === 'TypeCast' ? ((n.typeName ?? {}) as Node) : n);
        break;
      case 'A_Const':
        this.literal(n);
        break;
      case 'ColumnRef':
        this.columnRef(n);
        break;
      case 'SQLValueFunction':
        if (!ALLOWED_VALUE_FUNCTIONS.has(String(n.op)))
          throw new Refusal(
            'Refused: of the SQL value functions only CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP, LOCALTIME and LOCALTIMESTAMP are allowed.',
          );
        break;
      case 'SubLink':
        if (!ALLOWED_SUBLINKS.has(String(n.subLinkType)))
          throw new Refusal(
            'Refused: only EXISTS, IN, ANY/ALL and scalar subqueries are allowed (ARRAY(subquery) builds unbounded values).',
          );
        break;
      case 'JoinExpr':
        if (n.isNatural === true) this.natural = true;
        this.usingColumns.push(...names(n.usingClause).map((c) => c.toLowerCase()));
        break;
    }
    this.walk(n, ctes, depth);
  }

  select(n: Node, outer: ReadonlySet<string>, depth: number): void {
    if (n.intoClause) throw new Refusal('Refused: SELECT … INTO creates a table; warehouse_query only reads.');
    if (n.lockingClause) throw new Refusal('Refused: SELECT … FOR UPDATE/SHARE takes row locks; warehouse_query only reads.');
    if (n.valuesLists) throw new Refusal('Refused: VALUES lists are not allowed; select from the business tables.');
    const scope = new Set(outer);
    const withClause = n.withClause as Node | undefined;
    if (withClause) {
      if (withClause.recursive === true)
        throw new Refusal('Refused: WITH RECURSIVE is not allowed: its cost cannot be foreseen; use joins and window functions.');
      for (const item of (withClause.ctes as unknown[]) ?? []) {
        const cte = ((item as Node).CommonTableExpr ?? {}) as Node;
        const query = (cte.ctequery ?? {}) as Node;
        if (!query.SelectStmt) {
          const [kind] = Object.keys(query);
          throw new Refusal(
            `Refused: ${kind ? statementName(kind) : 'a non-SELECT'} inside the query is not allowed; warehouse_query only reads.`,
          );
        }
        // A CTE sees the CTEs before it; the main query sees them all.
        this.visit('SelectStmt', query.SelectStmt as Node, scope, depth + 1);
        if (Array.isArray(cte.aliascolnames)) this.walk(cte.aliascolnames, scope, depth + 1);
        scope.add(String(cte.ctename).toLowerCase());
      }
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === 'withClause') continue;
      // The branches of UNION/INTERSECT/EXCEPT are SELECTs without a type wrapper: checked as SELECTs.
      if ((key === 'larg' || key === 'rarg') && value && typeof value === 'object') this.select(value as Node, scope, depth + 1);
      else this.walk(value, scope, depth + 1);
    }
  }

  relation(n: Node, ctes: ReadonlySet<string>): void {
    const name = String(n.relname ?? '').toLowerCase();
    const schema = typeof n.schemaname === 'string' ? n.schemaname : null;
    const alias = ((n.alias as Node | undefined)?.aliasname as string | undefined)?.toLowerCase();
    if (typeof n.catalogname === 'string')
      throw new Refusal(
        `Refused: ${n.catalogname}.${schema}.${name} names another database; warehouse_query reads only this warehouse's business tables.`,
      );
    if (schema === null && ctes.has(name)) {
      if (alias) this.rowNames.add(alias);
      this.rowNames.add(name);
      return;
    }
    const shown = schema ? `${schema}.${name}` : name;
    if (!this.options.access.allowsTable(name, schema)) {
      const personal = this.options.access.piiOf(name).size > 0 && !this.options.access.tables.has(name);
      throw new Refusal(
        personal
          ? `Refused: the ${shown} table holds personal data and is not readable through warehouse_query; ecm_order_details shows one order's contact details masked.`
          : `Refused: ${shown} is not one of the tables warehouse_query may read (${this.options.access.tableNames.join(', ')}); catalogs and statistics are not readable, use warehouse_list_tables and warehouse_describe_table.`,
      );
    }
    this.tables.add(name);
    this.rowNames.add(name);
    if (alias) this.rowNames.add(alias);
  }

  func(n: Node): void {
    const parts = names(n.funcname).map((p) => p.toLowerCase());
    const last = parts[parts.length - 1] ?? '';
    const qualified = parts.length > 2 || (parts.length === 2 && parts[0] !== 'pg_catalog');
    if (qualified || !ALLOWED_FUNCTIONS.has(last)) {
      throw new Refusal(`Refused: ${parts.join('.') || 'this function'}() is not allowed in warehouse_query; it accepts ${FUNCTION_HINT}.`);
    }
    if (n.agg_within_group === true && !['percentile_cont', 'percentile_disc'].includes(last))
      throw new Refusal(`Refused: WITHIN GROUP is allowed only with percentile_cont and percentile_disc.`);
    if (last === 'extract' && n.funcformat === 'COERCE_SQL_SYNTAX' && Array.isArray(n.args)) {
      // EXTRACT(EPOCH FROM x): the parser makes the field name a literal that points at the word itself.
      const field = ((n.args[0] as Node | undefined)?.A_Const ?? null) as Node | null;
      const word = (field?.sval as { sval?: unknown } | undefined)?.sval;
      if (field && typeof word === 'string' && /^[a-z_]+$/i.test(word)) this.fieldNames.add(field);
    }
    if (CONCATENATING_FUNCTIONS.has(last)) this.concatenations += Array.isArray(n.args) ? n.args.length : 0;
  }

  expression(n: Node): void {
    const kind = String(n.kind);
    if (!ALLOWED_EXPRESSION_KINDS.has(kind))
      throw new Refusal('Refused: regular expressions and SIMILAR TO are not allowed in warehouse_query; use LIKE or ILIKE.');
    if (kind === 'AEXPR_OP' || kind === 'AEXPR_OP_ANY' || kind === 'AEXPR_OP_ALL') {
      const parts = names(n.name);
      const op = parts[parts.length - 1] ?? '';
      if (parts.length > 2 || (parts.length === 2 && parts[0]!.toLowerCase() !== 'pg_catalog') || !ALLOWED_OPERATORS.has(op)) {
        throw new Refusal(
          `Refused: the operator ${op || '?'} is not allowed; warehouse_query accepts = <> < > <= >= + - * / % || and LIKE/ILIKE.`,
        );
      }
      if (op === '||') this.concatenations += 1;
    }
  }

  cast(typeName: Node): void {
    const parts = names(typeName.names).map((p) => p.toLowerCase());
    const last = parts[parts.length - 1] ?? '';
    if (
      parts.length > 2 ||
      (parts.length === 2 && parts[0] !== 'pg_catalog') ||
      !ALLOWED_CAST_TYPES.has(last) ||
      typeName.arrayBounds ||
      typeName.setof
    ) {
      throw new Refusal(
        `Refused: casting to ${parts.join('.') || 'this type'} is not allowed; warehouse_query casts to numbers, text, boolean, date, time, timestamp and interval.`,
      );
    }
  }

  literal(n: Node): void {
    if (n.bsval) throw new Refusal('Refused: bit-string literals are not allowed in warehouse_query.');
    const sval = (n.sval as { sval?: unknown } | undefined)?.sval;
    if (typeof sval !== 'string') return;
    // Only plain '…' literals: E'', U&'' and $$ strings are read differently by servers with other settings.
    const at = typeof n.location === 'number' ? n.location : -1;
    if (this.fieldNames.has(n)) return;
    if (at < 0 || this.sql[at] !== 0x27)
      throw new Refusal("Refused: only plain '…' string literals are allowed (no E'', U&'' or dollar quoting).");
    if (sval.length > MAX_LITERAL_CHARS) throw new Refusal(`Refused: a string literal is longer than ${MAX_LITERAL_CHARS} characters.`);
  }

  columnRef(n: Node): void {
    this.columnReferences += 1;
    const fields = (Array.isArray(n.fields) ? n.fields : []).map((f) =>
      (f as Node).A_Star ? '*' : ((f as { String?: { sval?: string } }).String?.sval ?? '').toLowerCase(),
    );
    this.columnRefs.push(fields);
  }

  /** After the walk: budgets, and no personal-data column reachable by name, by *, or as a whole row. */
  finish(): void {
    if (this.concatenations > MAX_CONCATENATIONS)
      throw new Refusal(
        `Refused: more than ${MAX_CONCATENATIONS} concatenations (||, concat, concat_ws) in one statement; return the parts as separate columns.`,
      );
    if (this.columnReferences > MAX_COLUMN_REFERENCES)
      throw new Refusal(`Refused: more than ${MAX_COLUMN_REFERENCES} column references in one statement.`);
    const pii = new Map<string, string>();
    for (const table of this.tables) for (const column of this.options.access.piiOf(table)) pii.set(column, table);
    if (pii.size === 0) return;
    const tables = [...new Set(pii.values())].join(', ');
    for (const fields of this.columnRefs) {
      const last = fields[fields.length - 1]!;
      if (last === '*')
        throw new Refusal(`Refused: * is not allowed on ${tables}, which has personal-data columns; name the columns you need.`);
      if (pii.has(last))
        throw new Refusal(`Refused: ${pii.get(last)}.${last} holds personal data and is not readable through warehouse_query.`);
      if (fields.length === 1 && this.rowNames.has(last))
        throw new Refusal(`Refused: a whole row of ${tables} (personal data) cannot be selected; name the columns you need.`);
    }
    for (const column of this.usingColumns)
      if (pii.has(column))
        throw new Refusal(`Refused: ${pii.get(column)}.${column} holds personal data and is not readable through warehouse_query.`);
    if (this.natural)
      throw new Refusal(`Refused: NATURAL JOIN is not allowed on ${tables}, which has personal-data columns; join with ON.`);
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
    const message = errorText(err);
    return refuse(`Refused: the statement is not valid PostgreSQL (${message}).`);
  }
  const stmts = parsed.stmts ?? [];
  if (stmts.length === 0) return refuse('Refused: no SQL statement was given (only comments or semicolons).');
  if (stmts.length > 1) return refuse(`Refused: ${stmts.length} statements were given; warehouse_query runs exactly one SELECT per call.`);
  const first = stmts[0]!;
  const top = first.stmt ?? {};
  const [nodeType] = Object.keys(top);
  if (nodeType !== 'SelectStmt') {
    return refuse(
      `Refused: ${nodeType ? statementName(nodeType) : 'this statement'} is not allowed; warehouse_query runs only a read-only SELECT or WITH … SELECT.`,
    );
  }
  if (sql.includes('\\')) {
    // Servers disagree about backslashes in literals (standard_conforming_strings, Redshift): none is accepted.
    return refuse(
      "Refused: backslashes are not allowed in warehouse_query (servers read them differently); for LIKE use ESCAPE with another character, e.g. LIKE 'a!_%' ESCAPE '!'.",
    );
  }
  try {
    const walk = new AllowListWalk(Buffer.from(sql, 'utf8'), options);
    walk.visit('SelectStmt', top.SelectStmt as Node, new Set(), 0);
    walk.finish();
  } catch (err) {
    if (err instanceof Refusal) return refuse(err.message);
    // A stack overflow or anything else unexpected while walking: fail closed.
    return refuse('Refused: the statement could not be checked completely, so it is not run.');
  }
  const statement = statementText(sql, first);
  if (!statement) return refuse('Refused: no SQL statement was given.');
  return { ok: true, statement };
}

/**
 * The LIMIT wrapper around an accepted statement must still be one SELECT reading exactly one
 * subquery: proof that the caller's text was closed (no comment or quote swallowed the wrapper).
 */
export async function checkWrapper(wrapped: string): Promise<GuardVerdict> {
  try {
    const stmts = (await loadParser())(wrapped).stmts ?? [];
    const select = stmts.length === 1 ? (stmts[0]!.stmt?.SelectStmt as Node | undefined) : undefined;
    const from = select?.fromClause as Node[] | undefined;
    const sub = from?.length === 1 ? (from[0]!.RangeSubselect as Node | undefined) : undefined;
    if (sub && (sub.alias as Node | undefined)?.aliasname === 'ecm_query' && select?.limitCount) return { ok: true, statement: wrapped };
  } catch {
    // fall through: refused
  }
  return refuse('Refused: the statement could not be wrapped safely, so it is not run.');
}
