// The gate is the serve process's (../trigger-gate.ts); the Slack app only admits through it.
export type { Admission, TriggerGate, TriggerRequest as Trigger } from '../trigger-gate.js';
export type TriggerOutcome = 'done' | 'failed' | 'refused';
