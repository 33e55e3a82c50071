import type { GatewayTool } from './define-tool.js';
import { ecmBacklogSummary } from './ecm-backlog-summary.js';
import { ecmOrderDetails } from './ecm-order-details.js';
import { ecmPatternClusters } from './ecm-pattern-clusters.js';
import { ecmStuckOrders } from './ecm-stuck-orders.js';
import { runbookGet } from './runbook-get.js';
import { runbooksSearch } from './runbooks-search.js';
import { ticketsList } from './tickets-list.js';
import { ticketsUpdate } from './tickets-update.js';
import { warehouseDescribeTable } from './warehouse-describe-table.js';
import { warehouseListTables } from './warehouse-list-tables.js';
import { warehouseQuery } from './warehouse-query.js';
import { FIELD_TOOLS } from './field-tools.js';

/** Every tool the gateway serves, in the order clients list them: one file per tool, one line each here. */
export const GATEWAY_TOOLS: readonly GatewayTool[] = [
  warehouseQuery,
  warehouseListTables,
  warehouseDescribeTable,
  ecmStuckOrders,
  ecmOrderDetails,
  ecmBacklogSummary,
  ecmPatternClusters,
  runbooksSearch,
  runbookGet,
  ticketsList,
  ticketsUpdate,
  ...FIELD_TOOLS,
];
