// The SLA clock lives in core so the manager's ticket list and SLA watch use the same bands.
export { SLA_BANDS, formatMinutes, slaClock, type SlaBand, type SlaClock } from '@ecm/core/domain-shapes';
