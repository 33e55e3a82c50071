import type { Warehouse } from '../../warehouse/warehouse.js';
import { TABLE_COLUMNS, type TableName } from '../generate-demo.js';

export interface TableChecksum {
  readonly rows: number;
  readonly md5: string;
}

/**
 * Row count and an order-independent digest of every demo table, computed in the database from
 * each row's text form, so two warehouses holding the same data give the same checksums.
 * PostgreSQL/PGlite only (string_agg): a test helper, never sent to Redshift.
 */
export async function tableChecksums(warehouse: Warehouse): Promise<Record<TableName, TableChecksum>> {
  const out = {} as Record<TableName, TableChecksum>;
  for (const table of Object.keys(TABLE_COLUMNS) as TableName[]) {
    const [row] = await warehouse.query(
      `SELECT COUNT(*) AS n, md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C"), '')) AS digest FROM ${table} AS t`,
    );
    out[table] = { rows: Number(row?.n), md5: String(row?.digest) };
  }
  return out;
}
