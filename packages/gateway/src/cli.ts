import { parseArgs } from 'node:util';
import { CliError, programVersion } from '@ecm/core/cli-kit';
import { errorText } from '@ecm/core/text';

const USAGE = `ecm-gateway — the ECM tools (warehouse, stuck orders, runbooks, tickets) as an MCP server

Usage:
  ecm-gateway                      serve over stdio (what Claude Code and other MCP clients start)
  ecm-gateway --http [--port 8765] [--host 127.0.0.1]
                                   serve Streamable HTTP at http://HOST:PORT/mcp (GET /health needs no token)
  ecm-gateway role-sql [--role ecm_gateway_reader] [--schema public]
                                   print the SQL that creates the SELECT-only role for ECM_WAREHOUSE_QUERY_URL
  ecm-gateway tokens issue --agent EMAIL | list | revoke ID|EMAIL
                                   personal bearer tokens, kept hashed in the state store (see tokens --help)

Options:
  --agent EMAIL        the agent whose tickets this connection may change (stdio; HTTP without a token)
  --allow-pii          let ecm_order_details reveal a customer's name, email and phone when asked,
                       to the order's assignee (open ticket) or a supervisor; every reveal is recorded
  --as-of ISO          the triage time T (default: now)
  --allowed-hosts H,…  Host names to accept over HTTP besides loopback (DNS-rebinding protection)
  --log-level LEVEL    fatal, error, warn, info (default), debug, silent
  -h, --help           this text
  --version            the version

Environment:
  ECM_GATEWAY_TOKEN    bearer tokens for HTTP: TOKEN or AGENT_EMAIL:TOKEN, comma-separated (min. 16 characters).
                       The email is the agent the token acts for. Tokens issued with \`ecm-gateway tokens\` work too;
                       one of the two is required unless --host is loopback.
  ECM_WAREHOUSE_URL    the warehouse (PostgreSQL/Redshift); unset: the embedded demo warehouse under ECM_HOME,
                       only when nothing points at production or ECM_DEMO=1 (else exit 3)
  ECM_WAREHOUSE_QUERY_URL  connection for warehouse_query (a SELECT-only role); default ECM_WAREHOUSE_URL
  ECM_STATE_URL, ECM_TICKETS, ECM_HOME, ECM_SHARED_DIR, ECM_AGENT_EMAIL, ECM_GATEWAY_ALLOWED_HOSTS
Logs are JSON lines on stderr; stdout carries the MCP protocol over stdio.

Exit codes: 0 ok, 1 failed (e.g. the port is taken), 3 bad configuration or usage (an unknown flag, a bad
            value: run ecm-gateway --help; a production configuration without a warehouse).`;

const EXIT_FAILURE = 1;
/** Bad configuration or usage, as for every ECM program (e.g. a production configuration without a warehouse). */
const EXIT_CONFIG = 3;
const RUN_HELP = 'run ecm-gateway --help for usage';

/** The exit code an error already knows (e.g. 3 for a bad ECM_LOCK_WAIT_SECONDS), else `fallback`. */
const exitCodeOf = (err: unknown, fallback: number): number => (err instanceof CliError ? err.exitCode : fallback);

function fail(message: string, code = EXIT_CONFIG): never {
  process.stderr.write(`ecm-gateway: ${message}\n`);
  process.exit(code);
}

