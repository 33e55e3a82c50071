import type { PGlite } from '@electric-sql/pglite';
import type { Row, Warehouse } from './warehouse.js';

const asText = (value: string) => value;
/** Same text handover as the pg driver: int8, timestamp, timestamptz, numeric. */
export const PGLITE_PARSERS = { 20: asText, 1114: asText, 1184: asText, 1700: asText };

/** Opens an embedded PGlite database; `dataDir` undefined keeps it in memory. */
export async function openPglite(dataDir?: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = dataDir ? new PGlite(dataDir, { parsers: PGLITE_PARSERS }) : new PGlite({ parsers: PGLITE_PARSERS });
  await db.waitReady;
  return db;
}

/** The embedded demo warehouse (or any PGlite database) behind the Warehouse interface. */
export class PgliteWarehouse implements Warehouse {
  readonly kind = 'pglite' as const;
  #roundTrips = 0;

  constructor(
    readonly db: PGlite,
    readonly label: string,
  ) {}

  get roundTrips(): number {
    return this.#roundTrips;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.#roundTrips++;
    const result = await this.db.query<Row>(sql, params as unknown[]);
    return result.rows;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
