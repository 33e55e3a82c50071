import { ecmProgram, lazyAction, runCli } from '@ecm/core/cli-kit';
import { Command, Option } from 'commander';

const program = ecmProgram(new Command('ecm-manager'), {
  description:
    'Finds stuck remittance orders, explains them, assigns them to ops agents and reports to Slack.\n' +
    'With nothing configured it uses an embedded demo warehouse and prints Slack messages to the terminal.',
  packageJson: new URL('../package.json', import.meta.url),
  helpAfter: `
Examples:
  ecm-manager daily                      backlog → triage → patterns, as the 07:00 IST job does
  ecm-manager stuck --team KYC_ops       what is stuck for one team, highest priority first
  ecm-manager stuck --json | jq .summary machine output on stdout, notices on stderr
  ecm-manager tickets --breached         every ticket past its SLA, across agents and teams
  ecm-manager sla                        the hourly SLA watch (breaches, 16/24/48 h ladder)
  ecm-manager demo seed --orders 20000   re-create the demo warehouse smaller

Exit codes: 0 ok, 1 failed, 2 partly done (the next run completes it), 3 bad configuration or usage
            (an unknown command or flag, a bad argument: run ecm-manager --help), 4 LLM budget exhausted
            (only LLM-only work), 5 another run holds the lock.
Environment: ECM_WAREHOUSE_URL, ECM_STATE_URL, ECM_HOME, SLACK_BOT_TOKEN, SLACK_CHANNEL_ID (see .env.example).
Without ECM_WAREHOUSE_URL the demo warehouse is used only when nothing points at production, or with ECM_DEMO=1.`,
});

/** Runs a lazily imported command and turns its result into the process exit code. */
const action = lazyAction;

/**
 * For a subcommand whose parent has options of the same name (`tickets --json` and `tickets handover
 * --json`): commander gives such an option to the parent, so the subcommand reads its own and the parent's.
 */
function withParentOptions(load: () => Promise<(...args: never[]) => Promise<number>>) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const run = (await load()) as (...a: unknown[]) => Promise<number>;
    process.exitCode = await run(...args.slice(0, -2), command.optsWithGlobals(), command);
  };
}

const asOf = () => new Option('--as-of <iso>', 'the run time T (ISO 8601); default now');

program
  .command('stuck')
  .description('list stuck orders with reason, team, score and priority (the ops lead\'s "what is stuck and why")')
  .addOption(asOf())
  .option('--team <team>', 'only this team: Ops, KYC_ops or VDA_ops')
  .option('--reason <reason>', 'only this stuck reason (see shared/stuck-reasons.yaml)')
  .option('--priority <P1..P4>', 'only this priority')
  .option('--currency <code>', 'only this send currency')
  .option('--limit <n>', 'at most n orders')
  .option('--all', 'include disqualified and monitor-only orders, with their reason')
  .option('--json', 'one JSON object {as_of, orders, summary} on stdout')
  .option('--csv', 'CSV on stdout')
  .action(action(async () => (await import('./commands/stuck.js')).stuckCommand));

const phaseOptions = (cmd: Command) =>
  cmd
    .addOption(asOf())
    .option('--json', 'one JSON object {phases: [{phase, status, messages, facts}]} on stdout')
    .option('--dry-run', 'compute and render everything; write nothing, post nothing')
    .option('--force', 'run again even if this scheduled slot already succeeded');

phaseOptions(
  program.command('daily').description('the 07:00 IST job: backlog → triage → patterns, three Slack reports and a queue per agent'),
).action(action(async () => (await import('./commands/phase-command.js')).phaseCommand('daily', ['backlog', 'triage', 'patterns'])));
phaseOptions(program.command('backlog').description('backlog report: actionable count and direction, value at risk, top actions')).action(
  action(async () => (await import('./commands/phase-command.js')).phaseCommand('backlog', ['backlog'])),
);
phaseOptions(program.command('triage').description('close self-healed tickets, assign new stuck orders to agents, report')).action(
  action(async () => (await import('./commands/phase-command.js')).phaseCommand('triage', ['triage'])),
);
phaseOptions(
  program.command('patterns').description('cluster stuck orders by signature, trend vs the previous run, novel patterns'),
).action(action(async () => (await import('./commands/phase-command.js')).phaseCommand('patterns', ['patterns'])));

