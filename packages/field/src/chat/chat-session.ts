import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { notice, parseAsOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { ClaimedIdentity } from '../identity/agent-identity.js';
import { styleFor } from '../render/style.js';
import { openInProcessGateway } from '../session/field-connection.js';
import { withSession } from '../session/field-session.js';
import { chatCommand, splitWords } from './command-line.js';
import { chooseSkill } from './choose-skill.js';
import { stripControls } from '@ecm/core/text';

const HELP = [
  'Commands (as on the command line, with or without a leading /):',
  '  my-tickets                         your open tickets, most urgent first',
  '  order ID [--reveal-pii]            one order across every system, what is wrong and what to do',
  '  resolve ID --notes "…"             close your ticket (asks the three feedback questions)',
  '  escalate ID --reason "…"           escalate your ticket and notify the team',
  '  proposals | approve ID | reject ID --reason "…"   the fix proposals waiting for a person',
  '  help | exit',
].join('\n');

interface Turn {
  readonly question: string;
  readonly answer: string;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Runs one ecm-field command as a child process with the session's agent (through the gateway: the token's), as typed. */
function runChild(
  words: readonly string[],
  identity: ClaimedIdentity | null,
  asOf: string | undefined,
  stdinIsTerminal: boolean,
): Promise<number> {
  const cli = process.argv[1] ?? path.resolve('bin/ecm-field.js');
  const args = [
    cli,
    ...words,
    ...(identity ? ['--agent', identity.email] : []),
    ...(asOf && !words.includes('--as-of') ? ['--as-of', asOf] : []),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: [stdinIsTerminal ? 'inherit' : 'ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => resolve(code ?? EXIT.failed));
    child.on('error', () => resolve(EXIT.failed));
  });
}

interface Answer {
  readonly text: string;
  /** The day's LLM budget refused the question before any model call. */
  readonly budgetSpent: boolean;
}

interface Assistant {
  answer(question: string, history: readonly Turn[]): Promise<Answer>;
}

/** The agent runtime with the field skills and the gateway's tools; a session per question, so the stores are never held while the agent types. */
function fieldAssistant(identity: ClaimedIdentity, asOf: string | undefined): Assistant {
  return {
    async answer(question, history) {
      return withSession({ command: 'chat', identity, now: parseAsOf(asOf), warehouse: 'lazy' }, async (s) => {
        const agentRuntime = await import('@ecm/agent');
        const sharedDir = s.config.sharedDir;
        const skills = agentRuntime.loadSkills(path.join(sharedDir, agentRuntime.SKILLS_DIR)).filter((k) => k.role === 'field');
        const gateway = await openInProcessGateway(s, { allowPii: false });
        try {
          const runtime = agentRuntime.createAgentRuntime({
            domain: agentRuntime.managerDomainName(sharedDir),
            llm: agentRuntime.loadLlmConfig(sharedDir),
            skills,
            guardrails: agentRuntime.loadGuardrails(sharedDir),
            db: s.state,
            mcp: gateway.client,
          });
          const choice = chooseSkill(question, new Set(skills.map((k) => k.name)));
          const input = [
            `Agent: ${s.agent.name} <${s.agent.email}>, team ${s.agent.team}, role ${s.agent.role}.`,
            `Now: ${s.now.toISOString()}.`,
            ...history.slice(-3).flatMap((t) => [`Earlier question: ${clip(t.question, 300)}`, `Earlier answer: ${clip(t.answer, 600)}`]),
            `Question: ${question}`,
          ].join('\n');
          const run = await runtime.runSkill({ skill: choice.skill, input, ...(choice.orderId ? { subject: choice.orderId } : {}) });
          const budgetSpent = run.outcome === 'budget_skipped';
          if (run.text === null)
            return {
              text: `No answer (${run.skill}: ${run.outcome}${run.detail ? ` — ${run.detail}` : ''}). The commands still work; type help.`,
              budgetSpent,
            };
          return {
            text: `${run.text}\n\n(${run.skill}, ${run.turns} turn${run.turns === 1 ? '' : 's'}, $${run.costUsd.toFixed(4)})`,
            budgetSpent,
          };
        } finally {
          await gateway.close();
        }
      });
    },
  };
}

/** Lines of one readline interface, buffered: piped input arrives faster than questions are answered. */
class LineQueue {
  readonly #lines: string[] = [];
  readonly #waiting: ((line: string | null) => void)[] = [];
  #closed = false;

  constructor(readonly rl: Interface) {
    rl.on('line', (line) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(line);
      else this.#lines.push(line);
    });
    rl.on('close', () => {
      this.#closed = true;
      for (const waiter of this.#waiting.splice(0)) waiter(null);
    });
  }

  next(): Promise<string | null> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#closed) return Promise.resolve(null);
    this.rl.prompt();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/** The interactive loop: commands run as typed; questions in words go to the assistant when an LLM is configured. */
export async function runChat(
  identity: ClaimedIdentity | null,
  agent: { readonly name: string; readonly email: string },
  asOf: string | undefined,
  llmProblem: string | null,
): Promise<number> {
  const terminal = Boolean(process.stdin.isTTY);
  const style = styleFor(process.stderr);
  notice(`ecm-field chat — ${agent.name} <${agent.email}>. Type help for the commands, exit to leave.`);
  if (llmProblem) {
    notice(
      style.yellow(
        identity
          ? `Questions in words need an LLM (${llmProblem}): set ANTHROPIC_API_KEY, or ANTHROPIC_AUTH_TOKEN (ANTHROPIC_BASE_URL for a gateway). Until then, the commands below work here.`
          : `Only the commands work here: ${llmProblem}.`,
      ),
    );
    notice(HELP);
  }
  const assistant = llmProblem || !identity ? null : fieldAssistant(identity, asOf);
  const history: Turn[] = [];
  // Exit 4 (LLM budget exhausted and nothing else could be done): every question met a spent budget and no command ran.
  let questions = 0;
  let budgetRefused = 0;
  let commandsRun = 0;
  const open = () =>
    new LineQueue(createInterface({ input: process.stdin, output: process.stderr, terminal, prompt: terminal ? style.cyan('ecm> ') : '' }));
  let lines = open();
  try {
    for (;;) {
      const line = await lines.next();
      if (line === null) break;
      const text = line.trim();
      if (!text) continue;
      if (/^\/?(exit|quit)$/i.test(text)) break;
      if (/^\/?(help|\?)$/i.test(text)) {
        process.stdout.write(`${HELP}\n`);
        continue;
      }
      let words: string[] | null;
      try {
        words = chatCommand(text);
      } catch (err) {
        notice(`${(err as Error).message}`);
        continue;
      }
      if (words) {
        // The child owns the terminal while it runs (its prompts read the keyboard).
        if (terminal) lines.rl.close();
        commandsRun += 1;
        await runChild(words, identity, asOf, terminal);
        if (terminal) lines = open();
        continue;
      }
      if (!assistant) {
        notice(`No LLM configured, so only commands work here (${splitWords(text)[0] ?? text} is not one). Type help.`);
        continue;
      }
      try {
        questions += 1;
        const answer = await assistant.answer(text, history);
        if (answer.budgetSpent) budgetRefused += 1;
        history.push({ question: text, answer: answer.text });
        // The model's answer is text, never terminal control: escape sequences in it are removed.
        process.stdout.write(`${stripControls(answer.text)}\n`);
      } catch (err) {
        notice(style.red(`The assistant failed: ${(err as Error).message}`));
      }
    }
  } finally {
    lines.rl.close();
  }
  return questions > 0 && budgetRefused === questions && commandsRun === 0 ? EXIT.budget : EXIT.ok;
}
