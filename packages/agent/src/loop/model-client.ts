import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import type { LlmCredentials } from '../config/credentials.js';

export type ModelRequest = MessageCreateParamsNonStreaming;
export type ModelResponse = Message;

/** The one call the loop makes. Retries are ours (see call-model.ts), so the SDK's are off. */
export interface ModelClient {
  create(request: ModelRequest, options: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<ModelResponse>;
}

export function anthropicModelClient(credentials: Extract<LlmCredentials, { ok: true }>, fetchImpl?: typeof fetch): ModelClient {
  const client = new Anthropic({
    apiKey: credentials.apiKey,
    authToken: credentials.authToken,
    ...(credentials.baseURL ? { baseURL: credentials.baseURL } : {}),
    maxRetries: 0,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return {
    create: (request, { timeoutMs, signal }) =>
      client.messages.create(request, { timeout: timeoutMs, maxRetries: 0, signal: signal ?? null }),
  };
}