phaseOptions(
  program
    .command('sla')
    .description('the hourly SLA watch: breaches and the 16/24/48 h escalation ladder, each level once per ticket, in the team channels')
    .addHelpText(
      'after',
      `
Levels (ESCALATION.md, by order age): 16 h warning tags the owner; 24 h action required tags the team's lead;
48 h critical tags the head of the team (critical channel when slack.critical_channel is set) and repeats
once a day until the ticket is closed. An SLA breach (the clock from assignment) tags the owner once.
Each level is recorded before it is posted, so re-runs and a run that crashed never raise it twice.
Scheduled hourly by the sla-watch entry of shared/config/ecm.yaml.`,
    ),
).action(action(async () => (await import('./commands/phase-command.js')).phaseCommand('sla', ['sla'])));

const tickets = program
  .command('tickets')
  .description(
    'every ticket across agents and teams: agent, team, status, priority, SLA left and band, order age; per-agent and per-team summary',
  )
  .addOption(asOf())
  .option('--agent <email>', "only this agent's tickets")
  .option('--team <team>', 'only this team: Ops, KYC_ops or VDA_ops')
  .option('--status <list>', 'only these statuses, comma-separated (default: the open ones, OPEN,IN_PROGRESS,ESCALATED)')
  .option('--breached', 'only tickets past their SLA')
  .option('--all', 'include resolved tickets')
  .option('--json', 'one JSON object {as_of, tickets, summary: {by_agent, by_team}} on stdout')
  .option('--csv', 'CSV on stdout')
  .addHelpText(
    'after',
    `
Examples:
  ecm-manager tickets --breached                         what is past its SLA, most urgent first
  ecm-manager tickets --agent asha.ops@example.com       one agent's queue
  ecm-manager tickets --team KYC_ops --csv > kyc.csv     for a spreadsheet
  ecm-manager tickets reassign ORD-00012345 --to omar.kyc@example.com --reason "on leave"
  ecm-manager tickets handover --from eli.ops@example.com --dry-run

Reassign and handover record who (--by, else ECM_OPERATOR, else the OS user), when and why in the
ticket history (the Ticket History tab of the sheet), and tell each new assignee by direct message
(their team channel when Slack cannot open one; the outbox without Slack).`,
  )
  .action(action(async () => (await import('./commands/tickets.js')).ticketsListCommand));
tickets
  .command('reassign <order-id>')
  .description('move one open ticket to another active agent of its team with room left (Max Tickets)')
  .option('--to <email>', 'the agent who takes it (required)')
  .option('--reason <text>', 'why, for the history and the notice')
  .option('--by <name>', 'who is doing this (default: ECM_OPERATOR, else the OS user)')
  .option('--force', 'allow another team or going over Max Tickets')
  .option('--dry-run', 'show what would move; change nothing')
  .option('--json', 'JSON on stdout')
  .action(withParentOptions(async () => (await import('./commands/tickets.js')).ticketsReassignCommand));
tickets
  .command('handover')
  .description('hand every open ticket of an agent (e.g. one just deactivated) to team-mates with room left, least loaded first')
  .option('--from <email>', 'the agent whose open tickets move (required)')
  .option('--reason <text>', 'why, for the history and the notices')
  .option('--by <name>', 'who is doing this (default: ECM_OPERATOR, else the OS user)')
  .option('--dry-run', 'show what would move; change nothing')
  .option('--json', 'JSON on stdout')
  .action(withParentOptions(async () => (await import('./commands/tickets.js')).ticketsHandoverCommand));

const agents = program.command('agents').description('the roster tickets are assigned to (the Agents tab)');
agents
  .command('list')
  .description('active agents with their team, open tickets and capacity')
  .option('--all', 'include inactive agents')
  .option('--json', 'JSON on stdout')
  .action(action(async () => (await import('./commands/agents.js')).agentsListCommand));
agents
  .command('add <email>')
  .description('add or update an agent')
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--team <team>', 'Ops, KYC_ops or VDA_ops')
  .option('--max <n>', 'most open tickets at once (default from config: 10)')
  .option('--slack <handle>', 'Slack handle, e.g. @asha')
  .option('--supervisor', 'may approve fixes on high-value orders')
  .action(action(async () => (await import('./commands/agents.js')).agentsAddCommand));
