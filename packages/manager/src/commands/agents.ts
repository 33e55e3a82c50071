import { readFileSync } from 'node:fs';
import type { Agent, Team } from '@ecm/core/domain';
import { loadValidConfig, notice } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { printListing } from './print-listing.js';
import { withTicketStore } from './with-state.js';
import { TICKET_STATUSES, TEAMS, checkText, NAME_MAX, parseAgentsCsv } from '@ecm/core/domain';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function agentsListCommand(options: { json?: boolean; all?: boolean }): Promise<number> {
  return withTicketStore('agents list', async (store) => {
    const agents = (await store.listAgents()).filter((a) => options.all || a.active);
    const open = await store.listTickets({ statuses: TICKET_STATUSES.filter((s) => s !== 'RESOLVED') });
    const load = new Map<string, number>();
    for (const t of open) load.set(t.agent_email, (load.get(t.agent_email) ?? 0) + 1);
    const rows = agents.map((a) => ({ ...a, open_tickets: load.get(a.email) ?? 0 }));
    return printListing({
      key: 'agents',
      rows,
      json: options.json,
      empty: 'No agents. Add one with: ecm-manager agents add EMAIL --name NAME --team Ops',
      columns: [
        { header: 'EMAIL', width: 28, value: (r) => r.email },
        { header: 'NAME', width: 18, value: (r) => r.name },
        { header: 'TEAM', width: 7, value: (r) => r.team },
        { header: 'OPEN', width: 4, align: 'right', value: (r) => String(r.open_tickets) },
        { header: 'MAX', width: 4, align: 'right', value: (r) => String(r.max_tickets) },
        { header: 'STATE', width: 8, value: (r) => `${r.active ? 'active' : 'inactive'}${r.role === 'supervisor' ? '*' : ''}` },
      ],
    });
  });
}

export async function agentsAddCommand(
  email: string,
  options: { name?: string; team?: string; max?: string; slack?: string; supervisor?: boolean },
): Promise<number> {
  const config = await loadValidConfig();
  if (!EMAIL.test(email)) throw new CliError(`"${email}" is not an e-mail address`, EXIT.config);
  if (!options.name) throw new CliError('--name is required', EXIT.config);
  const name = checkText('--name', options.name, { max: NAME_MAX });
  if (!name.ok) throw new CliError(name.problem, EXIT.config);
  if (!options.team || !(TEAMS as readonly string[]).includes(options.team))
    throw new CliError(`--team: expected one of ${TEAMS.join(', ')}`, EXIT.config);
  const max = options.max === undefined ? config.settings.assignment.default_max_tickets : Number(options.max);
  if (!Number.isInteger(max) || max < 0) throw new CliError(`--max ${options.max}: expected a whole number`, EXIT.config);
  const agent: Agent = {
    email: email.toLowerCase(),
    name: name.text,
    team: options.team as Team,
    slack_handle: options.slack ?? null,
    active: true,
    max_tickets: max,
    role: options.supervisor ? 'supervisor' : 'agent',
  };
  await withTicketStore('agents add', (store) => store.upsertAgents([agent]));
  notice(`Added ${agent.email} (${agent.team}, up to ${max} tickets).`);
  return EXIT.ok;
}

export async function agentsDeactivateCommand(email: string): Promise<number> {
  const found = await withTicketStore('agents deactivate', (store) => store.setAgentActive(email, false));
  if (!found) throw new CliError(`no agent ${email}; see ecm-manager agents list --all`);
  notice(`Deactivated ${email}: no new tickets; move their open tickets with: ecm-manager tickets handover --from ${email}`);
  return EXIT.ok;
}

export async function agentsImportCommand(file: string, options: { dryRun?: boolean }): Promise<number> {
  const config = await loadValidConfig();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT.config);
  }
  const { agents, problems } = parseAgentsCsv(text, config.settings.assignment.default_max_tickets);
  if (problems.length) {
    // All or nothing: a half-imported roster would assign tickets to the wrong people.
    throw new CliError(
      `${file}: nothing imported; fix these rows first:\n${problems.map((p) => `  line ${p.line}: ${p.problem}`).join('\n')}`,
      EXIT.config,
    );
  }
  if (!options.dryRun) await withTicketStore('agents import', (store) => store.upsertAgents(agents));
  notice(`${options.dryRun ? 'Would import' : 'Imported'} ${agents.length} agents from ${file}.`);
  return EXIT.ok;
}
