import {
  reopenedEntry,
  TicketRuleError,
  type Agent,
  type DailyStatsRow,
  type Escalation,
  type PatternRow,
  type Resolution,
  type Ticket,
  type TicketFilter,
  type TicketHistoryEntry,
  type TicketStore,
} from '../ticket-store.js';
import { SheetLayoutError } from './sheets-error.js';
import type { RowEdit, SheetsSession } from './sheets-session.js';
import {
  agentCodec,
  dailyStatsCodec,
  escalationCodec,
  historyCodec,
  joinKey,
  parseTab,
  patternCodec,
  resolutionCodec,
  ticketCodec,
  type ParsedTab,
  type RecordCodec,
} from './tab-records.js';
import type { TabKey } from './tab-layout.js';
import type { SheetProblem, TabTable } from './tab-table.js';

/** Code-point order, as the local store's PostgreSQL "C" collation sorts. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface SheetsTicketStoreOptions {
  readonly label: string;
  /** Max Tickets of an agent whose cell is blank (§9: 10). */
  readonly defaultMaxTickets?: number;
  /** The service account the sheet must be shared with, when known. */
  readonly principal?: string | null;
}

interface LocatedTicket {
  readonly ticket: Ticket;
  readonly row: number;
}

/**
 * The ticket store in the "ECM Operations" Google Sheet (§9).
 *
 * A sheet has no transactions, so each change is ordered so that a crash half-way leaves a state the
 * next call completes: resolving appends the Resolutions row (keyed by order id + timestamp, never
 * appended twice) and then marks the ticket RESOLVED; a later call on that ticket that finds a
 * Resolutions row for its current assignment with the ticket still open finishes the job first.
 * Escalating appends the Escalations row, then marks the ticket ESCALATED; a retry finds its row.
 */
export class SheetsTicketStore implements TicketStore {
  readonly kind = 'sheets' as const;
  readonly label: string;
  readonly principal: string | null;
  readonly #defaultMax: number;
  readonly #problems = new Map<TabKey, SheetProblem[]>();

  constructor(
    readonly session: SheetsSession,
    options: SheetsTicketStoreOptions,
  ) {
    this.label = options.label;
    this.principal = options.principal ?? null;
    this.#defaultMax = options.defaultMaxTickets ?? 10;
  }

  /** Rows that could not be understood at the last read of each tab: reported, skipped, never rewritten. */
  problems(): SheetProblem[] {
    return [...this.#problems.values()].flat();
  }

  #parse<T>(table: TabTable, codec: RecordCodec<T>): ParsedTab<T> {
    const parsed = parseTab(table, codec);
    this.#problems.set(table.spec.key, parsed.problems);
    return parsed;
  }

