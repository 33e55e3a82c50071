import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../warehouse/warehouse.js';
import {
  TABLE_COLUMNS,
  generateDemo,
  type DemoManifest,
  type DemoOptions,
  type DemoProgress,
  type RowBatch,
  type TableName,
} from './generate-demo.js';

/** The demo DDL (shared/demo/warehouse.sql) as single statements. */
export function warehouseDdl(sharedDir: string): string[] {
  const sql = readFileSync(path.join(sharedDir, 'demo', 'warehouse.sql'), 'utf8');
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

function insertSql(table: TableName): string {
  const cols = TABLE_COLUMNS[table];
  const names = cols.map(([name]) => name).join(', ');
  const arrays = cols.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  return `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`;
}

async function insertBatch(warehouse: Warehouse, batch: RowBatch): Promise<void> {
  const width = TABLE_COLUMNS[batch.table].length;
  const columns: unknown[][] = Array.from({ length: width }, () => new Array<unknown>(batch.rows.length));
  batch.rows.forEach((row, r) => {
    for (let c = 0; c < width; c++) columns[c]![r] = row[c] ?? null;
  });
  await warehouse.query(insertSql(batch.table), columns);
}

export class WarehouseNotEmptyError extends Error {
  constructor(label: string, orders: number) {
    super(`${label} already holds ${orders} orders; refusing to seed over them (pass --replace to empty the ECM tables first)`);
    this.name = 'WarehouseNotEmptyError';
  }
}

export interface SeedOptions extends DemoOptions {
  readonly sharedDir: string;
  /** Empty the ECM tables first (never done implicitly: the URL might point at real data). */
  readonly replace?: boolean;
  readonly onProgress?: (progress: DemoProgress) => void;
}

/** Creates the §2 tables if needed and fills them with the deterministic demo data. */
export async function seedWarehouse(warehouse: Warehouse, options: SeedOptions): Promise<DemoManifest> {
  for (const statement of warehouseDdl(options.sharedDir)) await warehouse.query(statement);
  const [existing] = await warehouse.query('SELECT COUNT(*) AS n FROM orders_goms');
  const count = Number(existing?.n ?? 0);
  if (count > 0) {
    if (!options.replace) throw new WarehouseNotEmptyError(warehouse.label, count);
    await warehouse.query(`TRUNCATE ${Object.keys(TABLE_COLUMNS).join(', ')}`);
  }
  const manifest = { expected: new Map<string, string>(), customers: 0 };
  let orders = 0;
  for (const item of generateDemo(options, 5_000, manifest)) {
    if ('table' in item) await insertBatch(warehouse, item);
    else {
      orders = item.ordersDone;
      options.onProgress?.(item);
    }
  }
  await warehouse.query('ANALYZE');
  return { orders, customers: manifest.customers, expected: manifest.expected };
}
