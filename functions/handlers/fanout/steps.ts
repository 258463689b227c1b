import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { askItem, finalizeRun, planRun, recordFailure, type WorkerDeps } from '#shared/use-cases/runs.ts';
import { observed } from '../../middleware/observability.ts';
import { pickCorrelationId, withCorrelationId } from '../../observability/correlation.ts';
import { observeStep } from '../../observability/fanout-metrics.ts';
import { logger } from '../../powertools.ts';

/** Every step's input carries the ids the ASL passes down; `correlationId` comes from the execution input. */
export interface StepInput {
  tenantId: string;
  runId: string;
  correlationId?: string;
}

/**
 * A step could not reach a dependency (DynamoDB, S3, Kinesis unreachable, 5xx or throttled after the SDK's own
 * retries). The workflow retries it with a long backoff instead of treating the item as failed: an outage of a
 * minute must not turn pending work into skipped work.
 */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'SlowDown',
  'TooManyRequestsException',
]);

/** True for errors of the AWS SDK or the network that say "not reachable now", not "your request is wrong". */
export function isDependencyOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata } = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  if (code && NETWORK_CODES.has(code)) return true;
  if (error.name === 'TimeoutError' || THROTTLING.has(error.name)) return true;
  if ($metadata) return $metadata.httpStatusCode === undefined || $metadata.httpStatusCode >= 500;
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isDependencyOutage(cause);
}

/** Runs a step under the run's correlation id (the starter's, else the run id) and counts its business metrics. */
export function step<I extends StepInput, O>(name: string, fn: (input: I) => Promise<O>): (input: I) => Promise<O> {
  const guarded = async (input: I) => {
    try {
      return await fn(input);
    } catch (error) {
      if (isDependencyOutage(error))
        throw new DependencyUnavailableError(`${name}: ${(error as Error).message}`, { cause: error });
      throw error;
    }
  };
  return (input) =>
    withCorrelationId(pickCorrelationId(input.correlationId, input.runId), () => observeStep(name, guarded, input));
}

/*
 * One factory per task state, as separate exports: each Lambda entry imports only its own, so a step's bundle holds
 * only the use case it runs (the Ask bundle no analysis code, the Analyze bundle no provider SDKs). The Analyze
 * factory is in analyze-step.ts, the only module importing the analysis engine; all five together: workflow-steps.ts.
 */
export const planStep = (deps: WorkerDeps) => step('Plan', (input: StepInput) => planRun(deps, input));
export const askStep = (deps: WorkerDeps) =>
  step('Ask', (input: StepInput & { index: number }) => askItem(deps, input));
export const recordFailureStep = (deps: WorkerDeps) =>
  step('RecordFailure', (input: Parameters<typeof recordFailure>[1] & StepInput) => recordFailure(deps, input));
export const finalizeStep = (deps: WorkerDeps) => step('Finalize', (input: StepInput) => finalizeRun(deps, input));

/**
 * Wraps one step as a Lambda handler (Powertools logger context; metrics published per invocation; errors keep
 * their `name` for Retry/Catch).
 */
export function lambdaStep<I extends StepInput, O>(stepFn: (input: I) => Promise<O>) {
  return middy(
    observed(
      (event: I) => pickCorrelationId(event.correlationId, event.runId),
      async (event: I) => stepFn(event),
    ),
  ).use(injectLambdaContext(logger));
}
