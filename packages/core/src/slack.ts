// @ecm/core/slack — reports as Slack messages: Block Kit, mrkdwn, limits, formatting, the outbox and
// Web API sinks, the directory, demo marking. The Slack client loads on the first post only.
export * from './slack/index.js';
export * from './reports/demo-marking.js';
