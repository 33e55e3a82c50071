import type { WarehouseAccessSettings } from '@ecm/core/domain';

/**
 * The relations and columns warehouse_query may read (ecm.yaml `warehouse_access`, defaulting to the
 * business tables of the domain reference §2 without customers). Names compare in lower case, so
 * quoted and differently-cased spellings get the same answer.
 */
export class WarehouseAccess {
  readonly schemas: ReadonlySet<string>;
  readonly tables: ReadonlySet<string>;
  /** Table → its personal-data columns. */
  readonly piiColumns: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(settings: WarehouseAccessSettings) {
    this.schemas = new Set(settings.schemas.map((s) => s.toLowerCase()));
    const pii = new Map<string, Set<string>>();
    for (const [table, columns] of Object.entries(settings.pii_columns))
      pii.set(table.toLowerCase(), new Set(columns.map((c) => c.toLowerCase())));
    this.piiColumns = pii;
    this.tables = new Set(settings.tables.map((t) => t.toLowerCase()));
  }

  /** Whether the relation may be read at all: listed, and not qualified with another schema. */
  allowsTable(name: string, schema: string | null = null): boolean {
    if (schema !== null && !this.schemas.has(schema.toLowerCase())) return false;
    return this.tables.has(name.toLowerCase());
  }

  /** The personal-data columns of an allowed table (empty when it has none). */
  piiOf(table: string): ReadonlySet<string> {
    return this.piiColumns.get(table.toLowerCase()) ?? new Set();
  }

  /** The allowed tables, sorted. */
  get tableNames(): string[] {
    return [...this.tables].sort();
  }
}
