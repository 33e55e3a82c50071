// The values a ticket's status and priority take: leaves every shape (configuration, sheet, tools) builds on.
export const TICKET_STATUSES = ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'ESCALATED'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];