function parseCli() {
  try {
    return parseArgs({
      options: {
        http: { type: 'boolean', default: false },
        port: { type: 'string', default: '8765' },
        host: { type: 'string', default: '127.0.0.1' },
        agent: { type: 'string' },
        'allow-pii': { type: 'boolean', default: false },
        'as-of': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (err) {
    return fail(`${errorText(err)} (${RUN_HELP})`);
  }
}

/** `ecm-gateway role-sql`: prints the least-privilege role's SQL for the configured warehouse_access. */
async function printRoleSql(argv: readonly string[]): Promise<void> {
  let values: { role: string; schema: string };
  try {
    values = parseArgs({
      args: [...argv],
      options: { role: { type: 'string', default: 'ecm_gateway_reader' }, schema: { type: 'string', default: 'public' } },
      strict: true,
    }).values;
  } catch (err) {
    return fail(`${errorText(err)} (${RUN_HELP})`);
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(values.role))
    fail(`--role must be a lower-case SQL name such as ecm_gateway_reader, not "${values.role}"`);
  if (!/^[a-z_][a-z0-9_]*$/.test(values.schema)) fail(`--schema must be a lower-case SQL name such as public, not "${values.schema}"`);
  // Lazy, as every import past argument parsing here: --help, --version and usage errors answer without zod or the configuration loader.
  const [{ defaultSharedDir, loadConfig }, { WarehouseAccess }, { roleSql }] = await Promise.all([
    import('@ecm/core/domain'),
    import('./warehouse/warehouse-access.js'),
    import('./warehouse/role-sql.js'),
  ]);
  const config = loadConfig(defaultSharedDir(process.env));
  const access = new WarehouseAccess(config.settings.warehouse_access);
  const needColumns = access.tableNames.filter((t) => access.piiOf(t).size > 0);
  const columnsOf = new Map<string, string[]>();
  if (needColumns.length > 0) await readColumns(config.sharedDir, values.schema, needColumns, columnsOf);
  process.stdout.write(roleSql({ role: values.role, schema: values.schema, access, columnsOf }));
}

/** The columns of the tables that hold personal data, read from the warehouse's catalogue. */
async function readColumns(sharedDir: string, schema: string, tables: readonly string[], columnsOf: Map<string, string[]>): Promise<void> {
  const [{ openWarehouse }, { lockEmbeddedStores }] = await Promise.all([import('@ecm/core/warehouse'), import('@ecm/core/stores')]);
  // The embedded demo warehouse admits one process at a time (a running job or gateway may hold it).
  const lock = await lockEmbeddedStores({
    program: 'ecm-gateway',
    command: 'role-sql',
    stores: ['warehouse'],
    lockedExit: EXIT_FAILURE,
  });
  try {
    const warehouse = await openWarehouse({ sharedDir, env: process.env });
    try {
      for (const table of tables) {
        const rows = await warehouse.query(
          'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
          [schema, table],
        );
        columnsOf.set(
          table,
          rows.map((r) => String(r.column_name)),
        );
      }
    } finally {
      await warehouse.close();
    }
  } finally {
    await lock.release();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'tokens') {
    const { tokensCommand, TokensCommandError } = await import('./http/token-commands.js');
    process.exitCode = await tokensCommand(process.argv.slice(3)).catch((err: unknown) =>
      fail(errorText(err), err instanceof TokensCommandError ? err.exitCode : exitCodeOf(err, EXIT_FAILURE)),
    );
    return;
  }
  if (process.argv[2] === 'role-sql') {
    await printRoleSql(process.argv.slice(3)).catch((err: unknown) => fail(errorText(err), exitCodeOf(err, EXIT_FAILURE)));
    return;
  }
  const args = parseCli();
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.version) {
    process.stdout.write(`${programVersion(new URL('../package.json', import.meta.url))}\n`);
    return;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${args.port}"`);
  const asOf = args['as-of'] ? new Date(args['as-of']) : null;
  if (asOf && Number.isNaN(asOf.getTime())) fail(`--as-of must be an ISO 8601 time such as 2026-02-17T01:30:00Z, not "${args['as-of']}"`);
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(args['log-level'])) fail(`--log-level must be one of ${levels.join(', ')}`);

  const env = process.env;
  // Before serving: a production configuration without a warehouse never serves the demo's synthetic data.
  const { warehouseSource } = await import('@ecm/core/warehouse');
  try {
    warehouseSource(env);
  } catch (err) {
    fail(errorText(err), EXIT_CONFIG);
  }
  const { startGateway } = await import('./start-gateway.js');
  await startGateway({
    env,
    http: args.http
      ? {
          port,
          host: args.host,
          allowedHosts: (args['allowed-hosts'] ?? env.ECM_GATEWAY_ALLOWED_HOSTS ?? '')
            .split(',')
            .map((h) => h.trim())
            .filter(Boolean),
        }
      : null,
    agentEmail: args.agent ?? env.ECM_AGENT_EMAIL ?? null,
    allowPii: args['allow-pii'],
    asOf,
    logLevel: args['log-level'],
  }).catch((err: unknown) => fail(errorText(err), exitCodeOf(err, EXIT_FAILURE)));
}

void main();
