import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { notice, parseAsOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { ClaimedIdentity } from '../identity/agent-identity.js';
import { styleFor, type Style } from '../render/style.js';
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
          const input = questionInput(question, history, s.agent, s.now);
          const run = await runtime.runSkill({ skill: choice.skill, input, ...(choice.orderId ? { subject: choice.orderId } : {}) });
          return { text: answerText(run), budgetSpent: run.outcome === 'budget_skipped' };
        } finally {
          await gateway.close();
        }
      });
    },
  };
}

/** The question with who asks and when, and the last three turns clipped, so follow-ups keep their context at a bounded cost. */
function questionInput(
  question: string,
  history: readonly Turn[],
  agent: { readonly name: string; readonly email: string; readonly team: string; readonly role: string },
  now: Date,
): string {
  return [
    `Agent: ${agent.name} <${agent.email}>, team ${agent.team}, role ${agent.role}.`,
    `Now: ${now.toISOString()}.`,
    ...history.slice(-3).flatMap((t) => [`Earlier question: ${clip(t.question, 300)}`, `Earlier answer: ${clip(t.answer, 600)}`]),
    `Question: ${question}`,
  ].join('\n');
}

/** The answer with the skill, turns and cost it took; without an answer, why not (the commands still work). */
function answerText(run: {
  readonly skill: string;
  readonly outcome: string;
  readonly detail: string | null;
  readonly text: string | null;
  readonly turns: number;
  readonly costUsd: number;
}): string {
  if (run.text === null)
    return `No answer (${run.skill}: ${run.outcome}${run.detail ? ` — ${run.detail}` : ''}). The commands still work; type help.`;
  return `${run.text}\n\n(${run.skill}, ${run.turns} turn${run.turns === 1 ? '' : 's'}, $${run.costUsd.toFixed(4)})`;
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

/** The chat's input from the keyboard or a pipe. */
class ChatInput {
  #lines: LineQueue;

  constructor(
    readonly terminal: boolean,
    readonly style: Style,
  ) {
    this.#lines = this.#open();
  }

  next(): Promise<string | null> {
    return this.#lines.next();
  }

  /** Runs a child command; on a terminal the child owns the keyboard while it runs (its prompts read it). */
  async lendTo(run: () => Promise<unknown>): Promise<void> {
    if (this.terminal) this.#lines.rl.close();
    await run();
    if (this.terminal) this.#lines = this.#open();
  }

  close(): void {
    this.#lines.rl.close();
  }

  #open(): LineQueue {
    const prompt = this.terminal ? this.style.cyan('ecm> ') : '';
    return new LineQueue(createInterface({ input: process.stdin, output: process.stderr, terminal: this.terminal, prompt }));
  }
}

/** What the session did, for the exit code. */
interface ChatTally {
  questions: number;
  budgetRefused: number;
  commandsRun: number;
}

interface Chat {
  readonly identity: ClaimedIdentity | null;
  readonly asOf: string | undefined;
  readonly style: Style;
  readonly input: ChatInput;
  readonly assistant: Assistant | null;
  readonly history: Turn[];
  readonly tally: ChatTally;
}

/** The interactive loop: commands run as typed; questions in words go to the assistant when an LLM is configured. */
export async function runChat(
  identity: ClaimedIdentity | null,
  agent: { readonly name: string; readonly email: string },
  asOf: string | undefined,
  llmProblem: string | null,
): Promise<number> {
  const style = styleFor(process.stderr);
  greet(agent, identity, llmProblem, style);
  const chat: Chat = {
    identity,
    asOf,
    style,
    input: new ChatInput(Boolean(process.stdin.isTTY), style),
    assistant: llmProblem || !identity ? null : fieldAssistant(identity, asOf),
    history: [],
    tally: { questions: 0, budgetRefused: 0, commandsRun: 0 },
  };
  try {
    for (;;) {
      const line = await chat.input.next();
      if (line === null || (await handleLine(line.trim(), chat)) === 'exit') break;
    }
  } finally {
    chat.input.close();
  }
  // Exit 4 (LLM budget exhausted and nothing else could be done): every question met a spent budget and no command ran.
  const { questions, budgetRefused, commandsRun } = chat.tally;
  return questions > 0 && budgetRefused === questions && commandsRun === 0 ? EXIT.budget : EXIT.ok;
}

/** Names the agent, and when there is no LLM says so up front with the commands that still work. */
function greet(
  agent: { readonly name: string; readonly email: string },
  identity: ClaimedIdentity | null,
  llmProblem: string | null,
  style: Style,
): void {
  notice(`ecm-field chat — ${agent.name} <${agent.email}>. Type help for the commands, exit to leave.`);
  if (!llmProblem) return;
  notice(
    style.yellow(
      identity
        ? `Questions in words need an LLM (${llmProblem}): set ANTHROPIC_API_KEY, or ANTHROPIC_AUTH_TOKEN (ANTHROPIC_BASE_URL for a gateway). Until then, the commands below work here.`
        : `Only the commands work here: ${llmProblem}.`,
    ),
  );
  notice(HELP);
}

/** One line typed or piped in: exit, help, a command, or a question. */
async function handleLine(text: string, chat: Chat): Promise<'exit' | 'next'> {
  if (!text) return 'next';
  if (/^\/?(exit|quit)$/i.test(text)) return 'exit';
  if (/^\/?(help|\?)$/i.test(text)) {
    process.stdout.write(`${HELP}\n`);
    return 'next';
  }
  let words: string[] | null;
  try {
    words = chatCommand(text);
  } catch (err) {
    notice(`${(err as Error).message}`);
    return 'next';
  }
  if (words) {
    const command = words;
    chat.tally.commandsRun += 1;
    await chat.input.lendTo(() => runChild(command, chat.identity, chat.asOf, chat.input.terminal));
  } else {
    await askAssistant(text, chat);
  }
  return 'next';
}

/** A question in words; a failed answer is reported and the chat goes on. */
async function askAssistant(question: string, chat: Chat): Promise<void> {
  if (!chat.assistant) {
    notice(`No LLM configured, so only commands work here (${splitWords(question)[0] ?? question} is not one). Type help.`);
    return;
  }
  try {
    chat.tally.questions += 1;
    const answer = await chat.assistant.answer(question, chat.history);
    if (answer.budgetSpent) chat.tally.budgetRefused += 1;
    chat.history.push({ question, answer: answer.text });
    // The model's answer is text, never terminal control: escape sequences in it are removed.
    process.stdout.write(`${stripControls(answer.text)}\n`);
  } catch (err) {
    notice(chat.style.red(`The assistant failed: ${(err as Error).message}`));
  }
}
