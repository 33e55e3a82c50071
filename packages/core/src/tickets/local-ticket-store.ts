import { z } from 'zod';
import { teamSchema, TICKET_STATUSES } from '../config/schema.js';
import type { StateDb, StateQueryable } from '../state/state-db.js';
import type { Row } from '../warehouse/warehouse.js';
import { listClassificationCorrections, type ClassificationCorrection } from '../triage/classification-corrections.js';
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
  HISTORY_ACTIONS,
} from './ticket-store.js';

const iso = z.union([z.string(), z.date()]).transform((v) => new Date(v).toISOString());
const num = z.union([z.string(), z.number()]).transform(Number);

const agentRow = z.object({
  email: z.string(),
  name: z.string(),
  team: teamSchema,
  slack_handle: z.string().nullable(),
  active: z.boolean(),
  max_tickets: num,
  role: z.enum(['agent', 'supervisor']),
});
const ticketRow = z.object({
  order_id: z.string(),
  agent_email: z.string(),
  assigned_at: iso,
  status: z.enum(TICKET_STATUSES),
  priority: z.enum(['P1', 'P2', 'P3', 'P4']),
  currency: z.string(),
  amount: num,
  hours_stuck: num,
  diagnosis: z.string(),
  notes: z.string(),
  updated_at: iso,
});
const resolutionRow = z.object({
  resolved_at: iso,
  order_id: z.string(),
  agent_email: z.string(),
  notes: z.string(),
  assigned_at: iso,
  resolution_minutes: num,
  sla_target_minutes: num,
  sla_status: z.enum(['MET', 'MISSED']),
  stuck_reason: z.string(),
  amount: num,
  currency: z.string(),
  diagnosis_match: z.enum(['CORRECT', 'PARTIAL', 'WRONG']),
  action_followed: z.enum(['YES', 'MODIFIED', 'IGNORED']),
  resolution_type: z.enum(['AGENT_RESOLVED', 'SELF_HEALED', 'ESCALATED_RESOLVED', 'FALSE_POSITIVE']),
});
const escalationRow = z.object({
  escalated_at: iso,
  order_id: z.string(),
  escalated_by: z.string(),
  reason: z.string(),
  order_status: z.string(),
  stuck_hours: num,
  amount: num,
  currency: z.string(),
  priority: z.enum(['P1', 'P2', 'P3', 'P4']),
  assigned_to: z.string(),
  resolved_at: iso.nullable(),
  resolution_notes: z.string().nullable(),
});
const patternRow = z.object({
  date: z.string(),
  pattern_id: z.string(),
  stuck_reason: z.string(),
  currency: z.string(),
  signature: z.string(),
  order_count: num,
  total_amount_aed: num,
  avg_hours: num,
  high_value_count: num,
  critical_count: num,
  delta: z.string(),
  recommendation: z.string(),
});

const historyRow = z
  .object({
    at: iso,
    order_id: z.string(),
    action: z.enum(HISTORY_ACTIONS),
    from_agent: z.string(),
    to_agent: z.string(),
    by_whom: z.string(),
    reason: z.string(),
  })
  .transform(({ by_whom, ...rest }): TicketHistoryEntry => ({ ...rest, by: by_whom }));

const parseRows = <T>(schema: z.ZodType<T>, rows: Row[]): T[] => rows.map((r) => schema.parse(r));

const TICKET_COLUMNS = 'order_id, agent_email, assigned_at, status, priority, currency, amount, hours_stuck, diagnosis, notes, updated_at';

/** The ticket store kept in the state database (embedded PGlite or PostgreSQL). */
export class LocalTicketStore implements TicketStore {
  readonly kind = 'local' as const;
  readonly label: string;

  constructor(readonly db: StateDb) {
    this.label = `local ticket store in ${db.label}`;
  }

  async listAgents(): Promise<Agent[]> {
    return parseRows(agentRow, await this.db.query('SELECT * FROM agents ORDER BY team, email'));
  }

