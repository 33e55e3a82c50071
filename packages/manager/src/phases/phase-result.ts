/** A phase boundary's answer: the value, or why there is none. Failures are values here, not thrown errors with extra fields. */
export type Result<T, F> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: F };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const failed = <F>(failure: F): { readonly ok: false; readonly failure: F } => ({ ok: false, failure });

/**
 * Why a phase has no outcome:
 * - `planning`: the plan could not be made or breaks Slack's limits; nothing was written.
 * - `store`: reading or saving the run, or applying its writes, failed; a saved plan is finished by the next run.
 * - `recording`: the state store failed while recording the posts; the next run adopts or posts what is missing.
 * - `lock_lost`: another process holds the run lock now; nothing more may be written or posted.
 */
export type PhaseFailureKind = 'planning' | 'store' | 'recording' | 'lock_lost';

export interface PhaseFailure {
  readonly kind: PhaseFailureKind;
  /** The run the failure belongs to: its error alert is posted once under this key. */
  readonly runKey: string;
  /** What went wrong, for the error alert, the outcome and the terminal. */
  readonly message: string;
}

export type PhaseResult<T> = Result<T, PhaseFailure>;
