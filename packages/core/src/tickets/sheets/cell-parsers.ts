import { z } from 'zod';
import { TEAMS, type Team } from '../../config/schema.js';

/** Why one cell cannot be understood; the row it is in is reported and skipped. */
export class CellError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CellError';
  }
}

const shown = (raw: string) => (raw.length > 40 ? `"${raw.slice(0, 40)}…"` : `"${raw}"`);

/** Text a person typed, without stray spaces around it; blank is an error for required fields. */
export function requiredText(raw: string, header: string): string {
  const text = raw.trim();
  if (text === '') throw new CellError(`${header} is blank`);
  return text;
}

/** Blank reads as null. */
export const optionalText = (raw: string): string | null => (raw.trim() === '' ? null : raw.trim());

/** A code such as a status: case, surrounding spaces, and spaces or hyphens for underscores are forgiven ("in progress" → IN_PROGRESS). */
export function code<const T extends string>(raw: string, allowed: readonly T[], header: string): T {
  const normalized = raw
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  const found = allowed.find((a) => a === normalized);
  if (!found) throw new CellError(`${header} ${shown(raw.trim())} is not one of ${allowed.join(', ')}`);
  return found;
}

/** A number as typed or formatted: thousands separators and spaces are ignored. */
export function numberCell(raw: string, header: string): number {
  const text = raw.trim().replace(/[,\s]/g, '');
  const n = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(n)) throw new CellError(`${header} ${shown(raw.trim())} is not a number`);
  return n;
}

export function wholeNumber(raw: string, header: string): number {
  const n = numberCell(raw, header);
  if (!Number.isInteger(n) || n < 0) throw new CellError(`${header} ${shown(raw.trim())} is not a whole number`);
  return n;
}

// ISO 8601 as the product writes it, or a date and time typed without a zone (read as UTC, like the rest of the tab).
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** A timestamp, as an ISO string in UTC. */
export function timestamp(raw: string, header: string): string {
  const text = raw.trim();
  if (text === '') throw new CellError(`${header} is blank`);
  const m = TIMESTAMP.exec(text);
  if (!m) throw new CellError(`${header} ${shown(text)} is not a date and time such as 2026-02-17T07:00:00Z`);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = frac ? frac.slice(0, 4).padEnd(4, '0') : '';
  // Date would roll 2026-02-30 over to March 2: check the fields first.
  const daysInMonth = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  if (
    Number(mo) < 1 ||
    Number(mo) > 12 ||
    Number(d) < 1 ||
    Number(d) > daysInMonth ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw new CellError(`${header} ${shown(text)} is not a valid date and time`);
  }
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${offset}`);
  if (Number.isNaN(date.getTime())) throw new CellError(`${header} ${shown(text)} is not a valid date and time`);
  return date.toISOString();
}

export const optionalTimestamp = (raw: string, header: string): string | null => (raw.trim() === '' ? null : timestamp(raw, header));

/** TRUE/true/yes/1 and FALSE/false/no/0; a blank cell means `blank`. */
export function flag(raw: string, header: string, blank: boolean): boolean {
  const text = raw.trim().toLowerCase();
  if (text === '') return blank;
  if (['true', 'yes', 'y', '1'].includes(text)) return true;
  if (['false', 'no', 'n', '0'].includes(text)) return false;
  throw new CellError(`${header} ${shown(raw.trim())} is not TRUE or FALSE`);
}

/** An e-mail address, lower-cased. */
export function email(raw: string, header: string): string {
  const text = raw.trim().toLowerCase();
  if (!z.email().safeParse(text).success) throw new CellError(`${header} ${shown(raw.trim())} is not an e-mail address`);
  return text;
}

/** A team name in any case ("kyc_ops" → KYC_ops). */
export function team(raw: string, header: string): Team {
  const found = TEAMS.find((t) => t.toLowerCase() === raw.trim().toLowerCase());
  if (!found) throw new CellError(`${header} ${shown(raw.trim())} is not one of ${TEAMS.join(', ')}`);
  return found;
}
