/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions (development status), written out
 * here because @opentelemetry/semantic-conventions keeps them in its unstable entry point. Both the
 * older `gen_ai.system` and the newer `gen_ai.provider.name` are set: Langfuse, Opik and Tempo read
 * one or the other.
 */
export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  system: 'gen_ai.system',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheWriteTokens: 'gen_ai.usage.cache_creation.input_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  agentName: 'gen_ai.agent.name',
  agentId: 'gen_ai.agent.id',
  conversationId: 'gen_ai.conversation.id',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
} as const;

export const PROVIDER = 'anthropic';

/** Our own attributes, under `ecm.`: what the conventions have no name for. */
export const ECM = {
  costUsd: 'ecm.cost_usd',
  domain: 'ecm.domain',
  skillRole: 'ecm.skill_role',
  outcome: 'ecm.outcome',
  executionId: 'ecm.execution_id',
  attempts: 'ecm.attempts',
  turn: 'ecm.turn',
  modelMs: 'ecm.latency.model_ms',
  toolsMs: 'ecm.latency.tools_ms',
  routedFrom: 'ecm.routing.from_skill',
  routedTo: 'ecm.routing.to_skill',
  subject: 'ecm.subject',
  phase: 'ecm.phase',
  command: 'ecm.command',
  runKey: 'ecm.run_key',
  phaseStatus: 'ecm.phase_status',
} as const;
