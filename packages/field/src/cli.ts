import { ecmProgram, lazyAction, runCli } from '@ecm/core/cli-kit';
import { Command, Option } from 'commander';

const program = ecmProgram(new Command('ecm-field'), {
  description:
    "An ops agent's terminal for stuck remittance orders: your queue with SLA clocks, one order across every system,\n" +
    'resolve and escalate your tickets, decide fix proposals. With nothing configured it uses the embedded demo.',
  packageJson: new URL('../package.json', import.meta.url),
  helpAfter: `
Through the gateway (an agent's machine): set ECM_GATEWAY_URL and your personal token in ECM_GATEWAY_TOKEN
(ecm-gateway tokens issue --agent EMAIL); you are the token's agent and --agent is refused. No store URL needed.
Embedded (nothing configured): --agent EMAIL, else ECM_AGENT_EMAIL, else asked once on a terminal and remembered
in ECM_HOME (ecm-field whoami --forget clears it). You must be an active agent in the Agents tab.

Examples:
  ecm-field my-tickets                            your open tickets, most urgent first, with live order status
  ecm-field order ORD-00012345                    timeline across systems, what is wrong, what to do, score
  ecm-field start ORD-00012345                    you are on it: OPEN → IN_PROGRESS
  ecm-field resolve ORD-00012345 --notes "refund ref R-1 initiated"
  ecm-field escalate ORD-00012345 --reason "Lulu has not credited after 48 h"
  ecm-field reopen ORD-00012345 --reason "customer reports no credit"
  ecm-field correct order ORD-00012345 --reason brn_issue --note "the BRN was never sent"
  ecm-field my-tickets --json | jq '.tickets[0]'  machine output on stdout, notices on stderr

Exit codes: 0 ok, 1 failed (e.g. already resolved, unknown order), 3 bad configuration or usage
            (an unknown command or flag, a missing --notes/--reason, a bad flag value: run ecm-field --help),
            6 not allowed (not the assignee, an unknown or
            inactive agent, a supervisor-only approval).
Colour only on a terminal, never with NO_COLOR set.
Environment: ECM_GATEWAY_URL, ECM_GATEWAY_TOKEN, ECM_AGENT_EMAIL, ECM_HOME, ECM_WAREHOUSE_URL, ECM_STATE_URL, SLACK_BOT_TOKEN, SLACK_CHANNEL_ID,
             ANTHROPIC_API_KEY (chat).`,
});

/** Runs a lazily imported command and turns its result into the process exit code. */
const action = lazyAction;

const EXIT_CODES = 'Exit codes: 0 ok, 1 failed, 3 bad configuration or usage, 6 not allowed (not the assignee, unknown or inactive agent).';

/** The options every agent command takes. */
function agentCommand(name: string, description: string, options: { json?: boolean } = {}): Command {
  const cmd = program
    .command(name)
    .description(description)
    .option(
      '--agent <email>',
      'embedded mode: act as this agent (default: ECM_AGENT_EMAIL, else the remembered one); refused through the gateway',
    )
    .addOption(new Option('--as-of <iso>', 'the current time for SLA clocks (ISO 8601); default now — for demos seeded at a fixed time'))
    .addHelpText('after', `\n${EXIT_CODES}`);
  return options.json === false ? cmd : cmd.option('--json', 'one JSON object on stdout');
}

agentCommand(
  'my-tickets',
  "your open tickets: live order status, SLA band (BREACHED/CRITICAL/WARNING/OK), next action, today's stats",
).action(action(async () => (await import('./commands/my-tickets.js')).myTicketsCommand));

agentCommand(
  'order',
  'one order: timeline across GOMS, payment, Falcon, payout, Lulu, RFI, TRM, RDA; what is wrong; runbook steps; score; escalation',
)
  .argument('<order-id>', 'the GOMS order id')
  .option('--reveal-pii', "show the customer's name, e-mail and phone for this order (never copy them into notes or Slack)")
  .action(action(async () => (await import('./commands/order.js')).orderCommand));

