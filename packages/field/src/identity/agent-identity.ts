import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Agent, TicketStore } from '@ecm/core/domain';
import { z } from 'zod';
import { interactive } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { askLine } from '../prompt/ask-line.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const rememberedSchema = z.object({ agent_email: z.string().regex(EMAIL) });

/** Who the user says they are, and where that came from (it decides what the error tells them). */
export interface ClaimedIdentity {
  readonly email: string;
  readonly source: 'flag' | 'env' | 'remembered' | 'prompt';
}

/** ECM_HOME/field.json: the agent asked for once on this machine. */
export function rememberedIdentityFile(env: NodeJS.ProcessEnv = process.env): string {
  // Same rule as core's ecmHome(), kept here so start-up does not load the core library for a file path.
  const home = path.resolve(env.ECM_HOME || path.join(os.homedir(), '.ecm'));
  return path.join(home, 'field.json');
}

function readRemembered(env: NodeJS.ProcessEnv): string | null {
  const file = rememberedIdentityFile(env);
  if (!existsSync(file)) return null;
  try {
    return rememberedSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).agent_email;
  } catch {
    return null; // a hand-edited or half-written file: ask again rather than fail
  }
}

export function rememberIdentity(email: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = rememberedIdentityFile(env);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ agent_email: email }, null, 2)}\n`);
}

export function forgetIdentity(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = rememberedIdentityFile(env);
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}

function checkedEmail(value: string, where: string): string {
  const email = value.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new CliError(`${where}: "${value}" is not an e-mail address`, EXIT.config);
  return email;
}

/**
 * The agent's e-mail: `--agent`, else ECM_AGENT_EMAIL, else the one remembered in ECM_HOME, else
 * asked once on a terminal (remembered after the roster confirms it).
 */
export async function claimIdentity(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ClaimedIdentity> {
  if (flag !== undefined) return { email: checkedEmail(flag, '--agent'), source: 'flag' };
  if (env.ECM_AGENT_EMAIL?.trim()) return { email: checkedEmail(env.ECM_AGENT_EMAIL, 'ECM_AGENT_EMAIL'), source: 'env' };
  const remembered = readRemembered(env);
  if (remembered) return { email: remembered, source: 'remembered' };
  if (!interactive()) {
    throw new CliError(
      'who are you? Pass --agent EMAIL, or set ECM_AGENT_EMAIL to your address in the Agents tab (ecm-manager agents list)',
      EXIT.config,
    );
  }
  const answer = await askLine('Your e-mail as in the Agents tab (asked once, remembered in ECM_HOME): ');
  return { email: checkedEmail(answer, 'e-mail'), source: 'prompt' };
}

function whereFrom(identity: ClaimedIdentity, env: NodeJS.ProcessEnv): string {
  switch (identity.source) {
    case 'flag':
      return 'from --agent';
    case 'env':
      return 'from ECM_AGENT_EMAIL';
    case 'remembered':
      return `remembered in ${rememberedIdentityFile(env)} (change it with --agent EMAIL or ecm-field whoami --forget)`;
    case 'prompt':
      return 'as typed';
  }
}

/** The roster entry of the claimed agent; an unknown or inactive agent may not use the queue. */
export async function requireAgent(store: TicketStore, identity: ClaimedIdentity, env: NodeJS.ProcessEnv = process.env): Promise<Agent> {
  const agents = await store.listAgents();
  const agent = agents.find((a) => a.email.toLowerCase() === identity.email);
  if (!agent) {
    const fixes = [
      `  - check the spelling; active agents are listed by: ecm-manager agents list`,
      `  - ask your lead to add you: ecm-manager agents add ${identity.email} --name "Your Name" --team Ops|KYC_ops|VDA_ops`,
      agents.length === 0 ? '  - the roster is empty: for the demo, run ecm-manager demo seed (or ecm-manager daily) first' : null,
    ].filter((l): l is string => l !== null);
    throw new CliError(
      `${identity.email} (${whereFrom(identity, env)}) is not an agent in ${store.label}. To fix:\n${fixes.join('\n')}`,
      EXIT.notAllowed,
    );
  }
  if (!agent.active) {
    throw new CliError(
      `${agent.email} (${whereFrom(identity, env)}) is inactive in the Agents tab, so it holds no queue. Ask your lead to re-activate it (set Active to TRUE, or ecm-manager agents add ${agent.email} --name "${agent.name}" --team ${agent.team}), or use your own address with --agent EMAIL.`,
      EXIT.notAllowed,
    );
  }
  if (identity.source === 'prompt') rememberIdentity(agent.email, env);
  return agent;
}
