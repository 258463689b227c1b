import type { Context } from 'aws-lambda';
import { currentCorrelationId, withCorrelationId } from '../observability/correlation.ts';
import { BUSINESS_METRICS } from '../observability/metric-names.ts';
import { countMetric, flushMetrics } from '../observability/metrics.ts';

/**
 * Wraps a Lambda handler so its whole invocation runs under a correlation id (read from the event by
 * `correlationIdOf`) and its business metrics are published when it ends, whether it returned or threw.
 *
 * A wrapper rather than a middy middleware: a `before` hook cannot put the rest of the invocation inside an
 * AsyncLocalStorage context, a wrapper around the handler can.
 */
export function observed<E, R>(
  correlationIdOf: (event: E) => string,
  handler: (event: E, context: Context) => Promise<R>,
): (event: E, context: Context) => Promise<R> {
  return (event, context) =>
    withCorrelationId(correlationIdOf(event), async () => {
      try {
        return await handler(event, context);
      } finally {
        flushMetrics();
      }
    });
}

/** The refusal code of `assertWithinSpendCaps` (shared/domain/runs.ts): a run that would exceed a spend cap. */
const SPEND_CAP_EXCEEDED = 'spend_cap_exceeded';

/**
 * Counts what an API answer says about the business: a spend-cap refusal becomes `SpendCapBreaches` (the alarm on
 * it tells operators a tenant is hitting its caps). Reads only error answers (`{error:{code}}`), which are small.
 * Also returns the correlation id to the caller (`x-correlation-id`), so a support request can quote it.
 */
export function observeHttpResult<R extends { statusCode?: number; body?: string; headers?: Record<string, unknown> }>(
  result: R,
): R {
  const correlationId = currentCorrelationId();
  if ((result.statusCode ?? 200) >= 400 && result.body?.includes(SPEND_CAP_EXCEEDED)) {
    try {
      const code = (JSON.parse(result.body) as { error?: { code?: unknown } }).error?.code;
      if (code === SPEND_CAP_EXCEEDED) countMetric(BUSINESS_METRICS.spendCapBreaches);
    } catch {
      // Not JSON: not an API error answer, nothing to count.
    }
  }
  return correlationId ? { ...result, headers: { ...result.headers, 'x-correlation-id': correlationId } } : result;
}
