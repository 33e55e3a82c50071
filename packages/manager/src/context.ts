export { describeError, loadValidConfig, notice, parseAsOf } from '@ecm/core';
import type { EcmConfig, StateDb, Warehouse } from '@ecm/core';
import { notice } from '@ecm/core';
import { progressBar } from './progress.js';

/** The warehouse, with a progress bar while the demo warehouse is seeded. */
export async function openConfiguredWarehouse(config: EcmConfig): Promise<Warehouse> {
  const { openWarehouseStore } = await import('@ecm/core');
  const bar = progressBar('Seeding the demo warehouse');
  try {
    return await openWarehouseStore(config, { onNotice: notice, onSeedProgress: (p) => bar.update(p.ordersDone, p.ordersTotal) });
  } finally {
    bar.done();
  }
}

/** The state store; with the configuration, under its `timeouts:`. */
export async function openConfiguredState(config?: EcmConfig): Promise<StateDb> {
  const { openStateStore } = await import('@ecm/core');
  return openStateStore(config);
}
