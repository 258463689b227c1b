import { isProviderError, ProviderThrottledError } from '#shared/domain/provider-errors.ts';
import { BUSINESS_METRICS } from './metric-names.ts';
import { countMetric, countProviderMetric } from './metrics.ts';

/** Run statuses that count as a run that did its job (some answers may have failed: `partial`). */
const COMPLETED_STATUSES = new Set(['succeeded', 'partial']);

function countResult(stepName: string, output: unknown): void {
  const result = (output ?? {}) as Record<string, unknown>;
  switch (stepName) {
    case 'Plan':
      if (typeof result.itemCount === 'number' && result.itemCount > 0) countMetric(BUSINESS_METRICS.runsStarted);
      break;
    case 'Ask':
      if (result.status === 'succeeded') countMetric(BUSINESS_METRICS.answersCollected);
      break;
    case 'Analyze':
      if (result.analyzed === true) countMetric(BUSINESS_METRICS.answersAnalyzed);
      break;
    case 'RecordFailure':
      if (result.recorded === true) countMetric(BUSINESS_METRICS.workItemsFailed);
      break;
    case 'Finalize': {
      if (typeof result.status !== 'string') break;
      countMetric(COMPLETED_STATUSES.has(result.status) ? BUSINESS_METRICS.runsCompleted : BUSINESS_METRICS.runsFailed);
      const cost = (result.usage as { costUsd?: unknown } | undefined)?.costUsd;
      if (typeof cost === 'number' && cost > 0) countMetric(BUSINESS_METRICS.costUsd, cost);
      break;
    }
  }
}

function countError(error: unknown): void {
  if (!isProviderError(error)) return;
  const name =
    error instanceof ProviderThrottledError ? BUSINESS_METRICS.providerThrottles : BUSINESS_METRICS.providerErrors;
  countProviderMetric(name, error.provider);
}

/**
 * Runs one fan-out step and counts what it did: runs started (Plan), answers collected (Ask) and analysed
 * (Analyze), work items given up on (RecordFailure), runs completed/failed and their cost (Finalize), and
 * provider errors/throttles by provider (an Ask that throws a provider error). The error is re-thrown unchanged:
 * the workflow's Retry/Catch match on its `name`.
 */
export async function observeStep<I, O>(stepName: string, fn: (input: I) => Promise<O>, input: I): Promise<O> {
  try {
    const output = await fn(input);
    countResult(stepName, output);
    return output;
  } catch (error) {
    countError(error);
    throw error;
  }
}
