/**
 * The one domain this deployment runs. Metrics, the budget and the execution log are keyed by domain;
 * until domains are configuration, every caller takes the name from here.
 */
export const ECM_DOMAIN = 'ecm';
