// The escalation matrix lives in core: the manager's SLA watch climbs the same ladder.
export {
  EscalationMatrixError,
  LEVELS,
  escalationFile,
  escalationTarget,
  ladderStep,
  loadEscalationMatrix,
  parseEscalationMatrix,
  type Contact,
  type EscalationMatrix,
  type EscalationRole,
  type EscalationTarget,
  type LadderStep,
  type Level,
} from '@ecm/core/domain-shapes';
