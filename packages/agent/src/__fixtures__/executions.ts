import { NO_USAGE } from '../budget/pricing.js';
import type { ExecutionRecord } from '../log/execution-log.js';

/** A successful specialist execution with no usage; tests override what they look at. */
export const anExecution = (over: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id: 'exec-1',
  createdAt: new Date(),
  domain: 'ecm',
  skill: 'ecm-diagnose',
  role: 'specialist',
  model: 'claude-sonnet-4-6',
  subject: null,
  inputSummary: 'cluster',
  output: null,
  toolCalls: [],
  turns: 1,
  usage: NO_USAGE,
  costUsd: 0.12,
  latencyMs: 8700,
  outcome: 'success',
  outcomeDetail: null,
  routing: null,
  traceId: 't',
  ...over,
});
