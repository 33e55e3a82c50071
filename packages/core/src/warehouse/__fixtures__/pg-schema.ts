import { PgWarehouse } from '../pg-warehouse.js';

export interface PgSchema {
  readonly name: string;
  /** A warehouse whose every connection has search_path set to this schema only. */
  readonly warehouse: PgWarehouse;
  /** The URL of those connections (search_path set to this schema). */
  readonly url: string;
  /** Closes the warehouse and drops the schema with everything in it. */
  drop(): Promise<void>;
}

/** A fresh, uniquely named schema in the test PostgreSQL at `baseUrl`, so test files never share tables. */
export async function createPgSchema(baseUrl: string, prefix: string): Promise<PgSchema> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new PgWarehouse(baseUrl, { max: 1 });
  await admin.query(`CREATE SCHEMA ${name}`);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  const warehouse = new PgWarehouse(url.toString());
  return {
    name,
    warehouse,
    url: url.toString(),
    async drop() {
      await warehouse.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await admin.close();
    },
  };
}
