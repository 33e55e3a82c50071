import { errorText } from '@ecm/core/text';
import type { EcmConfig } from '@ecm/core/domain';
import { timed, type Check } from './check.js';
import { openWarehouse, loadQuery, readDemoInfo, warehouseSource } from '@ecm/core/warehouse';
import { acquireFileLock, describeHolder, isEmbedded, RunLockedError } from '@ecm/core/stores';
import { parseWarehouseTime, runTriage } from '@ecm/core/domain';

export async function checkWarehouse(config: EcmConfig, asOf: Date, active: boolean): Promise<Check> {
  try {
    warehouseSource(process.env);
  } catch (err) {
    return { name: 'warehouse', level: 'down', detail: errorText(err) };
  }
  if (!process.env.ECM_WAREHOUSE_URL && !readDemoInfo())
    return { name: 'warehouse', level: 'not_configured', detail: 'no ECM_WAREHOUSE_URL and no demo warehouse yet (created on first run)' };
  // The embedded warehouse admits one process at a time: a running job holding it is "busy", which is healthy.
  let lock: { release(): Promise<void> } | null = null;
  try {
    if (isEmbedded('warehouse')) lock = acquireFileLock(describeHolder(active ? 'test' : 'health'));
  } catch (err) {
    if (err instanceof RunLockedError) return { name: 'warehouse', level: 'ok', detail: `busy: ${err.holder}` };
    return { name: 'warehouse', level: 'down', detail: errorText(err) };
  }
  try {
    const warehouse = await openWarehouse({ sharedDir: config.sharedDir });
    try {
      const { value: rows, ms } = await timed(() => warehouse.query(loadQuery(config.sharedDir, 'freshness')));
      const newest = rows[0]?.newest_update;
      if (typeof newest !== 'string')
        return { name: 'warehouse', level: 'degraded', detail: `${warehouse.label}: orders_goms is empty`, ms };
      const ageHours = (asOf.getTime() - parseWarehouseTime(newest).getTime()) / 3_600_000;
      const stale = ageHours > config.settings.data_freshness.warehouse_stale_hours;
      let detail = `${warehouse.label}: newest orders_goms update ${newest} (${ageHours.toFixed(1)} h old${stale ? `, older than ${config.settings.data_freshness.warehouse_stale_hours} h: the load may be stuck` : ''})`;
      if (active) {
        const triage = await timed(() => runTriage(warehouse, config, { asOf }));
        detail += `; candidate query ran in ${triage.ms} ms (${triage.value.summary.candidates} candidates)`;
      }
      return { name: 'warehouse', level: stale ? 'degraded' : 'ok', detail, ms };
    } finally {
      await warehouse.close();
    }
  } catch (err) {
    return { name: 'warehouse', level: 'down', detail: errorText(err) };
  } finally {
    await lock?.release();
  }
}
