import { lambdaStep, recordFailureStep } from './steps.ts';
import { createWorkerDeps } from './worker-deps.ts';

/** Lambda entry point of the fan-out workflow's "RecordFailure" state. */
export const handler = lambdaStep(recordFailureStep(createWorkerDeps()));
