import { seedWarehouse } from '@ecm/core/demo';
import { defaultSharedDir } from '@ecm/core/domain';
import { PgWarehouse } from '@ecm/core/warehouse';
import type pg from 'pg';

/** `url` for connections that see only `schema` (their search_path). */
export const withSchema = (url: string, schema: string) =>
  `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

/** Recreates `schema` through `admin`, seeds it with 30 days of demo orders, and returns the URL that sees only it. */
export async function seededSchemaUrl(
  admin: pg.Client,
  base: string,
  schema: string,
  demo: { readonly seed: number; readonly orders: number; readonly asOf: Date },
): Promise<string> {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const url = withSchema(base, schema);
  const warehouse = new PgWarehouse(url);
  await seedWarehouse(warehouse, { sharedDir: defaultSharedDir(), ...demo, days: 30 });
  await warehouse.close();
  return url;
}
