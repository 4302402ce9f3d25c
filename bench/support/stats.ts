/** Order statistics for latency samples: nearest-rank percentiles, so a reported p95 is a latency that happened. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function max(values: readonly number[]): number {
  return values.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
}
