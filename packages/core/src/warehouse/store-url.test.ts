import { describe, expect, it } from 'vitest';
import { EXIT } from '../cli/cli-support.js';
import { openStateDb } from '../state/state-db.js';
import { openWarehouse } from './open-warehouse.js';
import { checkStoreUrl, StoreUrlError } from './store-url.js';

describe('store URLs', () => {
  it('accepts postgres:// and postgresql:// (Redshift uses the same scheme)', () => {
    expect(() => checkStoreUrl('ECM_STATE_URL', 'postgres://ecm@state.example.com:5432/ecm')).not.toThrow();
    expect(() => checkStoreUrl('ECM_WAREHOUSE_URL', 'postgresql://reader@warehouse.example.com:5439/analytics')).not.toThrow();
  });

  it('rejects mysql:// for the state store, naming the variable and what is expected (exit 3)', async () => {
    const err = await openStateDb({ env: { ECM_STATE_URL: 'mysql://ecm:secret@example.com/ecm' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUrlError);
    expect((err as StoreUrlError).exitCode).toBe(EXIT.config);
    expect((err as Error).message).toMatch(/^ECM_STATE_URL has the scheme "mysql".*expected postgres:\/\//);
    expect((err as Error).message).not.toContain('secret');
  });

  it('rejects mysql:// and a non-URL for the warehouse, naming ECM_WAREHOUSE_URL', async () => {
    for (const url of ['mysql://reader@example.com/analytics', 'db.example.com:5439']) {
      const err = await openWarehouse({ env: { ECM_WAREHOUSE_URL: url }, sharedDir: '/nonexistent' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreUrlError);
      expect((err as Error).message).toMatch(/^ECM_WAREHOUSE_URL (has the scheme|is not a URL)/);
    }
  });
});
