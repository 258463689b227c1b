import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  analyzeAnswer,
  askItem,
  finalizeRun,
  planRun,
  recordFailure,
  type WorkerDeps,
} from '#shared/use-cases/runs.ts';
import { observed } from '../../middleware/observability.ts';
import { pickCorrelationId, withCorrelationId } from '../../observability/correlation.ts';
import { observeStep } from '../../observability/fanout-metrics.ts';
import { logger } from '../../powertools.ts';

/** Every step's input carries the ids the ASL passes down; `correlationId` comes from the execution input. */
interface StepInput {
  tenantId: string;
  runId: string;
  correlationId?: string;
}

/** Runs a step under the run's correlation id (the starter's, else the run id) and counts its business metrics. */
function step<I extends StepInput, O>(name: string, fn: (input: I) => Promise<O>): (input: I) => Promise<O> {
  return (input) =>
    withCorrelationId(pickCorrelationId(input.correlationId, input.runId), () => observeStep(name, fn, input));
}

/**
 * The fan-out workflow's task steps, keyed by the state names of `state-machines/prompt-fanout.asl.json`.
 * Lambda entry points wrap these; the local Step Functions runner calls them directly by state name.
 */
export function fanoutSteps(deps: WorkerDeps) {
  return {
    Plan: step('Plan', (input: StepInput) => planRun(deps, input)),
    Ask: step('Ask', (input: StepInput & { index: number }) => askItem(deps, input)),
    Analyze: step('Analyze', (input: StepInput & { answerId: string | null }) => analyzeAnswer(deps, input)),
    RecordFailure: step('RecordFailure', (input: Parameters<typeof recordFailure>[1] & StepInput) =>
      recordFailure(deps, input),
    ),
    Finalize: step('Finalize', (input: StepInput) => finalizeRun(deps, input)),
  };
}

export type FanoutSteps = ReturnType<typeof fanoutSteps>;

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
