// The tracing entry point (`@ecm/agent/tracing`): only @opentelemetry/api and the context manager,
// so the CLIs can open run and phase spans without loading the LLM runtime.
export * from './gen-ai.js';
export * from './otlp-settings.js';
export * from './tracing.js';
