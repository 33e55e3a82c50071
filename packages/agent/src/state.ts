// @ecm/agent/state — the agent runtime's records in the state store, without the runtime: its tables,
// approved fix checklists and approval work, resolve feedback links, corrections. No model client, MCP
// or tracing loads with it, so a terminal command can read a checklist without starting them.
// The proposal store is here too: the gateway's field tools list and decide proposals through it.
export * from './log/schema.js';
export * from './chain/approval-work.js';
export * from './chain/feedback-link.js';
export * from './log/corrections.js';
export * from './proposals/proposal-store.js';
