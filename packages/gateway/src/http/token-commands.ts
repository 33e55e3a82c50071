import { parseArgs } from 'node:util';
import { EXIT } from '@ecm/core/cli-kit';
import { lockEmbeddedStores, openStateDb, openTicketStore, type StateDb } from '@ecm/core/stores';
import type { StoredTokens, TokenRefused } from './token-store.js';

export const TOKENS_USAGE = `ecm-gateway tokens — personal bearer tokens for the HTTP gateway (kept hashed in the state store)

Usage:
  ecm-gateway tokens issue --agent EMAIL [--by NAME]   a new token for an active agent; printed once, on stdout
  ecm-gateway tokens list [--json]                     every token: id, agent, issued, revoked (never the secret)
  ecm-gateway tokens revoke ID|EMAIL                   revoke one token, or every token of an agent; counts at the next request

The agent puts the token in ECM_GATEWAY_TOKEN and the gateway's URL in ECM_GATEWAY_URL; ecm-field then acts as that agent.
Exit codes: 0 ok, 1 failed (nothing to revoke), 2 usage, 3 bad configuration, 6 not allowed (unknown or inactive agent).`;

/** What ends a tokens command: an exit code and a line for stderr. */
export class TokensCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const VERBS = ['issue', 'list', 'revoke'] as const;
const unknownVerb = (verb: string) => new TokensCommandError(`unknown tokens command "${verb}"\n\n${TOKENS_USAGE}`, 2);

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

const TOKENS_OPTIONS = {
  agent: { type: 'string' },
  by: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

interface TokensArgs {
  readonly values: { agent?: string | undefined; by?: string | undefined; json?: boolean | undefined };
  readonly positionals: string[];
}

/** `ecm-gateway tokens …`: a lead onboards or offboards an agent without a redeploy. */
export async function tokensCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h') {
    out(TOKENS_USAGE);
    return verb ? 0 : 3; // no verb is a usage error, as everywhere
  }
  const { values, positionals } = parseTokensArgs(rest);
  if (!(VERBS as readonly string[]).includes(verb)) throw unknownVerb(verb);
  // The embedded state store admits one process at a time: wait for a running job or a gateway's
  // current calls (a gateway closes the embedded stores between calls), never open it beside them.
  // Held too long: a CliError with exit 1; a bad ECM_LOCK_WAIT_SECONDS: exit 3 (the CLI keeps its code).
  const lock = await lockEmbeddedStores(
    { program: 'ecm-gateway', command: `tokens ${verb}`, stores: ['state'], lockedExit: EXIT.failed },
    env,
  );
  try {
    return await runTokensCommand(verb, values, positionals, env);
  } finally {
    await lock.release();
  }
}

async function runTokensCommand(
  verb: string,
  values: TokensArgs['values'],
  positionals: string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const { StoredTokens, TokenRefused } = await import('./token-store.js');
  const state = await openStateDb({ env });
  try {
    const tokens = new StoredTokens(state);
    switch (verb) {
      case 'issue':
        return await issueToken(tokens, TokenRefused, state, env, values);
      case 'list':
        return await listTokens(tokens, values.json ?? false);
      case 'revoke':
        return await revokeTokens(tokens, TokenRefused, positionals);
      default:
        throw unknownVerb(verb);
    }
  } finally {
    await state.close();
  }
}

function parseTokensArgs(rest: readonly string[]): TokensArgs {
  try {
    return parseArgs({ args: [...rest], options: TOKENS_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new TokensCommandError(`${(e as Error).message}\n\n${TOKENS_USAGE}`, 2);
  }
}

async function issueToken(
  tokens: StoredTokens,
  refused: typeof TokenRefused,
  state: StateDb,
  env: NodeJS.ProcessEnv,
  values: TokensArgs['values'],
): Promise<number> {
  if (!values.agent) throw new TokensCommandError('tokens issue needs --agent EMAIL (an active agent of the Agents tab)', 2);
  const roster = await openTicketStore(state, env);
  const by = values.by ?? env.USER ?? 'ecm-gateway tokens';
  try {
    const issued = await tokens.issue(values.agent, roster, by);
    out(issued.token);
    err(
      `Issued ${issued.id} for ${issued.agent_email}. This is the only time the token is shown: give it to the agent for ECM_GATEWAY_TOKEN (with ECM_GATEWAY_URL). Revoke with: ecm-gateway tokens revoke ${issued.id}`,
    );
    return 0;
  } catch (e) {
    if (e instanceof refused) throw new TokensCommandError(e.message, 6);
    throw e;
  }
}

async function listTokens(tokens: StoredTokens, json: boolean): Promise<number> {
  const rows = await tokens.list();
  if (json) {
    out(JSON.stringify({ tokens: rows }));
    return 0;
  }
  if (!rows.length) {
    out('No tokens issued yet (ecm-gateway tokens issue --agent EMAIL).');
    return 0;
  }
  out(['ID'.padEnd(17), 'AGENT'.padEnd(32), 'ISSUED'.padEnd(25), 'BY'.padEnd(20), 'STATUS'].join(' '));
  for (const r of rows)
    out(
      [
        r.id.padEnd(17),
        r.agent_email.padEnd(32),
        r.issued_at.padEnd(25),
        r.issued_by.slice(0, 20).padEnd(20),
        r.revoked_at ? `revoked ${r.revoked_at}` : 'active',
      ].join(' '),
    );
  return 0;
}

async function revokeTokens(tokens: StoredTokens, refused: typeof TokenRefused, positionals: readonly string[]): Promise<number> {
  const target = positionals[0];
  if (!target || positionals.length > 1) throw new TokensCommandError('tokens revoke needs one token id (tok_…) or an agent e-mail', 2);
  try {
    const revoked = await tokens.revoke(target);
    if (!revoked.length) throw new TokensCommandError(`no active token matches ${target} (see ecm-gateway tokens list)`, 1);
    out(`Revoked ${revoked.join(', ')}; refused from the next request on.`);
    return 0;
  } catch (e) {
    if (e instanceof refused) throw new TokensCommandError(e.message, 2);
    throw e;
  }
}
