import type { GatewayTool } from './define-tool.js';
import { fieldCorrectClassification } from './field-correct-classification.js';
import { fieldDecideProposal } from './field-decide-proposal.js';
import { fieldEscalate } from './field-escalate.js';
import { fieldJudgeExecution } from './field-judge-execution.js';
import { fieldMyQueue } from './field-my-queue.js';
import { fieldMyTicket } from './field-my-ticket.js';
import { fieldOrderContext } from './field-order-context.js';
import { fieldProposals } from './field-proposals.js';
import { fieldReopen } from './field-reopen.js';
import { fieldResolve } from './field-resolve.js';
import { fieldStart } from './field-start.js';
import { fieldWhoami } from './field-whoami.js';

/** What ecm-field calls, acting only as the connection's agent (the HTTP token's subject). */
export const FIELD_TOOLS: readonly GatewayTool[] = [
  fieldWhoami,
  fieldMyQueue,
  fieldMyTicket,
  fieldOrderContext,
  fieldStart,
  fieldReopen,
  fieldResolve,
  fieldEscalate,
  fieldProposals,
  fieldDecideProposal,
  fieldCorrectClassification,
  fieldJudgeExecution,
];
