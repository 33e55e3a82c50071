// Short times are formatted the same way by the terminal and by the gateway's messages.
export { shortTime, zoneLabel } from '@ecm/core/text';
