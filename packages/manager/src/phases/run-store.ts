import type { PostProgress } from '@ecm/core/slack';
import type { StateDb } from '@ecm/core/stores';
import type { PhasePlan } from './phase.js';
import { planSchemaFor, type FactsOf, type RecordedPhase } from './phase-facts.js';

/** A run as recorded: its status and the plan it is carrying out. */
export interface RunRecord<F = unknown> {
  status: string;
  plan: PhasePlan<F> | null;
}

/** A run that saved its plan but did not finish it. */
export interface UnfinishedRun<F = unknown> {
  runKey: string;
  slot: string;
  asOf: Date;
  status: string;
  plan: PhasePlan<F>;
}

/** How far posting one message of a run got, and the post that may be in flight. */
export interface PostState {
  parentTs?: string;
  postedReplies: number;
  /** A post (0 = main, n = reply n) whose intent was recorded but whose ts was not: it may be in the channel. */
  pending?: { post: number; since: Date };
}

/** Per phase: when it last succeeded and failed, and the last failure's error. */
export interface PhaseHistory {
  readonly phase: string;
  readonly last_success: string | null;
  readonly last_failure: string | null;
  readonly last_error: string | null;
}

const jsonOf = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
const isoOrNull = (v: unknown) => (v ? new Date(String(v)).toISOString() : null);

/** A saved plan, parsed with its phase's schema: a plan that no longer parses is refused, not guessed at. */
function planOf<P extends RecordedPhase>(phase: P, runKey: string, raw: unknown): PhasePlan<FactsOf<P>> {
  const saved: unknown = jsonOf(raw);
  const parsed = planSchemaFor(phase).safeParse(saved);
  if (!parsed.success) {
    throw new Error(
      `the saved plan of run ${runKey} cannot be read (${parsed.error.issues[0]?.message ?? 'invalid'}): run the phase with --force to plan it anew`,
    );
  }
  // The plan as saved, not as parsed: a resumed run reports exactly the facts it planned (parsing strips fields it does not name).
  return saved as PhasePlan<FactsOf<P>>;
}

/**
 * The run records: the one owner of `runs` (one row per phase and slot: status, facts, plan) and
 * `run_posts` (per message of a run: the parent ts, replies posted, and the intent of the post in
 * flight). Every statement on those tables is in this class.
 */
export class RunStore {
  constructor(private readonly state: StateDb) {}

  async read<P extends RecordedPhase>(phase: P, runKey: string): Promise<RunRecord<FactsOf<P>> | null> {
    const [row] = await this.state.query('SELECT status, plan FROM runs WHERE run_key = $1', [runKey]);
    return row ? { status: String(row.status), plan: row.plan ? planOf(phase, runKey, row.plan) : null } : null;
  }

  /** A phase's runs that saved a plan but did not finish it (planned or written), other than `exceptKey`, oldest first. */
  async unfinished<P extends RecordedPhase>(phase: P, exceptKey: string): Promise<UnfinishedRun<FactsOf<P>>[]> {
    const rows = await this.state.query(
      `SELECT run_key, slot, as_of, status, plan FROM runs
       WHERE phase = $1 AND status IN ('planned', 'written') AND plan IS NOT NULL AND run_key <> $2
       ORDER BY as_of, started_at, run_key`,
      [phase, exceptKey],
    );
    return rows.map((r) => ({
      runKey: String(r.run_key),
      slot: String(r.slot),
      asOf: r.as_of instanceof Date ? r.as_of : new Date(String(r.as_of)),
      status: String(r.status),
      plan: planOf(phase, String(r.run_key), r.plan),
    }));
  }

  /**
   * The run whose posted message has `parentTs` as its ts: the report a Slack thread belongs to, with
   * the facts it was written from. Null for a thread that is not one of our reports.
   */
  async runOfPost(parentTs: string): Promise<{ runKey: string; phase: string; asOf: Date; facts: unknown } | null> {
    const [row] = await this.state.query(
      `SELECT r.run_key, r.phase, r.as_of, r.facts FROM run_posts p JOIN runs r ON r.run_key = p.run_key
       WHERE p.parent_ts = $1 ORDER BY r.started_at DESC LIMIT 1`,
      [parentTs],
    );
    if (!row) return null;
    return {
      runKey: String(row.run_key),
      phase: String(row.phase),
      asOf: row.as_of instanceof Date ? row.as_of : new Date(String(row.as_of)),
      facts: row.facts ? jsonOf(row.facts) : null,
    };
  }

  /** The keys and as-of times of a phase's planned or written runs, in the order they started. */
  async unfinishedKeys(phase: string): Promise<{ runKey: string; asOf: Date }[]> {
    const rows = await this.state.query(
      `SELECT run_key, as_of FROM runs WHERE phase = $1 AND status IN ('planned', 'written') ORDER BY started_at`,
      [phase],
    );
    return rows.map((r) => ({ runKey: String(r.run_key), asOf: new Date(String(r.as_of)) }));
  }

  async save(
    runKey: string,
    phase: string,
    slot: string,
    asOf: Date,
    fields: { status: string; plan?: PhasePlan<unknown>; error?: string | null },
  ): Promise<void> {
    const now = new Date().toISOString();
    const finished = fields.status === 'succeeded' || fields.status === 'failed' ? now : null;
    await this.state.query(
      `INSERT INTO runs (run_key, phase, slot, as_of, status, started_at, finished_at, error, facts, plan)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (run_key) DO UPDATE SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at, error = EXCLUDED.error,
         facts = COALESCE(EXCLUDED.facts, runs.facts), plan = COALESCE(EXCLUDED.plan, runs.plan)`,
      [
        runKey,
        phase,
        slot,
        asOf.toISOString(),
        fields.status,
        now,
        finished,
        fields.error ?? null,
        fields.plan ? JSON.stringify(fields.plan.facts) : null,
        fields.plan ? JSON.stringify(fields.plan) : null,
      ],
    );
  }

