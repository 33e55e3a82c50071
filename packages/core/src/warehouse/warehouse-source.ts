import { CliError, EXIT } from '../cli/cli-support.js';

/**
 * Which warehouse this process reads, decided in one place: a configured ECM_WAREHOUSE_URL, or the
 * embedded demo warehouse with synthetic data. The demo is a choice, never a fallback for a
 * half-filled production configuration: real reports built from synthetic figures are worse than none.
 */
export type WarehouseSource =
  | { readonly kind: 'url'; readonly url: string; readonly demo: false }
  | { readonly kind: 'demo'; readonly demo: true; readonly why: 'ECM_DEMO' | 'nothing configured' };

/** Variables that say "this is production"; any of them set without ECM_WAREHOUSE_URL stops the demo. */
export function productionSignals(env: NodeJS.ProcessEnv = process.env): string[] {
  const signals: string[] = [];
  if (env.SLACK_BOT_TOKEN?.trim()) signals.push('SLACK_BOT_TOKEN');
  if (env.ECM_STATE_URL?.trim()) signals.push('ECM_STATE_URL');
  if (env.ECM_TICKETS?.trim().toLowerCase() === 'sheets') signals.push('ECM_TICKETS=sheets');
  return signals;
}

const demoChosen = (env: NodeJS.ProcessEnv) => ['1', 'true', 'yes'].includes((env.ECM_DEMO ?? '').trim().toLowerCase());

/** The warehouse's source, or a CliError (exit 3) naming the missing variable when the configuration points at production. */
export function warehouseSource(env: NodeJS.ProcessEnv = process.env): WarehouseSource {
  const url = env.ECM_WAREHOUSE_URL?.trim();
  if (url) return { kind: 'url', url, demo: false };
  if (demoChosen(env)) return { kind: 'demo', demo: true, why: 'ECM_DEMO' };
  const signals = productionSignals(env);
  if (signals.length) {
    throw new CliError(
      `ECM_WAREHOUSE_URL is not set, but ${signals.join(', ')} ${signals.length === 1 ? 'is' : 'are'} (a production configuration): ` +
        'set it, or ECM_DEMO=1 to use the demo warehouse with synthetic data',
      EXIT.config,
    );
  }
  return { kind: 'demo', demo: true, why: 'nothing configured' };
}

/** Whether this process works on demo data (throws like warehouseSource when the configuration is half production). */
export const isDemo = (env: NodeJS.ProcessEnv = process.env): boolean => warehouseSource(env).demo;

/** The title marking for anything built from demo data. */
export const DEMO_MARK = '[DEMO]';

export function demoTitle(title: string): string {
  return title.startsWith(DEMO_MARK) ? title : `${DEMO_MARK} ${title}`;
}
