import type { Priority, TriagedOrder } from '@ecm/core/domain';
import { loadValidConfig, openConfiguredWarehouse, parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { withTicketStore } from './with-state.js';
import { renderStuckCsv, renderStuckTable } from '../render/stuck-view.js';

export interface StuckOptions {
  asOf?: string;
  team?: string;
  reason?: string;
  priority?: string;
  currency?: string;
  all?: boolean;
  json?: boolean;
  csv?: boolean;
  limit?: string;
}

/** `ecm-manager stuck`: what is stuck and why, from the one triage engine. */
export async function stuckCommand(options: StuckOptions): Promise<number> {
  if (options.json && options.csv) throw new CliError('choose one of --json and --csv', EXIT.config);
  const config = await loadValidConfig();
  const asOf = parseAsOf(options.asOf);
  const [{ TEAMS, multipliersAt, runTriage, stuckOrderRecordOf }, { warehouseSource }] = await Promise.all([
    import('@ecm/core/domain'),
    import('@ecm/core/warehouse'),
  ]);
  warehouseSource(process.env); // a production configuration without a warehouse stops here (exit 3)
  if (options.team && !(TEAMS as readonly string[]).includes(options.team))
    throw new CliError(`--team ${options.team}: expected one of ${TEAMS.join(', ')}`, EXIT.config);
  if (options.reason && !config.reasons.has(options.reason)) {
    throw new CliError(
      `--reason ${options.reason} is not a stuck reason; see shared/stuck-reasons.yaml (${[...config.reasons.keys()].slice(0, 4).join(', ')}, …)`,
      EXIT.config,
    );
  }
  const priority = options.priority?.toUpperCase();
  if (priority && !['P1', 'P2', 'P3', 'P4'].includes(priority))
    throw new CliError(`--priority ${options.priority}: expected P1, P2, P3 or P4`, EXIT.config);
  const limit = options.limit === undefined ? Infinity : Number(options.limit);
  if (!(limit > 0)) throw new CliError(`--limit ${options.limit}: expected a positive number`, EXIT.config);

  // One lock for both embedded stores: the demo warehouse, too, admits one process at a time.
  return withTicketStore(
    'stuck',
    async (tickets) => {
      // The learned multipliers at T, as the daily run scores: `stuck` shows the tickets' priorities.
      const multipliers = await multipliersAt(config, tickets, asOf);
      const warehouse = await openConfiguredWarehouse(config);
      try {
        const result = await runTriage(warehouse, config, { asOf, multipliers });
        const shown = result.orders
          .filter((o: TriagedOrder) => options.all || o.actionable)
          .filter((o) => !options.team || o.team === options.team)
          .filter((o) => !options.reason || o.stuck_reason === options.reason)
          .filter((o) => !priority || o.priority === (priority as Priority))
          .filter((o) => !options.currency || o.currency === options.currency.toUpperCase())
          .slice(0, limit);
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ as_of: result.as_of, orders: shown.map(stuckOrderRecordOf), quarantined: result.quarantined, summary: result.summary })}\n`,
          );
        } else if (options.csv) {
          process.stdout.write(`${renderStuckCsv(shown)}\n`);
        } else {
          process.stdout.write(`${renderStuckTable(result, shown, Boolean(options.all))}\n`);
        }
        return EXIT.ok;
      } finally {
        await warehouse.close();
      }
    },
    { alsoWarehouse: true },
  );
}
