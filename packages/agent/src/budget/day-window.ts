// The budget's day starts when the calendar day starts in its time zone: one definition, in core.
export { startOfDay } from '@ecm/core/domain';
