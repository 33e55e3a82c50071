import type { PhaseName } from '../phases/phase.js';
import { notice, parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { renderBlocksAsText } from '@ecm/core/slack';
import { summaryLine } from './phase-exit.js';
import { errorText } from '@ecm/core/text';

export interface PhaseCommandOptions {
  asOf?: string;
  json?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

/** `daily`, `backlog`, `triage`, `patterns`: run phases, print what happened, exit with its meaning. */
export function phaseCommand(command: string, phases: readonly PhaseName[]) {
  return async (options: PhaseCommandOptions): Promise<number> => {
    const { runPhases } = await import('../phases/run-phases.js');
    const { startTracing } = await import('@ecm/agent/tracing');
    const asOf = parseAsOf(options.asOf);
    const out = options.json ? process.stderr : process.stdout;
    const tracing = await startTracing({ serviceName: 'ecm-manager' }).catch((err: unknown) => {
      throw new CliError(errorText(err), EXIT.config);
    });
    let run: Awaited<ReturnType<typeof runPhases>>;
    try {
      run = await runPhases({ command, phases, asOf, dryRun: Boolean(options.dryRun), force: Boolean(options.force), out });
    } finally {
      // A batch process exits right after: buffered spans go out first.
      await tracing.shutdown().catch((err: unknown) => notice(`traces not exported: ${errorText(err)}`));
    }
    const { outcomes, exitCode } = run;
    if (options.dryRun && !options.json) {
      for (const o of outcomes) {
        for (const m of o.messages) {
          process.stdout.write(`\n${renderBlocksAsText(m.blocks).join('\n')}\n`);
          for (const reply of m.thread)
            process.stdout.write(
              `${renderBlocksAsText(reply.blocks)
                .map((l) => `    ${l}`)
                .join('\n')}\n`,
            );
        }
      }
    }
    if (options.json) {
      const phasesJson = outcomes.map((o) => ({
        phase: o.phase,
        status: o.status,
        run_key: o.run_key,
        ...(o.error ? { error: o.error } : {}),
        ms: o.ms,
        messages: o.messages.map((m) => ({
          title: m.title,
          text: m.text,
          blocks: m.blocks,
          thread: m.thread.map((t) => ({ text: t.text, blocks: t.blocks })),
        })),
        facts: o.facts,
      }));
      process.stdout.write(`${JSON.stringify({ as_of: asOf.toISOString(), phases: phasesJson })}\n`);
    }
    for (const o of outcomes) notice(summaryLine(o));
    return exitCode;
  };
}
