// @ecm/core/text — what may reach a terminal, a log or a model as text: masking, control characters, LLM lines.
// No dependency beyond these files; every program can load it at start.
export * from './text/mask-secrets.js';
export * from './text/terminal-text.js';
export * from './text/llm-text.js';
export * from './text/short-time.js';
export * from './text/error-text.js';
export * from './text/split-words.js';
export * from './text/first-issue.js';
