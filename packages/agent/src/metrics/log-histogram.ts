/**
 * A histogram whose buckets are counted by the execution log rather than observed in this process:
 * cumulative over every execution ever logged, so rate() and histogram_quantile() work across batch
 * runs that each start from zero. Registered in a prom-client Registry like any metric.
 */
export class LogHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private series: { labels: Record<L, string>; buckets: number[]; sum: number; count: number }[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    /** Upper bounds in seconds, ascending; +Inf is added. */
    readonly upperBounds: readonly number[],
  ) {}

  reset(): void {
    this.series = [];
  }

  /** One label set: the cumulative count at or below each upper bound, the sum and the count. */
  set(labels: Record<L, string>, cumulative: readonly number[], sum: number, count: number): void {
    if (cumulative.length !== this.upperBounds.length)
      throw new Error(`${this.name}: ${cumulative.length} bucket counts for ${this.upperBounds.length} bounds`);
    this.series.push({ labels, buckets: [...cumulative], sum, count });
  }

  async get() {
    const values = this.series.flatMap((s) => [
      ...this.upperBounds.map((le, i) => ({ labels: { ...s.labels, le }, value: s.buckets[i]!, metricName: `${this.name}_bucket` })),
      { labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${this.name}_bucket` },
      { labels: s.labels, value: s.sum, metricName: `${this.name}_sum` },
      { labels: s.labels, value: s.count, metricName: `${this.name}_count` },
    ]);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