  async #readParsed<T>(key: TabKey, codec: RecordCodec<T>): Promise<T[]> {
    return this.session.read(async () => {
      const tables = await this.session.readTabs([key]);
      return this.#parse(tables[key], codec).records.map((r) => r.record);
    });
  }

  // ---- Agents ----------------------------------------------------------------------------------

  async listAgents(): Promise<Agent[]> {
    const agents = await this.#readParsed('agents', agentCodec(this.#defaultMax));
    return agents.sort((a, b) => byText(a.team, b.team) || byText(a.email, b.email));
  }

  async upsertAgents(agents: readonly Agent[]): Promise<void> {
    if (agents.length === 0) return;
    const rows = agents.map((a) => ({ ...a, email: a.email.toLowerCase() }));
    const codec = agentCodec(this.#defaultMax);
    // Every column the codec writes but the key (the email) is rewritten.
    const updated = Object.keys(codec.cells(rows[0]!)).filter((column) => column !== 'email');
    await this.#upsert('agents', codec, rows, updated, (table, latest) => {
      if (!table.columns.has('role') && latest.some((a) => a.role === 'supervisor')) {
        throw new SheetLayoutError(`the "${table.title}" tab has no "Role" column, so it cannot record a supervisor; add the column`);
      }
    });
  }

  async setAgentActive(email: string, active: boolean): Promise<boolean> {
    const codec = agentCodec(this.#defaultMax);
    return this.session.write(async () => {
      const { agents: table } = await this.session.readTabs(['agents']);
      const parsed = this.#parse(table, codec);
      const key = joinKey(email.toLowerCase());
      const row = parsed.keyedRows.get(key);
      if (row === undefined) return false;
      if (!table.columns.has('active'))
        throw new SheetLayoutError(`the "${table.title}" tab has no "Active" column; add it to the header row`);
      await this.session.editRows([{ table, row, key, values: { active: active ? 'TRUE' : 'FALSE' } }]);
      return true;
    });
  }

  // ---- Tickets ---------------------------------------------------------------------------------

  async listTickets(filter: TicketFilter = {}): Promise<Ticket[]> {
    const agent = filter.agentEmail?.toLowerCase();
    const statuses = filter.statuses ? new Set<string>(filter.statuses) : null;
    const orders = filter.orderIds ? new Set(filter.orderIds) : null;
    const tickets = await this.#readParsed('assignments', ticketCodec);
    return tickets
      .filter(
        (t) =>
          (agent === undefined || t.agent_email === agent) && (!statuses || statuses.has(t.status)) && (!orders || orders.has(t.order_id)),
      )
      .sort((a, b) => byText(a.assigned_at, b.assigned_at) || byText(a.order_id, b.order_id));
  }

  async getTicket(orderId: string): Promise<Ticket | null> {
    return (await this.listTickets({ orderIds: [orderId] }))[0] ?? null;
  }

  async createTickets(tickets: readonly Ticket[]): Promise<{ created: string[]; skipped: string[] }> {
    if (tickets.length === 0) return { created: [], skipped: [] };
    // Orders that had a row before this call (taken from the first read, before anything was sent).
    const first: { present: Set<string> | null } = { present: null };
    await this.session.write(async () => {
      const { assignments: table } = await this.session.readTabs(['assignments']);
      this.session.requireWritable(table);
      // Every row with an Order ID counts, even one too damaged to read: an order never gets a second row.
      const present = new Set(this.#parse(table, ticketCodec).keyedRows.keys());
      first.present ??= new Set(present);
      const missing = uniqueBy(tickets, ticketCodec.key).filter((t) => !present.has(ticketCodec.key(t)));
      await this.session.appendRows(
        table,
        missing.map((t) => ticketCodec.cells(t)),
      );
    });
    const had = first.present ?? new Set<string>();
    const created: string[] = [];
    const skipped: string[] = [];
    const seen = new Set<string>();
    for (const t of tickets) {
      const key = ticketCodec.key(t);
      if (had.has(key) || seen.has(key)) skipped.push(t.order_id);
      else created.push(t.order_id);
      seen.add(key);
    }
    return { created, skipped };
  }

  /** The order's ticket and row; an unreadable row is a conflict (it is never rewritten), no row is not_found. */
  #locate(assignments: TabTable, orderId: string): LocatedTicket {
    const parsed = this.#parse(assignments, ticketCodec);
    const found = parsed.records.find((r) => r.record.order_id === orderId);
    if (found) return { ticket: found.record, row: found.row };
    const row = parsed.keyedRows.get(joinKey(orderId));
    if (row !== undefined) {
      const why = parsed.problems.find((p) => p.row === row)?.why ?? 'it cannot be read';
      throw new TicketRuleError(
        'conflict',
        `order ${orderId}: row ${row} of the ${assignments.title} tab cannot be read (${why}); fix the row by hand`,
      );
    }
    throw new TicketRuleError('not_found', `order ${orderId} has no ticket`);
  }

  #checkAssignee(ticket: Ticket, agentEmail: string): void {
    if (ticket.agent_email !== agentEmail.toLowerCase()) {
      throw new TicketRuleError(
        'not_assignee',
        `order ${ticket.order_id} is assigned to ${ticket.agent_email}, not to ${agentEmail}; only the assignee may change it`,
      );
    }
  }

  /** What a read returns for updated_at after writing `at` (a sheet without the column keeps Assigned At). */
  #updatedAt(assignments: TabTable, ticket: Ticket, at: string): string {
    return assignments.columns.has('updated_at') ? new Date(at).toISOString() : ticket.assigned_at;
  }

  /** The status change of a ticket, guarded: the re-read row must still be this order's, not resolved meanwhile. */
  #statusEdit(assignments: TabTable, located: LocatedTicket, status: Ticket['status'], at: string): RowEdit {
    return {
      table: assignments,
      row: located.row,
      key: ticketCodec.key(located.ticket),
      values: { status, updated_at: new Date(at).toISOString() },
      verify: (row) => {
        const now = parseTab({ ...assignments, rows: [row] }, ticketCodec).records[0]?.record;
        if (now?.status === 'RESOLVED' && status !== 'RESOLVED')
          throw new TicketRuleError('already_closed', `order ${located.ticket.order_id} was already resolved`);
      },
    };
  }

  /** Escalations of the order still open, closed with the resolution's time and notes. */
  #closeEscalations(escalations: TabTable, orderId: string, resolution: Resolution): RowEdit[] {
    return this.#parse(escalations, escalationCodec)
      .records.filter((e) => e.record.order_id === orderId && e.record.resolved_at === null)
      .map((e) => ({
        table: escalations,
        row: e.row,
        key: escalationCodec.key(e.record),
        values: { resolved_at: new Date(resolution.resolved_at).toISOString(), resolution_notes: resolution.notes },
      }));
  }

  /** A Resolutions row for the ticket's current assignment: the ticket is resolved, whatever its status cell says. */
  #recordedResolution(resolutions: TabTable, ticket: Ticket): Resolution | null {
    const mine = this.#parse(resolutions, resolutionCodec).records.filter(
      (r) => r.record.order_id === ticket.order_id && r.record.resolved_at >= ticket.assigned_at,
    );
    return mine[0]?.record ?? null;
  }

  /** Finishes a resolution that crashed between its Resolutions row and the status change; true when there was one. */
  async #finishInterruptedResolution(
    tables: { assignments: TabTable; resolutions: TabTable; escalations: TabTable },
    located: LocatedTicket,
  ): Promise<boolean> {
    if (located.ticket.status === 'RESOLVED') return false;
    const recorded = this.#recordedResolution(tables.resolutions, located.ticket);
    if (!recorded) return false;
    await this.session.editRows([
      this.#statusEdit(tables.assignments, located, 'RESOLVED', recorded.resolved_at),
      ...this.#closeEscalations(tables.escalations, located.ticket.order_id, recorded),
    ]);
    return true;
  }

  async setTicketStatus(orderId: string, agentEmail: string, status: 'OPEN' | 'IN_PROGRESS', at: Date): Promise<Ticket> {
    return this.#moveOpenTicket(orderId, agentEmail, status, at.toISOString());
  }

  /**
   * Moves the assignee's open ticket to `status` at `at`, safe to retry: `first` (the row a move
   * records, which a retry finds) runs before the status is sent, and a retry that finds the status
   * already set after it was sent is this call's own success.
   */
  async #moveOpenTicket(
    orderId: string,
    agentEmail: string,
    status: 'OPEN' | 'IN_PROGRESS' | 'ESCALATED',
    at: string,
    first?: (tables: Record<'escalations', TabTable>) => Promise<void>,
  ): Promise<Ticket> {
    let sent = false;
    return this.session.write(async () => {
      const tables = await this.session.readTabs(['assignments', 'resolutions', 'escalations']);
      const located = this.#locate(tables.assignments, orderId);
      const { ticket } = located;
      if (sent && ticket.status === status) return ticket;
      this.#checkAssignee(ticket, agentEmail);
      if (ticket.status === 'RESOLVED' || (await this.#finishInterruptedResolution(tables, located))) {
        throw new TicketRuleError('already_closed', `order ${orderId} was already resolved`);
      }
      await first?.(tables);
      sent = true;
      await this.session.editRows([this.#statusEdit(tables.assignments, located, status, at)]);
      return { ...ticket, status, updated_at: this.#updatedAt(tables.assignments, ticket, at) };
    });
  }

  async resolveTicket(resolution: Resolution, options: { byAutomation?: boolean } = {}): Promise<Ticket> {
    // Set once the status change has been sent: a retry that then finds the ticket resolved is this call's own success.
    let sent = false;
    return this.session.write(async () => {
      const tables = await this.session.readTabs(['assignments', 'resolutions', 'escalations']);
      const located = this.#locate(tables.assignments, resolution.order_id);
      const { ticket } = located;
      // An earlier attempt of this call sent the status change and only its answer was lost.
      if (sent && ticket.status === 'RESOLVED') return ticket;
      if (!options.byAutomation) this.#checkAssignee(ticket, resolution.agent_email);
      if (ticket.status === 'RESOLVED') throw new TicketRuleError('already_closed', `order ${resolution.order_id} was already resolved`);
      this.session.requireWritable(tables.resolutions);
      // Step 1: the Resolutions row, once: a retry reads it back. A row left by an interrupted earlier resolution is the record (the first one wins).
      const recorded = this.#recordedResolution(tables.resolutions, ticket);
      const damagedCopy = this.#parse(tables.resolutions, resolutionCodec).keyedRows.has(resolutionCodec.key(resolution));
      if (!recorded && !damagedCopy) await this.session.appendRows(tables.resolutions, [resolutionCodec.cells(resolution)]);
      const record = recorded ?? resolution;
      // Step 2: the status, and the order's open escalations, in one batchUpdate.
      sent = true;
      await this.session.editRows([
        this.#statusEdit(tables.assignments, located, 'RESOLVED', record.resolved_at),
        ...this.#closeEscalations(tables.escalations, ticket.order_id, record),
      ]);
      return { ...ticket, status: 'RESOLVED', updated_at: this.#updatedAt(tables.assignments, ticket, record.resolved_at) };
    });
  }

  async escalateTicket(escalation: Escalation): Promise<Ticket> {
    // Step 1: the Escalations row (a retry finds it by order id + timestamp); step 2: the status.
    return this.#moveOpenTicket(escalation.order_id, escalation.escalated_by, 'ESCALATED', escalation.escalated_at, async (tables) => {
      this.session.requireWritable(tables.escalations);
      const present = this.#parse(tables.escalations, escalationCodec).keyedRows.has(escalationCodec.key(escalation));
      if (!present) await this.session.appendRows(tables.escalations, [escalationCodec.cells(escalation)]);
    });
  }

  /** Appends the history row unless a retry already did (its key is order + timestamp + action). */
  async #appendHistory(history: TabTable, entry: TicketHistoryEntry): Promise<void> {
    this.session.requireWritable(history);
    if (!this.#parse(history, historyCodec).keyedRows.has(historyCodec.key(entry)))
      await this.session.appendRows(history, [historyCodec.cells(entry)]);
  }

  async reassignTicket(change: TicketHistoryEntry & { readonly action: 'REASSIGNED' }): Promise<Ticket> {
    const to = change.to_agent.toLowerCase();
    let sent = false;
    return this.session.write(async () => {
      const tables = await this.session.readTabs(['assignments', 'resolutions', 'escalations', 'agents', 'history']);
      const located = this.#locate(tables.assignments, change.order_id);
      const { ticket } = located;
      if (sent && ticket.agent_email === to) return ticket;
      const agent = this.#parse(tables.agents, agentCodec(this.#defaultMax)).records.find((r) => r.record.email === to)?.record;
      if (!agent) throw new TicketRuleError('unknown_agent', `${to} is not in the agent roster`);
      if (!agent.active) throw new TicketRuleError('inactive_agent', `${to} is inactive; activate them first or choose another agent`);
      if (ticket.status === 'RESOLVED' || (await this.#finishInterruptedResolution(tables, located))) {
        throw new TicketRuleError('already_closed', `order ${change.order_id} was already resolved`);
      }
      if (ticket.agent_email !== change.from_agent.toLowerCase()) {
        throw new TicketRuleError('conflict', `order ${change.order_id} is now held by ${ticket.agent_email}, not ${change.from_agent}`);
      }
      // Step 1: the history row (a retry finds it); step 2: the new assignee.
      await this.#appendHistory(tables.history, { ...change, from_agent: ticket.agent_email, to_agent: to });
      sent = true;
      const at = new Date(change.at).toISOString();
      await this.session.editRows([
        { table: tables.assignments, row: located.row, key: ticketCodec.key(ticket), values: { agent_email: to, updated_at: at } },
      ]);
      return { ...ticket, agent_email: to, updated_at: this.#updatedAt(tables.assignments, ticket, at) };
    });
  }

  async reopenTicket(orderId: string, agentEmail: string, at: Date, reason: string): Promise<Ticket> {
    const when = at.toISOString();
    let sent = false;
    return this.session.write(async () => {
      const tables = await this.session.readTabs(['assignments', 'resolutions', 'escalations', 'history']);
      const located = this.#locate(tables.assignments, orderId);
      const { ticket } = located;
      if (sent && ticket.status === 'OPEN') return ticket;
      this.#checkAssignee(ticket, agentEmail);
      // A resolution interrupted before its status change still counts as resolved.
      const resolved = ticket.status === 'RESOLVED' || this.#recordedResolution(tables.resolutions, ticket) !== null;
      const status = resolved ? 'RESOLVED' : ticket.status;
      await this.#appendHistory(tables.history, reopenedEntry(ticket, status, when, reason));
      sent = true;
      // A new SLA clock: the earlier Resolutions row then belongs to the previous assignment.
      await this.session.editRows([
        {
          table: tables.assignments,
          row: located.row,
          key: ticketCodec.key(ticket),
          values: { status: 'OPEN', assigned_at: when, updated_at: when },
        },
      ]);
      return { ...ticket, status: 'OPEN', assigned_at: when, updated_at: this.#updatedAt(tables.assignments, ticket, when) };
    });
  }

  async listTicketHistory(orderId?: string): Promise<TicketHistoryEntry[]> {
    const rows = await this.#readParsed('history', historyCodec);
    return rows
      .filter((h) => orderId === undefined || h.order_id === orderId)
      .sort((a, b) => byText(a.at, b.at) || byText(a.order_id, b.order_id) || byText(a.action, b.action));
  }

  // ---- Resolutions, escalations, patterns, daily stats -------------------------------------------

  async listResolutions(since: Date): Promise<Resolution[]> {
    const from = since.toISOString();
    const rows = await this.#readParsed('resolutions', resolutionCodec);
    return rows.filter((r) => r.resolved_at >= from).sort((a, b) => byText(a.resolved_at, b.resolved_at));
  }

  async listEscalations(since: Date): Promise<Escalation[]> {
    const from = since.toISOString();
    const rows = await this.#readParsed('escalations', escalationCodec);
    return rows.filter((e) => e.escalated_at >= from).sort((a, b) => byText(a.escalated_at, b.escalated_at));
  }

  async appendPatterns(rows: readonly PatternRow[]): Promise<void> {
    await this.#upsert('patterns', patternCodec, rows, [
      'stuck_reason',
      'order_count',
      'total_amount_aed',
      'avg_hours',
      'high_value_count',
      'critical_count',
      'delta',
      'recommendation',
    ]);
  }

  async listPatterns(date?: string): Promise<PatternRow[]> {
    const rows = await this.#readParsed('patterns', patternCodec);
    const order = (a: PatternRow, b: PatternRow) => b.order_count - a.order_count || byText(a.pattern_id, b.pattern_id);
    return date === undefined
      ? rows.sort((a, b) => byText(a.date, b.date) || order(a, b))
      : rows.filter((p) => p.date === date).sort(order);
  }

  async writeDailyStats(rows: readonly DailyStatsRow[]): Promise<void> {
    // The per-agent columns are rewritten only by writers that know them (as the local store keeps them otherwise).
    const perAgent =
      rows.length > 0 && rows.every((r) => r.assigned !== undefined && r.median_minutes !== undefined)
        ? ['assigned', 'median_minutes']
        : [];
    await this.#upsert('dailyStats', dailyStatsCodec, rows, ['resolved', 'avg_minutes', 'sla_met_pct', 'escalated', ...perAgent]);
  }

  /** The Daily Stats tab as the store reads it (the TicketStore interface only writes it). */
  async listDailyStats(date?: string): Promise<DailyStatsRow[]> {
    const rows = await this.#readParsed('dailyStats', dailyStatsCodec);
    return rows
      .filter((s) => date === undefined || s.date === date)
      .sort((a, b) => byText(a.date, b.date) || byText(a.agent_email, b.agent_email));
  }

  /**
   * Adds the rows whose key is new (one append) and rewrites the `updated` columns of the others (one
   * batchUpdate); `check` may refuse the tab first.
   */
  async #upsert<T>(
    tab: TabKey,
    codec: RecordCodec<T>,
    rows: readonly T[],
    updated: readonly string[],
    check?: (table: TabTable, latest: readonly T[]) => void,
  ): Promise<void> {
    if (rows.length === 0) return;
    const latest = [...new Map(rows.map((r) => [codec.key(r), r])).values()];
    await this.session.write(async () => {
      const tables = await this.session.readTabs([tab]);
      const table = tables[tab];
      this.session.requireWritable(table);
      check?.(table, latest);
      const parsed = this.#parse(table, codec);
      const edits: RowEdit[] = [];
      const added: T[] = [];
      for (const r of latest) {
        const key = codec.key(r);
        const row = parsed.keyedRows.get(key);
        const cells = codec.cells(r);
        if (row === undefined) added.push(r);
        else edits.push({ table, row, key, values: Object.fromEntries(updated.map((k) => [k, cells[k] ?? ''])) });
      }
      await this.session.editRows(edits);
      await this.session.appendRows(
        table,
        added.map((r) => codec.cells(r)),
      );
    });
  }

  /** Nothing to release: every call is a self-contained HTTP request. */
  async close(): Promise<void> {}
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
