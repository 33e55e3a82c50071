import { llmLinesAsMrkdwn } from '@ecm/core/text';
import { section, context, md, fitToLimits } from '@ecm/core/slack';
import path from 'node:path';
import type { Agent } from '@ecm/core/domain';
import type { SlackPost } from '@ecm/core/slack';
import { RunStore } from '../../phases/run-store.js';
import { openGatewayFor } from './gateway-call.js';
import type { TicketActionDeps } from './ticket-actions.js';

/** The report facts given to the model: enough for questions about the report, bounded in cost. */
const FACTS_MAX_CHARS = 12_000;
const ORDER_ID = /\b([A-Z]{2,}[-_][A-Za-z0-9][A-Za-z0-9_.:-]*)\b/;

export interface QuestionDeps extends TicketActionDeps {
  readonly domain: string;
  readonly env: NodeJS.ProcessEnv;
}

async function plain(text: string): Promise<SlackPost> {
  return { text, blocks: [section(md`${text}`)] };
}

/**
 * `@ecm <question>` in a report's thread: the field chat skill answers with that report's facts.
 * Without an LLM, or outside a report's thread, the answer says so and what works instead.
 */
export async function answerReportQuestion(
  d: QuestionDeps,
  agent: Agent,
  threadTs: string | undefined,
  question: string,
): Promise<SlackPost> {
  const run = threadTs ? await new RunStore(d.state).runOfPost(threadTs) : null;
  if (!run)
    return plain(
      'I answer questions in the thread of one of our reports, where I know its facts. Here, mention me with an order id (ORD-…) and I answer with its diagnosis.',
    );
  const agentRuntime = await import('@ecm/agent');
  const credentials = agentRuntime.readCredentials(d.env);
  if (!credentials.ok)
    return plain(
      `Sorry, I cannot answer questions in words here yet: no language model is configured (${credentials.reason}). An order id (ORD-…) still gets its diagnosis.`,
    );
  const sharedDir = d.config.sharedDir;
  const skills = agentRuntime.loadSkills(path.join(sharedDir, agentRuntime.SKILLS_DIR)).filter((k) => k.role === 'field');
  const names = new Set(skills.map((k) => k.name));
  const orderId = ORDER_ID.exec(question)?.[1];
  const skill = orderId && names.has('order-details') ? 'order-details' : names.has('my-tickets') ? 'my-tickets' : [...names][0];
  if (!skill) return plain('Sorry, no field skill is configured to answer questions.');
  const facts = JSON.stringify(run.facts ?? {});
  const gateway = await openGatewayFor(d, agent);
  try {
    const runtime = agentRuntime.createAgentRuntime({
      domain: d.domain,
      llm: agentRuntime.loadLlmConfig(sharedDir),
      skills,
      guardrails: agentRuntime.loadGuardrails(sharedDir),
      db: d.state,
      mcp: gateway.client,
      // The credentials this app was given (the same the check above read), not whatever the process has.
      env: d.env,
    });
    const input = [
      `Agent: ${agent.name} <${agent.email}>, team ${agent.team}, role ${agent.role}.`,
      `Now: ${d.now().toISOString()}.`,
      `The question was asked in the Slack thread of the ${run.phase} report as of ${run.asOf.toISOString()}. Its facts (JSON${facts.length > FACTS_MAX_CHARS ? ', cut' : ''}): ${facts.slice(0, FACTS_MAX_CHARS)}`,
      `Question: ${question}`,
    ].join('\n');
    const result = await runtime.runSkill({ skill, input, ...(orderId ? { subject: orderId } : {}) });
    if (result.text === null)
      return plain(`Sorry, no answer this time (${result.skill}: ${result.outcome}). Mention me with an order id for its diagnosis.`);
    // The model's words are data: escaped, broadcasts neutralised, lines with contact details left out.
    const safe = llmLinesAsMrkdwn(result.text.split('\n'));
    const body = safe.lines.length ? safe.lines.join('\n') : md`_The answer held only contact details, which are never posted._`;
    const foot = md`${result.skill}, ${result.turns} turn${result.turns === 1 ? '' : 's'}${safe.dropped ? `, ${safe.dropped} lines with contact details left out` : ''}`;
    const fitted = fitToLimits({ title: 'Answer', text: 'Answer', blocks: [section(body), context(foot)], thread: [] });
    return { text: 'Answer to your question', blocks: fitted.blocks };
  } finally {
    await gateway.close();
  }
}
