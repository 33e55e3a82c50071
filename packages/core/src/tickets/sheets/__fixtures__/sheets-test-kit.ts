import type { Escalation, Resolution, Ticket } from '../../ticket-store.js';
import { openSheetsTicketStore, type OpenSheetsOptions } from '../open-sheets-ticket-store.js';
import type { RetryPolicy } from '../retry.js';
import type { SheetsTicketStore } from '../sheets-ticket-store.js';
import { createChannel, type SpreadsheetChannel } from '../write-queue.js';
import type { FakeSheets } from './fake-sheets-api.js';

export const T0 = new Date('2026-02-17T01:30:00.000Z');
export const minutesAfter = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();

/** A retry policy that does not wait, recording the waits it would have made. */
export function recordingRetry(options: Partial<Omit<RetryPolicy, 'sleep'>> = {}): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return { attempts: 6, baseMs: 100, capMs: 2_000, random: () => 0.5, ...options, sleep: async (ms) => void waits.push(ms), waits };
}

/** A channel of its own with no quota pacing: what a separate process would have. */
export const unpacedChannel = (): SpreadsheetChannel =>
  createChannel({ readsPerMinute: 1_000_000, writesPerMinute: 1_000_000 }, { now: () => Date.now(), sleep: async () => undefined });

export interface TestStoreOptions extends OpenSheetsOptions {
  readonly env?: NodeJS.ProcessEnv;
}

/** The Sheets backend on the fake, signed in with a bearer token unless `env` says otherwise. */
export function openTestStore(fake: FakeSheets, options: TestStoreOptions = {}): Promise<SheetsTicketStore> {
  const { env, ...rest } = options;
  return openSheetsTicketStore(
    {
      GOOGLE_SHEETS_SPREADSHEET_ID: fake.spreadsheetId,
      ECM_SHEETS_API_URL: fake.url,
      ...(env ?? { GOOGLE_OAUTH_ACCESS_TOKEN: 'test-token' }),
    },
    { channel: unpacedChannel(), retry: recordingRetry(), ...rest },
  );
}

export function ticket(orderId: string, extra: Partial<Ticket> = {}): Ticket {
  return {
    order_id: orderId,
    agent_email: 'asha.ops@example.com',
    assigned_at: T0.toISOString(),
    status: 'OPEN',
    priority: 'P2',
    currency: 'AED',
    amount: 5250.75,
    hours_stuck: 30.5,
    diagnosis: 'brn_issue',
    notes: 'Get the BRN for 5250.75 AED (CHECKOUT) and push it to Lulu',
    updated_at: T0.toISOString(),
    ...extra,
  };
}

export function resolution(t: Ticket, minutes: number, extra: Partial<Resolution> = {}): Resolution {
  return {
    resolved_at: minutesAfter(minutes),
    order_id: t.order_id,
    agent_email: t.agent_email,
    notes: 'BRN pushed; Lulu shows CREDITED',
    assigned_at: t.assigned_at,
    resolution_minutes: minutes,
    sla_target_minutes: 240,
    sla_status: minutes <= 240 ? 'MET' : 'MISSED',
    stuck_reason: t.diagnosis,
    amount: t.amount,
    currency: t.currency,
    diagnosis_match: 'CORRECT',
    action_followed: 'YES',
    resolution_type: 'AGENT_RESOLVED',
    ...extra,
  };
}

export function escalation(t: Ticket, minutes: number, extra: Partial<Escalation> = {}): Escalation {
  return {
    escalated_at: minutesAfter(minutes),
    order_id: t.order_id,
    escalated_by: t.agent_email,
    reason: 'No UTR from the partner after 48 h',
    order_status: 'PROCESSING_DEAL_IN',
    stuck_hours: t.hours_stuck,
    amount: t.amount,
    currency: t.currency,
    priority: t.priority,
    assigned_to: 'lead.ops@example.com',
    resolved_at: null,
    resolution_notes: null,
    ...extra,
  };
}

/** Rows of a tab whose first cell (Order ID in the product's layout) is `orderId`. */
export const rowsOf = (fake: FakeSheets, tab: string, orderId: string, column = 0) => fake.tab(tab).filter((r) => r[column] === orderId);
