// The queue is built by the gateway (its field_my_queue tool); the terminal renders these shapes.
export type { QueueEntry, TodayStats } from '@ecm/gateway';
