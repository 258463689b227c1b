import { lambdaStep, planStep } from './steps.ts';
import { createWorkerDeps } from './worker-deps.ts';

/** Lambda entry point of the fan-out workflow's "Plan" state. */
export const handler = lambdaStep(planStep(createWorkerDeps()));
