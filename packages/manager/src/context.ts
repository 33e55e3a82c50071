export { describeError, loadValidConfig, notice, parseAsOf } from '@ecm/core/cli-kit';
import type { EcmConfig } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import { notice } from '@ecm/core/cli-kit';
import { progressBar } from './progress.js';

/** The warehouse, with a progress bar while the demo warehouse is seeded. */
export async function openConfiguredWarehouse(config: EcmConfig): Promise<Warehouse> {
  const { openWarehouseStore } = await import('@ecm/core/stores');
  const bar = progressBar('Seeding the demo warehouse');
  try {
    return await openWarehouseStore(config, { onNotice: notice, onSeedProgress: (p) => bar.update(p.ordersDone, p.ordersTotal) });
  } finally {
    bar.done();
  }
}

/** The state store; with the configuration, under its `timeouts:`. */
export async function openConfiguredState(config?: EcmConfig): Promise<StateDb> {
  const { openStateStore } = await import('@ecm/core/stores');
  return openStateStore(config);
}
