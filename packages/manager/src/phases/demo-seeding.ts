import type { EcmConfig, TicketStore } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import { notice } from '../context.js';

/**
 * The quickstart is the demo: its embedded store gets the fictional agents when it has none; a real
 * store (ECM_STATE_URL, the sheet) never does, nor does a dry run.
 */
export async function seedDemoAgentsIfEmpty(args: {
  config: EcmConfig;
  state: StateDb;
  tickets: TicketStore;
  demo: boolean;
  dryRun: boolean;
}): Promise<void> {
  const { config, state, tickets } = args;
  if (args.dryRun || !args.demo || process.env.ECM_STATE_URL || tickets.kind !== 'local') return;
  if ((await tickets.listAgents()).length > 0) return;
  const { seedDemoAgents } = await import('../commands/demo.js');
  notice(
    `No agents in the ticket store: added the ${await seedDemoAgents(config, state)} fictional demo agents (manage real ones with ecm-manager agents).`,
  );
}
