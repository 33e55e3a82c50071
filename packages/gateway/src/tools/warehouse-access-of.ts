import { WarehouseAccess } from '../warehouse/warehouse-access.js';

/** One WarehouseAccess per configuration object: built once, not per call. */
const accessByConfig = new WeakMap<object, WarehouseAccess>();
export function accessOf(settings: { readonly warehouse_access: ConstructorParameters<typeof WarehouseAccess>[0] }): WarehouseAccess {
  let access = accessByConfig.get(settings);
  if (!access) {
    access = new WarehouseAccess(settings.warehouse_access);
    accessByConfig.set(settings, access);
  }
  return access;
}
