/** What routing needs of a pattern cluster (§13); the patterns engine's clusters fit. */
export interface RoutableCluster {
  readonly signature_text: string;
  readonly critical_count: number;
}

export interface RoutingRule {
  readonly from: string;
  readonly to: string;
  readonly min_critical_count: number;
}

export interface RoutingDecision<C extends RoutableCluster> {
  readonly cluster: C;
  /** The specialist skill, or null when the manager keeps the cluster. */
  readonly to: string | null;
}

/** The manager's routing rule (§15): a cluster with at least `min_critical_count` critical orders goes to the specialist. */
export function routeClusters<C extends RoutableCluster>(clusters: readonly C[], rule: RoutingRule): RoutingDecision<C>[] {
  return clusters.map((cluster) => ({ cluster, to: cluster.critical_count >= rule.min_critical_count ? rule.to : null }));
}
