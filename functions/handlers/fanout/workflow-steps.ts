import type { WorkerDeps } from '#shared/use-cases/runs.ts';
import { analyzeStep } from './analyze-step.ts';
import { askStep, finalizeStep, planStep, recordFailureStep } from './steps.ts';

/**
 * The fan-out workflow's task steps, keyed by the state names of `state-machines/prompt-fanout.asl.json`: what the
 * local Step Functions runner calls by state name (Lambda entry points wrap one factory each).
 */
export function fanoutSteps(deps: WorkerDeps) {
  return {
    Plan: planStep(deps),
    Ask: askStep(deps),
    Analyze: analyzeStep(deps),
    RecordFailure: recordFailureStep(deps),
    Finalize: finalizeStep(deps),
  };
}

export type FanoutSteps = ReturnType<typeof fanoutSteps>;
