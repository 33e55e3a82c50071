/**
 * What warehouse_query accepts, as allow-lists: functions, operators and cast types that
 * PostgreSQL and Redshift share and that analytics needs. Anything not listed is refused, so a
 * function nobody thought of (one that runs SQL text, sleeps, locks, reads files or builds huge
 * values) never runs. Output-size-dangerous functions (lpad, rpad, repeat, format, replace,
 * regexp_replace, string_agg, array_agg, generate_series) are left out on purpose.
 */

const AGGREGATES = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'stddev',
  'stddev_samp',
  'stddev_pop',
  'variance',
  'var_samp',
  'var_pop',
  'bool_and',
  'bool_or',
  'percentile_cont',
  'percentile_disc',
  'median',
];
const WINDOW = [
  'row_number',
  'rank',
  'dense_rank',
  'percent_rank',
  'cume_dist',
  'ntile',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'nth_value',
];
const MATH = ['abs', 'ceil', 'ceiling', 'floor', 'round', 'trunc', 'mod', 'sign', 'sqrt', 'cbrt', 'ln', 'log', 'div'];
const STRING = [
  'length',
  'char_length',
  'character_length',
  'octet_length',
  'lower',
  'upper',
  'initcap',
  'btrim',
  'ltrim',
  'rtrim',
  'substring',
  'substr',
  'left',
  'right',
  'position',
  'strpos',
  'split_part',
  'concat',
  'concat_ws',
  'reverse',
  'translate',
  'md5',
  'like_escape',
];
const DATE_TIME = [
  'now',
  'date_trunc',
  'date_part',
  'extract',
  'age',
  'to_char',
  'to_date',
  'to_timestamp',
  'to_number',
  'timezone',
  'overlaps',
  'getdate',
  'dateadd',
  'datediff',
  'nvl',
];

export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set([...AGGREGATES, ...WINDOW, ...MATH, ...STRING, ...DATE_TIME]);

/** Functions that grow a string: their use is budgeted, because chained through CTEs they double a value per step. */
export const CONCATENATING_FUNCTIONS: ReadonlySet<string> = new Set(['concat', 'concat_ws']);

/** Binary and unary operators (A_Expr AEXPR_OP / ANY / ALL). `||` is budgeted like concat. */
export const ALLOWED_OPERATORS: ReadonlySet<string> = new Set([
  '=',
  '<>',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  '~~',
  '!~~',
  '~~*',
  '!~~*',
]);

/** A_Expr kinds: plain operators, IN, LIKE/ILIKE, BETWEEN, IS [NOT] DISTINCT FROM, NULLIF, = ANY/ALL (…). */
export const ALLOWED_EXPRESSION_KINDS: ReadonlySet<string> = new Set([
  'AEXPR_OP',
  'AEXPR_OP_ANY',
  'AEXPR_OP_ALL',
  'AEXPR_DISTINCT',
  'AEXPR_NOT_DISTINCT',
  'AEXPR_NULLIF',
  'AEXPR_IN',
  'AEXPR_LIKE',
  'AEXPR_ILIKE',
  'AEXPR_BETWEEN',
  'AEXPR_NOT_BETWEEN',
  'AEXPR_BETWEEN_SYM',
  'AEXPR_NOT_BETWEEN_SYM',
]);

/** Types a value may be cast to (last name part; the parser writes some as pg_catalog.x). */
export const ALLOWED_CAST_TYPES: ReadonlySet<string> = new Set([
  'int',
  'int2',
  'int4',
  'int8',
  'integer',
  'smallint',
  'bigint',
  'numeric',
  'decimal',
  'real',
  'float',
  'float4',
  'float8',
  'double precision',
  'text',
  'varchar',
  'char',
  'bpchar',
  'character',
  'character varying',
  'bool',
  'boolean',
  'date',
  'time',
  'timetz',
  'timestamp',
  'timestamptz',
  'interval',
]);

/** CURRENT_DATE and friends; CURRENT_USER, CURRENT_SCHEMA and the like are not analytics. */
export const ALLOWED_VALUE_FUNCTIONS: ReadonlySet<string> = new Set([
  'SVFOP_CURRENT_DATE',
  'SVFOP_CURRENT_TIME',
  'SVFOP_CURRENT_TIME_N',
  'SVFOP_CURRENT_TIMESTAMP',
  'SVFOP_CURRENT_TIMESTAMP_N',
  'SVFOP_LOCALTIME',
  'SVFOP_LOCALTIME_N',
  'SVFOP_LOCALTIMESTAMP',
  'SVFOP_LOCALTIMESTAMP_N',
]);

/** EXISTS, IN (subquery), = ANY/ALL (subquery), scalar subqueries. ARRAY(subquery) builds unbounded values. */
export const ALLOWED_SUBLINKS: ReadonlySet<string> = new Set(['EXISTS_SUBLINK', 'ANY_SUBLINK', 'ALL_SUBLINK', 'EXPR_SUBLINK']);

/** Parse-tree nodes a plain analytical SELECT is made of. Every other node is refused. */
export const ALLOWED_NODES: ReadonlySet<string> = new Set([
  'SelectStmt',
  'ResTarget',
  'ColumnRef',
  'A_Const',
  'A_Expr',
  'A_Star',
  'A_ArrayExpr',
  'BoolExpr',
  'FuncCall',
  'TypeCast',
  'TypeName',
  'CaseExpr',
  'CaseWhen',
  'CoalesceExpr',
  'MinMaxExpr',
  'NullTest',
  'BooleanTest',
  'SubLink',
  'RangeVar',
  'RangeSubselect',
  'JoinExpr',
  'WithClause',
  'CommonTableExpr',
  'SortBy',
  'WindowDef',
  'GroupingSet',
  'RowExpr',
  'SQLValueFunction',
  'CollateClause',
  'Alias',
  'List',
  'String',
  'Integer',
  'Float',
  'Boolean',
]);

/** For refusals: short, so the sentence stays one line. The tool description lists the rest. */
export const FUNCTION_HINT =
  'aggregates, window functions, and common math, string and date/time functions (the list is in the warehouse_query description)';
export const FUNCTION_LIST = [...ALLOWED_FUNCTIONS].sort().join(', ');