agentCommand('resolve', 'close your ticket: writes the Resolutions row (time, SLA target, MET/MISSED) and shows what is left')
  .argument('<order-id>', 'the order of your ticket')
  .option('--notes <text>', 'what was done (required; asked on a terminal when left out)')
  .option('--diagnosis-match <answer>', 'CORRECT | PARTIAL | WRONG (asked on a terminal; default CORRECT)')
  .option('--action-followed <answer>', 'YES | MODIFIED | IGNORED (asked on a terminal; default YES)')
  .option(
    '--resolution-type <answer>',
    'AGENT_RESOLVED | ESCALATED_RESOLVED | FALSE_POSITIVE | SELF_HEALED (default AGENT_RESOLVED, ESCALATED_RESOLVED for an escalated ticket)',
  )
  .action(action(async () => (await import('./commands/resolve.js')).resolveCommand));

agentCommand('start', 'pick up your ticket: OPEN → IN_PROGRESS, so your lead sees who is working on it')
  .argument('<order-id>', 'the order of your ticket')
  .action(action(async () => (await import('./commands/start.js')).startCommand));

agentCommand(
  'reopen',
  'reopen your resolved or escalated ticket (the order is not fixed after all): OPEN again, new SLA clock, recorded in the history',
)
  .argument('<order-id>', 'the order of your ticket')
  .option('--reason <text>', 'what shows it is not fixed (required)')
  .action(action(async () => (await import('./commands/start.js')).reopenCommand));

agentCommand('escalate', 'escalate your ticket: Escalations row, ticket ESCALATED, the contact for its team and age, Slack notification')
  .argument('<order-id>', 'the order of your ticket')
  .option('--reason <text>', 'what is blocked and who must act (required; asked on a terminal when left out)')
  .action(action(async () => (await import('./commands/escalate.js')).escalateCommand));

agentCommand('proposals', "fix proposals from the agent runtime waiting for a person's decision")
  .option('--all', 'also the decided ones')
  .action(action(async () => (await import('./commands/proposals.js')).proposalsCommand));

/** approve and reject: the same command with the decision fixed, and what --reason means for it. */
function decisionCommand(name: string, decision: 'approved' | 'rejected', description: string, reason: string): void {
  agentCommand(name, description)
    .argument('<id>', 'the proposal id (or its first characters, as listed)')
    .option('--reason <text>', reason)
    .action(
      action(async () => {
        const { decideCommand } = await import('./commands/proposals.js');
        return (id: string, options: Parameters<typeof decideCommand>[2]) => decideCommand(decision, id, options);
      }),
    );
}

decisionCommand(
  'approve',
  'approved',
  'approve a fix proposal (high-value ones need a supervisor); nothing runs by itself',
  'a note for the record',
);
decisionCommand('reject', 'rejected', 'reject a fix proposal', 'why the fix is wrong (required)');

agentCommand('correct', "judge a skill's output (a diagnosis, an insight, a proposal), or correct a ticket's classification")
  .argument(
    '<execution-id|order>',
    'a skill execution id (or its first 8+ characters, as the report or stats show it), or the word "order"',
  )
  .argument('[order-id]', 'with "order": the order whose ticket was classified wrong')
  .option('--verdict <verdict>', 'an execution: wrong | partly | right')
  .option('--reason <stuck-reason>', 'an order: the right stuck reason (from the catalogue, shared/stuck-reasons.yaml)')
  .option('--note <text>', 'what was wrong (required for an execution unless right; optional for an order; at most 2,000 characters)')
  .addHelpText(
    'after',
    `
Two forms:
  ecm-field correct EXECUTION_ID --verdict wrong|partly|right --note "…"
      judges one skill execution; feeds the skill's satisfaction and the common mistakes, never the triage score.
  ecm-field correct order ORDER --reason RIGHT_REASON [--note "…"]
      the ticket's assignee or a supervisor says the order is stuck for another reason. It counts as one
      "was the reason right? no" answer for the classified reason in the learned triage weights, and
      ecm-manager stats lists it under the most corrected classifications.`,
  )
  .action(action(async () => (await import('./commands/correct.js')).correctCommand));

agentCommand(
  'chat',
  'an interactive session: questions in words go to the field skills (needs ANTHROPIC_API_KEY); the commands above work too',
  { json: false },
).action(action(async () => (await import('./commands/chat.js')).chatCommandAction));

agentCommand('whoami', 'the agent this terminal acts as, and where that comes from')
  .option('--forget', 'forget the remembered agent (the next command asks again)')
  .action(action(async () => (await import('./commands/whoami.js')).whoamiCommand));

await runCli('ecm-field', program);
