import { EXIT } from '../exit-codes.js';
import { textTable, type Column } from '../render/text-table.js';

/**
 * A listing command's answer: `{ [key]: rows }` with --json; otherwise `empty` when there is nothing
 * to list, else the table and an optional footer line.
 */
export function printListing<T>(listing: {
  readonly key: string;
  readonly rows: readonly T[];
  readonly json: boolean | undefined;
  readonly empty: string;
  readonly columns: readonly Column<T>[];
  readonly footer?: string;
}): number {
  if (listing.json) process.stdout.write(`${JSON.stringify({ [listing.key]: listing.rows })}\n`);
  else if (listing.rows.length === 0) process.stdout.write(`${listing.empty}\n`);
  else process.stdout.write(`${textTable(listing.columns, listing.rows)}\n${listing.footer === undefined ? '' : `${listing.footer}\n`}`);
  return EXIT.ok;
}