  async upsertAgents(agents: readonly Agent[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const a of agents) {
        await tx.query(
          `INSERT INTO agents (email, name, team, slack_handle, active, max_tickets, role) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, team = EXCLUDED.team, slack_handle = EXCLUDED.slack_handle,
             active = EXCLUDED.active, max_tickets = EXCLUDED.max_tickets, role = EXCLUDED.role`,
          [a.email.toLowerCase(), a.name, a.team, a.slack_handle, a.active, a.max_tickets, a.role],
        );
      }
    });
  }

  async setAgentActive(email: string, active: boolean): Promise<boolean> {
    const rows = await this.db.query('UPDATE agents SET active = $2 WHERE email = $1 RETURNING email', [email.toLowerCase(), active]);
    return rows.length > 0;
  }

  async listTickets(filter: TicketFilter = {}): Promise<Ticket[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.agentEmail) {
      params.push(filter.agentEmail.toLowerCase());
      where.push(`agent_email = $${params.length}`);
    }
    if (filter.statuses) {
      params.push([...filter.statuses]);
      where.push(`status = ANY($${params.length}::text[])`);
    }
    if (filter.orderIds) {
      params.push([...filter.orderIds]);
      where.push(`order_id = ANY($${params.length}::text[])`);
    }
    const sql = `SELECT ${TICKET_COLUMNS} FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY assigned_at, order_id`;
    return parseRows(ticketRow, await this.db.query(sql, params));
  }

  async getTicket(orderId: string): Promise<Ticket | null> {
    const rows = await this.db.query(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE order_id = $1`, [orderId]);
    return rows[0] ? ticketRow.parse(rows[0]) : null;
  }

  async createTickets(tickets: readonly Ticket[]): Promise<{ created: string[]; skipped: string[] }> {
    if (tickets.length === 0) return { created: [], skipped: [] };
    return this.db.transaction(async (tx) => {
      const cols = [
        'order_id',
        'agent_email',
        'assigned_at',
        'status',
        'priority',
        'currency',
        'amount',
        'hours_stuck',
        'diagnosis',
        'notes',
        'updated_at',
      ] as const;
      const types = ['text', 'text', 'timestamptz', 'text', 'text', 'text', 'numeric', 'numeric', 'text', 'text', 'timestamptz'];
      const arrays = cols.map((c) => tickets.map((t) => t[c]));
      // One statement for the whole batch; the primary key makes a second ticket for an order impossible.
      const rows = await tx.query(
        `INSERT INTO tickets (${cols.join(', ')})
         SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
         ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
        arrays,
      );
      const created = new Set(rows.map((r) => String(r.order_id)));
      return {
        created: tickets.filter((t) => created.has(t.order_id)).map((t) => t.order_id),
        skipped: tickets.filter((t) => !created.has(t.order_id)).map((t) => t.order_id),
      };
    });
  }

  async #openTicketFor(tx: StateQueryable, orderId: string, agentEmail: string | null): Promise<Ticket> {
    const rows = await tx.query(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE order_id = $1 FOR UPDATE`, [orderId]);
    if (!rows[0]) throw new TicketRuleError('not_found', `order ${orderId} has no ticket`);
    const ticket = ticketRow.parse(rows[0]);
    if (agentEmail !== null && ticket.agent_email !== agentEmail.toLowerCase()) {
      throw new TicketRuleError(
        'not_assignee',
        `order ${orderId} is assigned to ${ticket.agent_email}, not to ${agentEmail}; only the assignee may change it`,
      );
    }
    if (ticket.status === 'RESOLVED') throw new TicketRuleError('already_closed', `order ${orderId} was already resolved`);
    return ticket;
  }

  async setTicketStatus(orderId: string, agentEmail: string, status: 'OPEN' | 'IN_PROGRESS', at: Date): Promise<Ticket> {
    return this.db.transaction(async (tx) => {
      await this.#openTicketFor(tx, orderId, agentEmail);
      return this.#moveTo(tx, orderId, status, at.toISOString());
    });
  }

  /** The ticket's new status, stamped `at`; the caller has checked the move with #openTicketFor. */
  async #moveTo(tx: StateQueryable, orderId: string, status: Ticket['status'], at: string): Promise<Ticket> {
    const rows = await tx.query(`UPDATE tickets SET status = $2, updated_at = $3 WHERE order_id = $1 RETURNING ${TICKET_COLUMNS}`, [
      orderId,
      status,
      at,
    ]);
    return ticketRow.parse(rows[0]);
  }

  async resolveTicket(r: Resolution, options: { byAutomation?: boolean } = {}): Promise<Ticket> {
    return this.db.transaction(async (tx) => {
      await this.#openTicketFor(tx, r.order_id, options.byAutomation ? null : r.agent_email);
      await tx.query(
        `INSERT INTO resolutions (resolved_at, order_id, agent_email, notes, assigned_at, resolution_minutes, sla_target_minutes, sla_status,
           stuck_reason, amount, currency, diagnosis_match, action_followed, resolution_type)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          r.resolved_at,
          r.order_id,
          r.agent_email,
          r.notes,
          r.assigned_at,
          r.resolution_minutes,
          r.sla_target_minutes,
          r.sla_status,
          r.stuck_reason,
          r.amount,
          r.currency,
          r.diagnosis_match,
          r.action_followed,
          r.resolution_type,
        ],
      );
      await tx.query(`UPDATE escalations SET resolved_at = $2, resolution_notes = $3 WHERE order_id = $1 AND resolved_at IS NULL`, [
        r.order_id,
        r.resolved_at,
        r.notes,
      ]);
      return this.#moveTo(tx, r.order_id, 'RESOLVED', r.resolved_at);
    });
  }

  async escalateTicket(e: Escalation): Promise<Ticket> {
    return this.db.transaction(async (tx) => {
      await this.#openTicketFor(tx, e.order_id, e.escalated_by);
      await tx.query(
        `INSERT INTO escalations (escalated_at, order_id, escalated_by, reason, order_status, stuck_hours, amount, currency, priority, assigned_to, resolved_at, resolution_notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          e.escalated_at,
          e.order_id,
          e.escalated_by,
          e.reason,
          e.order_status,
          e.stuck_hours,
          e.amount,
          e.currency,
          e.priority,
          e.assigned_to,
          e.resolved_at,
          e.resolution_notes,
        ],
      );
      return this.#moveTo(tx, e.order_id, 'ESCALATED', e.escalated_at);
    });
  }

  async #recordHistory(tx: StateQueryable, h: TicketHistoryEntry): Promise<void> {
    await tx.query(
      `INSERT INTO ticket_history (at, order_id, action, from_agent, to_agent, by_whom, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (order_id, at, action) DO NOTHING`,
      [h.at, h.order_id, h.action, h.from_agent, h.to_agent, h.by, h.reason],
    );
  }

  async reassignTicket(change: TicketHistoryEntry & { readonly action: 'REASSIGNED' }): Promise<Ticket> {
    const to = change.to_agent.toLowerCase();
    return this.db.transaction(async (tx) => {
      const [agent] = await tx.query('SELECT active FROM agents WHERE email = $1', [to]);
      if (!agent) throw new TicketRuleError('unknown_agent', `${to} is not in the agent roster`);
      if (agent.active !== true)
        throw new TicketRuleError('inactive_agent', `${to} is inactive; activate them first or choose another agent`);
      const ticket = await this.#openTicketFor(tx, change.order_id, null);
      if (ticket.agent_email !== change.from_agent.toLowerCase()) {
        throw new TicketRuleError('conflict', `order ${change.order_id} is now held by ${ticket.agent_email}, not ${change.from_agent}`);
      }
      await this.#recordHistory(tx, { ...change, from_agent: ticket.agent_email, to_agent: to });
      const rows = await tx.query(`UPDATE tickets SET agent_email = $2, updated_at = $3 WHERE order_id = $1 RETURNING ${TICKET_COLUMNS}`, [
        change.order_id,
        to,
        change.at,
      ]);
      return ticketRow.parse(rows[0]);
    });
  }

  async reopenTicket(orderId: string, agentEmail: string, at: Date, reason: string): Promise<Ticket> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE order_id = $1 FOR UPDATE`, [orderId]);
      if (!rows[0]) throw new TicketRuleError('not_found', `order ${orderId} has no ticket`);
      const ticket = ticketRow.parse(rows[0]);
      if (ticket.agent_email !== agentEmail.toLowerCase()) {
        throw new TicketRuleError(
          'not_assignee',
          `order ${orderId} is assigned to ${ticket.agent_email}, not to ${agentEmail}; only the assignee may change it`,
        );
      }
      const when = at.toISOString();
      await this.#recordHistory(tx, reopenedEntry(ticket, ticket.status, when, reason));
      const updated = await tx.query(
        `UPDATE tickets SET status = 'OPEN', assigned_at = $2, updated_at = $2 WHERE order_id = $1 RETURNING ${TICKET_COLUMNS}`,
        [orderId, when],
      );
      return ticketRow.parse(updated[0]);
    });
  }

  async listTicketHistory(orderId?: string): Promise<TicketHistoryEntry[]> {
    const rows = orderId
      ? await this.db.query('SELECT * FROM ticket_history WHERE order_id = $1 ORDER BY at, action', [orderId])
      : await this.db.query('SELECT * FROM ticket_history ORDER BY at, order_id, action');
    return parseRows(historyRow, rows);
  }

  async listResolutions(since: Date): Promise<Resolution[]> {
    return parseRows(
      resolutionRow,
      await this.db.query('SELECT * FROM resolutions WHERE resolved_at >= $1 ORDER BY resolved_at', [since.toISOString()]),
    );
  }

  async listClassificationCorrections(since: Date): Promise<ClassificationCorrection[]> {
    return listClassificationCorrections(this.db, since);
  }

  async listEscalations(since: Date): Promise<Escalation[]> {
    return parseRows(
      escalationRow,
      await this.db.query('SELECT * FROM escalations WHERE escalated_at >= $1 ORDER BY escalated_at', [since.toISOString()]),
    );
  }

  async appendPatterns(rows: readonly PatternRow[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const p of rows) {
        await tx.query(
          `INSERT INTO pattern_intelligence (date, pattern_id, stuck_reason, currency, signature, order_count, total_amount_aed, avg_hours,
             high_value_count, critical_count, delta, recommendation)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (date, pattern_id) DO UPDATE SET order_count = EXCLUDED.order_count, total_amount_aed = EXCLUDED.total_amount_aed,
             avg_hours = EXCLUDED.avg_hours, high_value_count = EXCLUDED.high_value_count, critical_count = EXCLUDED.critical_count,
             delta = EXCLUDED.delta, recommendation = EXCLUDED.recommendation, stuck_reason = EXCLUDED.stuck_reason`,
          [
            p.date,
            p.pattern_id,
            p.stuck_reason,
            p.currency,
            p.signature,
            p.order_count,
            p.total_amount_aed,
            p.avg_hours,
            p.high_value_count,
            p.critical_count,
            p.delta,
            p.recommendation,
          ],
        );
      }
    });
  }

  async listPatterns(date?: string): Promise<PatternRow[]> {
    const rows = date
      ? await this.db.query('SELECT * FROM pattern_intelligence WHERE date = $1 ORDER BY order_count DESC, pattern_id', [date])
      : await this.db.query('SELECT * FROM pattern_intelligence ORDER BY date, order_count DESC, pattern_id');
    return parseRows(patternRow, rows);
  }

  async writeDailyStats(rows: readonly DailyStatsRow[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const s of rows) {
        await tx.query(
          `INSERT INTO daily_stats (date, agent_email, resolved, avg_minutes, sla_met_pct, escalated, assigned, median_minutes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (date, agent_email) DO UPDATE SET resolved = EXCLUDED.resolved, avg_minutes = EXCLUDED.avg_minutes,
             sla_met_pct = EXCLUDED.sla_met_pct, escalated = EXCLUDED.escalated,
             assigned = COALESCE(EXCLUDED.assigned, daily_stats.assigned), median_minutes = COALESCE(EXCLUDED.median_minutes, daily_stats.median_minutes)`,
          [s.date, s.agent_email, s.resolved, s.avg_minutes, s.sla_met_pct, s.escalated, s.assigned ?? null, s.median_minutes ?? null],
        );
      }
    });
  }

  /** The state database is owned by whoever opened it. */
  async close(): Promise<void> {}
}
