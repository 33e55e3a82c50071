export { describeError, loadValidConfig, notice, parseAsOf } from '@ecm/core/cli-kit';
import type { EcmConfig } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import { CliError, describeError, notice } from '@ecm/core/cli-kit';
import { progressBar } from './progress.js';
import { openWarehouse, redactUrl } from '@ecm/core/warehouse';
import { warehouseTimeoutsOf, openStateDb, stateTimeoutsOf } from '@ecm/core/stores';

export async function openConfiguredWarehouse(config: EcmConfig): Promise<Warehouse> {
  const bar = progressBar('Seeding the demo warehouse');
  try {
    const warehouse = await openWarehouse({
      sharedDir: config.sharedDir,
      timeouts: warehouseTimeoutsOf(config.settings.timeouts),
      onNotice: notice,
      onSeedProgress: (p) => bar.update(p.ordersDone, p.ordersTotal),
    });
    bar.done();
    return warehouse;
  } catch (err) {
    bar.done();
    if (err instanceof CliError) throw err; // e.g. a production configuration without a warehouse (exit 3)
    const where = process.env.ECM_WAREHOUSE_URL ? redactUrl(process.env.ECM_WAREHOUSE_URL) : 'the embedded demo warehouse';
    throw new CliError(`cannot open the warehouse (${where}): ${describeError(err)}`);
  }
}

/** The state store; with the configuration, under its `timeouts:`. */
export async function openConfiguredState(config?: EcmConfig): Promise<StateDb> {
  try {
    return await openStateDb(config ? { timeouts: stateTimeoutsOf(config.settings.timeouts) } : {});
  } catch (err) {
    if (err instanceof CliError) throw err;
    const where = process.env.ECM_STATE_URL ? redactUrl(process.env.ECM_STATE_URL) : 'the embedded state store';
    throw new CliError(`cannot open the state store (${where}): ${describeError(err)}`);
  }
}
