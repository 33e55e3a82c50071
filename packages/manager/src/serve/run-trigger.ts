import { errorText } from '@ecm/core/text';
import type { StateDb } from '@ecm/core/stores';
import type { Domain, TriggerRun } from '@ecm/agent';
import type { PhaseName } from '../phases/phase.js';

/** What an admitted trigger ended as, for the gate's finish(). */
export interface RunResult {
  readonly outcome: 'done' | 'failed' | 'refused';
  readonly detail: string;
}

export interface RunDeps {
  readonly sharedDir: string;
  readonly state: StateDb;
  /** Where the manager's run prints its outbox and notices. */
  readonly out: NodeJS.WritableStream;
  /** Model credentials (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL) for the domains' skills. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Runs what a domain's configuration says a trigger starts: the manager's phases (an ad-hoc run, one at
 * a time in this process, under the same run lock as the scheduled jobs) or one of the domain's skills.
 */
export function createTriggerRunner(deps: RunDeps) {
  let managerQueue: Promise<unknown> = Promise.resolve();

  async function runManagerPhases(phases: readonly PhaseName[], label: string): Promise<RunResult> {
    const { runPhases } = await import('../phases/run-phases.js');
    const { EXIT } = await import('../exit-codes.js');
    // `force`: an alert asks for a run now, even if this slot's scheduled run already happened.
    const run = await runPhases({ command: `serve ${label}`, phases, asOf: new Date(), dryRun: false, force: true, out: deps.out });
    const summary = run.outcomes
      .map((o) => `${o.phase} ${o.status}${o.run_key ? ` (${o.run_key})` : ''}${o.error ? `: ${o.error}` : ''}`)
      .join('; ');
    return { outcome: run.exitCode === EXIT.ok || run.exitCode === EXIT.partial ? 'done' : 'failed', detail: summary };
  }

  async function runDomainSkill(domain: Domain, skillName: string, input: Record<string, unknown>, label: string): Promise<RunResult> {
    const agent = await import('@ecm/agent');
    const llm = agent.loadLlmConfig(deps.sharedDir);
    // The domain's role models apply to skills that do not name their own.
    const skills = domain.skillList.map((s) =>
      s.model === undefined && domain.roles[s.role] ? { ...s, model: domain.roles[s.role]!.model } : s,
    );
    await agent.ensureAgentSchema(deps.state);
    const runtime = agent.createAgentRuntime({
      domain: domain.name,
      llm,
      skills,
      guardrails: agent.loadGuardrails(deps.sharedDir),
      db: deps.state,
      env: deps.env,
    });
    if (runtime.unavailable) return { outcome: 'failed', detail: `skill ${skillName} not run: ${runtime.unavailable}` };
    const execution = await runtime.runSkill({ skill: skillName, input: JSON.stringify(input), subject: label });
    if (execution.outcome === 'success' || execution.outcome === 'verifier_dropped')
      return { outcome: 'done', detail: `skill ${skillName}: execution ${execution.id}` };
    if (execution.outcome === 'budget_skipped')
      return { outcome: 'refused', detail: `skill ${skillName}: ${execution.detail ?? 'budget spent'}` };
    return { outcome: 'failed', detail: `skill ${skillName} (${execution.outcome}): ${execution.detail ?? ''}` };
  }

  return {
    async run(domain: Domain, what: TriggerRun, input: Record<string, unknown>, label: string): Promise<RunResult> {
      try {
        if ('phases' in what) {
          const next = managerQueue.then(() => runManagerPhases(what.phases, label));
          managerQueue = next.catch(() => undefined);
          return await next;
        }
        return await runDomainSkill(domain, what.skill, input, label);
      } catch (err) {
        return { outcome: 'failed', detail: errorText(err) };
      }
    },
  };
}
export type TriggerRunner = ReturnType<typeof createTriggerRunner>;
