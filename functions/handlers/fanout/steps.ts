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
import { logger } from '../../powertools.ts';

/**
 * The fan-out workflow's task steps, keyed by the state names of `state-machines/prompt-fanout.asl.json`.
 * Lambda entry points wrap these; the local Step Functions runner calls them directly by state name.
 */
export function fanoutSteps(deps: WorkerDeps) {
  return {
    Plan: (input: { tenantId: string; runId: string }) => planRun(deps, input),
    Ask: (input: { tenantId: string; runId: string; index: number }) => askItem(deps, input),
    Analyze: (input: { tenantId: string; runId: string; answerId: string | null }) => analyzeAnswer(deps, input),
    RecordFailure: (input: Parameters<typeof recordFailure>[1]) => recordFailure(deps, input),
    Finalize: (input: { tenantId: string; runId: string }) => finalizeRun(deps, input),
  };
}

export type FanoutSteps = ReturnType<typeof fanoutSteps>;

/** Wraps one step as a Lambda handler (Powertools logger context; errors keep their `name` for Retry/Catch). */
export function lambdaStep<I, O>(step: (input: I) => Promise<O>) {
  return middy(async (event: I) => step(event)).use(injectLambdaContext(logger));
}