agents
  .command('deactivate <email>')
  .description('stop assigning to an agent (then move their open tickets: ecm-manager tickets handover --from EMAIL)')
  .action(action(async () => (await import('./commands/agents.js')).agentsDeactivateCommand));
agents
  .command('import <file>')
  .description('import a CSV with the Agents tab header: Email,Name,Team,Slack Handle,Active,Max Tickets (all rows or none)')
  .option('--dry-run', 'check the file, write nothing')
  .action(action(async () => (await import('./commands/agents.js')).agentsImportCommand));

program
  .command('audit')
  .description(
    "every reveal of a customer's personal data (ecm-field order --reveal-pii, the gateway): who, which order, when, which program",
  )
  .option('--since <iso>', 'only reveals at or after this time (ISO 8601)')
  .option('--agent <email>', "only this agent's reveals")
  .option('--json', 'one JSON object {reveals: [{revealed_at, agent_email, order_id, program, basis}]} on stdout')
  .action(action(async () => (await import('./commands/audit.js')).auditCommand));
program
  .command('health')
  .description(
    'for on-call: warehouse freshness, state and ticket stores, Slack, LLM, last runs, missed schedule (exit 0 healthy, 1 degraded, 2 down)',
  )
  .option('--json', 'JSON on stdout')
  .action(action(async () => (await import('./commands/health.js')).healthCommand));
program
  .command('test')
  .description('actively check every configured connection (runs the candidate query, Slack auth.test)')
  .option('--json', 'JSON on stdout')
  .action(
    action(async () => {
      const { healthCommand } = await import('./commands/health.js');
      return (options: { json?: boolean }) => healthCommand({ ...options, active: true });
    }),
  );
program
  .command('sheets')
  .description('the "ECM Operations" Google Sheet as the ticket store (ECM_TICKETS=sheets)')
  .command('init')
  .description('create any missing tab with its header row; existing data is never touched')
  .option('--json', 'JSON on stdout')
  .action(action(async () => (await import('./commands/sheets.js')).sheetsInitCommand));
program
  .command('stats')
  .description('LLM skill executions: platform, domain (manager vs specialist, routing) and per-skill views')
  .option('--since <duration>', 'how far back: 24h, 7d, 90m', '24h')
  .option('--execution <id>', "one execution's detail page: input, reasoning turns, tool calls, output, cost, latency split")
  .option('--json', 'JSON on stdout')
  .action(action(async () => (await import('./commands/stats.js')).statsCommand));
program
  .command('schedule')
  .description('when the jobs run (shared/config/ecm.yaml); --crontab or --k8s prints what to install')
  .option('--crontab', 'a crontab with CRON_TZ lines')
  .option('--k8s', 'Kubernetes CronJobs (the committed deploy/k8s/cronjobs.yaml is this output)')
  .option('--image <image>', 'with --k8s: container image')
  .option('--namespace <ns>', 'with --k8s: namespace')
  .option('--json', 'JSON on stdout')
  .action(action(async () => (await import('./commands/schedule.js')).scheduleCommand));
program
  .command('serve')
  .description('the trigger service: Alertmanager alerts, signed webhooks and Slack, routed to domains (shared/domains); /health, /metrics')
  .option('--port <n>', 'listen on this port (default: PORT, else shared/config/serve.yaml)')
  .action(action(async () => (await import('./serve/serve-command.js')).serveCommand));

const demo = program.command('demo').description('the embedded demo: synthetic warehouse data and a fictional agent roster');
demo
  .command('seed')
  .description('create deterministic synthetic data (same seed and as-of give the same data)')
  .option('--orders <n>', 'orders in the whole window (default 150000, about 5,000 a day)')
  .option('--days <n>', 'days of history (default 30)')
  .option('--seed <s>', 'random seed (default 42)')
  .addOption(asOf())
  .option('--warehouse-url <url>', 'seed this PostgreSQL database instead of the embedded demo warehouse')
  .option('--replace', 'with --warehouse-url: empty the ECM tables first (never implicit)')
  .option('--stuck-scale <x>', 'multiply the stuck scenarios (e.g. 6 for a broken-feed day)')
  .option('--json', 'print a JSON summary on stdout')
  .action(action(async () => (await import('./commands/demo.js')).demoSeedCommand));

await runCli('ecm-manager', program);
