/**
 * Functions warehouse_query never runs, wherever they appear in the statement (select list, WHERE,
 * FROM fn(), a CTE, a subquery) and whatever schema qualifies them. They sleep, lock, reach outside
 * the database, read server files, write large objects or sequences, change settings, run SQL
 * given as text, or produce unbounded output. The read-only transaction and the warehouse role
 * stop most of these anyway; this list refuses them before anything is sent.
 */
const DENIED_NAMES: ReadonlySet<string> = new Set([
  // settings and session state
  'set_config',
  'setseed',
  // sequences
  'nextval',
  'setval',
  // notifications, backends, server administration
  'pg_notify',
  'pg_cancel_backend',
  'pg_terminate_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_promote',
  'pg_switch_wal',
  'pg_create_restore_point',
  'pg_start_backup',
  'pg_stop_backup',
  'pg_import_system_collations',
  'pg_log_backend_memory_contexts',
  'pg_export_snapshot',
  'pg_current_xact_id',
  'txid_current',
  'pg_stat_file',
  'pg_current_logfile',
  'pg_logdir_ls',
  'pg_prewarm',
  // index maintenance that writes
  'brin_summarize_new_values',
  'brin_summarize_range',
  'brin_desummarize_range',
  'gin_clean_pending_list',
  // large objects without the lo_ prefix
  'loread',
  'lowrite',
  // run SQL passed as text, or dump whole schemas
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'table_to_xml',
  'table_to_xmlschema',
  'table_to_xml_and_xmlschema',
  'schema_to_xml',
  'schema_to_xmlschema',
  'schema_to_xml_and_xmlschema',
  'database_to_xml',
  'database_to_xmlschema',
  'database_to_xml_and_xmlschema',
  // unbounded output from a tiny statement
  'repeat',
  'array_fill',
]);

const DENIED_PREFIXES: readonly string[] = [
  'pg_sleep', // pg_sleep, pg_sleep_for, pg_sleep_until
  'dblink', // dblink, dblink_exec, dblink_connect, …
  'lo_', // lo_import, lo_export, lo_create, lo_unlink, lo_put, …
  'pg_advisory', // pg_advisory_lock, pg_advisory_xact_lock, …
  'pg_try_advisory',
  'pg_read_', // pg_read_file, pg_read_binary_file
  'pg_ls_', // pg_ls_dir, pg_ls_logdir, pg_ls_waldir, …
  'pg_file_', // adminpack: pg_file_write, pg_file_unlink, …
  'pg_stat_reset',
  'pg_stat_statements_reset',
  'pg_replication_', // replication origins and slots
  'pg_create_', // replication slots
  'pg_drop_',
  'pg_copy_',
  'pg_logical_',
  'pg_wal_replay_',
  'pg_backup_',
  'pg_background',
  'http', // the pgsql-http extension: http_get, http_post, …
];

/** Why a function name is refused, or null when it may run. `name` is the unqualified name. */
export function deniedFunction(name: string): string | null {
  const n = name.toLowerCase();
  if (DENIED_NAMES.has(n)) return n;
  const prefix = DENIED_PREFIXES.find((p) => n.startsWith(p));
  return prefix ? `${prefix}*` : null;
}
