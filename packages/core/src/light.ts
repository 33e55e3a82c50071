/**
 * The small, dependency-free part of the library: exit codes and CLI support, terminal-safe text,
 * secret masking, the SLA clock, short times. A thin client (ecm-field through the gateway) imports
 * only this, so it never loads the database drivers, Sheets or Slack.
 */
export * from './cli/cli-support.js';
export * from './text/terminal-text.js';
export * from './text/mask-secrets.js';
export * from './text/short-time.js';
export * from './tickets/sla-clock.js';
export * from './escalation/markdown-sections.js';
export * from './escalation/escalation-matrix.js';
export * from './tickets/input-limits.js';
export * from './triage/order-id.js';