  /** The facts of a phase's last `limit` succeeded runs before `before`, newest first, as stored (older runs may lack newer fields). */
  async succeededFactsBefore(phase: string, before: Date, limit: number): Promise<unknown[]> {
    const rows = await this.state.query(
      `SELECT facts FROM runs WHERE phase = $1 AND status = 'succeeded' AND as_of < $2 ORDER BY as_of DESC LIMIT $3`,
      [phase, before.toISOString(), limit],
    );
    return rows.map((r) => jsonOf(r.facts));
  }

  /** The facts of a phase's most recently started succeeded run that recorded facts, as stored. */
  async latestSucceededFacts(phase: string): Promise<{ runKey: string; facts: unknown } | null> {
    const [row] = await this.state.query(
      `SELECT run_key, facts FROM runs WHERE phase = $1 AND status = 'succeeded' AND facts IS NOT NULL ORDER BY started_at DESC LIMIT 1`,
      [phase],
    );
    return row ? { runKey: String(row.run_key), facts: jsonOf(row.facts) } : null;
  }

  async phaseHistory(): Promise<PhaseHistory[]> {
    const rows = await this.state.query(
      `SELECT phase,
              MAX(CASE WHEN status = 'succeeded' THEN finished_at END) AS last_success,
              MAX(CASE WHEN status = 'failed' THEN finished_at END) AS last_failure
       FROM runs GROUP BY phase ORDER BY phase`,
    );
    const out: PhaseHistory[] = [];
    for (const r of rows) {
      const [err] = await this.state.query(
        `SELECT error FROM runs WHERE phase = $1 AND status = 'failed' ORDER BY finished_at DESC LIMIT 1`,
        [r.phase],
      );
      out.push({
        phase: String(r.phase),
        last_success: isoOrNull(r.last_success),
        last_failure: isoOrNull(r.last_failure),
        last_error: err?.error ? String(err.error) : null,
      });
    }
    return out;
  }

  /** When the first run ever started (null before any run): slots before it were never missed. */
  async firstStartedAt(): Promise<Date | null> {
    const [first] = await this.state.query('SELECT MIN(started_at) AS first FROM runs');
    return first?.first ? new Date(String(first.first)) : null;
  }

  /** How many of `runKeys` succeeded. */
  async succeededCount(runKeys: readonly string[]): Promise<number> {
    const rows = await this.state.query(`SELECT run_key FROM runs WHERE status = 'succeeded' AND run_key = ANY($1::text[])`, [runKeys]);
    return rows.length;
  }

  /** Reads the table inside a transaction: proves the store answers and can open one (the `test` command). */
  async probe(): Promise<void> {
    await this.state.transaction(async (tx) => tx.query('SELECT COUNT(*) FROM runs'));
  }

  async postState(runKey: string, index: number): Promise<PostState> {
    const [row] = await this.state.query(
      'SELECT parent_ts, replies_posted, pending_post, intent_at FROM run_posts WHERE run_key = $1 AND message_index = $2',
      [runKey, index],
    );
    if (!row) return { postedReplies: 0 };
    const parentTs = row.parent_ts ? String(row.parent_ts) : undefined;
    const postedReplies = Number(row.replies_posted);
    const post = row.pending_post === null || row.pending_post === undefined ? null : Number(row.pending_post);
    // Only the next post can be in flight; an intent for anything else is already settled.
    const next = parentTs ? postedReplies + 1 : 0;
    const pending = post === next && row.intent_at ? { post, since: new Date(String(row.intent_at)) } : undefined;
    return { ...(parentTs ? { parentTs } : {}), postedReplies, ...(pending ? { pending } : {}) };
  }

  /** Recorded before a post is sent: from here on, a crash means "look it up before sending it again". */
  async recordIntent(runKey: string, index: number, title: string, post: number, totalReplies: number): Promise<void> {
    await this.state.query(
      `INSERT INTO run_posts (run_key, message_index, title, parent_ts, replies_posted, replies_total, pending_post, intent_at)
       VALUES ($1, $2, $3, NULL, 0, $4, $5, $6)
       ON CONFLICT (run_key, message_index) DO UPDATE SET pending_post = EXCLUDED.pending_post, intent_at = EXCLUDED.intent_at`,
      [runKey, index, title, totalReplies, post, new Date().toISOString()],
    );
  }

  async recordPosted(runKey: string, index: number, title: string, step: PostProgress): Promise<void> {
    await this.state.query(
      `INSERT INTO run_posts (run_key, message_index, title, parent_ts, replies_posted, replies_total, pending_post, intent_at)
       VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)
       ON CONFLICT (run_key, message_index) DO UPDATE SET parent_ts = EXCLUDED.parent_ts, replies_posted = EXCLUDED.replies_posted,
         pending_post = NULL, intent_at = NULL`,
      [runKey, index, title, step.parentTs, step.postedReplies, step.totalReplies],
    );
  }

  /** Which of these run keys succeeded. */
  async succeededKeys(keys: readonly string[]): Promise<Set<string>> {
    const rows = await this.state.query(`SELECT run_key FROM runs WHERE status = 'succeeded' AND run_key = ANY($1::text[])`, [keys]);
    return new Set(rows.map((r) => String(r.run_key)));
  }

  /** How many runs are recorded, read in a transaction: `test` proves the store answers and commits. */
  async countInTransaction(): Promise<number> {
    const [row] = await this.state.transaction(async (tx) => tx.query('SELECT COUNT(*)::int AS n FROM runs'));
    return Number(row?.n ?? 0);
  }
}
