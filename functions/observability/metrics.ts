import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { BUSINESS_METRICS, type BusinessMetricName, METRICS_NAMESPACE, PROVIDER_DIMENSION } from './metric-names.ts';

/**
 * The one Powertools Metrics instance of a function. Namespace and service come from `POWERTOOLS_METRICS_NAMESPACE`
 * and `POWERTOOLS_SERVICE_NAME` (set by the CDK `NodeFunction`); the only default dimension is `service`, so the
 * number of metric series stays fixed (no tenant or run dimensions: those belong in logs).
 *
 * Stored metrics are flushed by the `logMetrics` middleware at the end of each Lambda invocation. The local stack
 * sets `POWERTOOLS_METRICS_DISABLED=true` (no EMF lines on the console) and reads the in-process totals instead.
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'promptpulse',
});

const totals = new Map<string, number>();

function truthy(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

/** Powertools' own rule: `POWERTOOLS_METRICS_DISABLED` wins, else `POWERTOOLS_DEV` disables EMF output. */
const emfDisabled = truthy(process.env.POWERTOOLS_METRICS_DISABLED) ?? truthy(process.env.POWERTOOLS_DEV) ?? false;

function remember(key: string, value: number): void {
  totals.set(key, (totals.get(key) ?? 0) + value);
}

/** Adds to a business metric (published with the invocation's other metrics). */
export function countMetric(name: BusinessMetricName, value = 1): void {
  if (!Number.isFinite(value) || value < 0) return;
  remember(name, value);
  if (emfDisabled) return;
  if (name === BUSINESS_METRICS.costUsd) metrics.addMetric(name, MetricUnit.NoUnit, value);
  else metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * A provider metric with its `Provider` dimension, published at once as its own EMF document: a dimension added to
 * the shared buffer would apply to every metric of the invocation.
 */
export function countProviderMetric(name: BusinessMetricName, provider: string): void {
  remember(`${name}{${PROVIDER_DIMENSION}=${provider}}`, 1);
  if (emfDisabled) return;
  const single = metrics.singleMetric();
  single.addDimension(PROVIDER_DIMENSION, provider);
  single.addMetric(name, MetricUnit.Count, 1);
}

/** Totals since this process started, by metric (and dimension): what the local operations view shows. */
export function metricTotals(): Record<string, number> {
  return Object.fromEntries([...totals.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Publishes the invocation's stored metrics, if any (Powertools' `logMetrics` would warn on every invocation that
 * recorded none, e.g. most API reads).
 */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
