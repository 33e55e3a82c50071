import type { EcmConfig } from '../config/load-config.js';
import type { TicketStore } from '../tickets/ticket-store.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { learnFromResolutions, multipliersOf, type ReasonLearning } from './learned-multipliers.js';
import { runTriage, triageOrder, type TriagedOrder, type TriageResult } from './run-triage.js';

/** Where resolutions come from; any ticket store fits. */
export type ResolutionSource = Pick<TicketStore, 'listResolutions' | 'listClassificationCorrections'>;

/**
 * §13 learning as it stood at T: the resolutions and classification corrections of the learning window
 * that were recorded by T.
 * The manager, the gateway and the field all ask this function, so a ticket's priority, the
 * gateway's answer and the field's order view use the same multipliers.
 */
export async function learningAt(config: EcmConfig, tickets: ResolutionSource, asOf: Date): Promise<ReasonLearning[]> {
  const since = new Date(asOf.getTime() - config.settings.learning.window_days * 86_400_000);
  const resolutions = await tickets.listResolutions(since);
  const corrections = tickets.listClassificationCorrections ? await tickets.listClassificationCorrections(since) : [];
  return learnFromResolutions(
    config.settings.learning,
    resolutions.filter((r) => new Date(r.resolved_at) <= asOf),
    corrections.filter((c) => new Date(c.corrected_at) <= asOf),
  );
}

/** The learned severity multipliers at T; none (every reason 1) without a ticket store. */
export async function multipliersAt(config: EcmConfig, tickets: ResolutionSource | null, asOf: Date): Promise<Record<string, number>> {
  return tickets ? multipliersOf(await learningAt(config, tickets, asOf)) : {};
}

/** The full triage at T with the learned multipliers: the one score and priority every program shows. */
export async function triageWithLearning(
  warehouse: Warehouse,
  config: EcmConfig,
  tickets: ResolutionSource | null,
  asOf: Date,
): Promise<TriageResult> {
  return runTriage(warehouse, config, { asOf, multipliers: await multipliersAt(config, tickets, asOf) });
}

/** One order's triage at T with the learned multipliers (null when it is not a candidate). */
export async function triageOrderWithLearning(
  warehouse: Warehouse,
  config: EcmConfig,
  tickets: ResolutionSource | null,
  orderId: string,
  asOf: Date,
): Promise<TriagedOrder | null> {
  return triageOrder(warehouse, config, orderId, { asOf, multipliers: await multipliersAt(config, tickets, asOf) });
}
