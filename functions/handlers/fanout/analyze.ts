import { analyzeStep } from './analyze-step.ts';
import { lambdaStep } from './steps.ts';
import { createWorkerDeps } from './worker-deps.ts';

/** Lambda entry point of the fan-out workflow's "Analyze" state. */
export const handler = lambdaStep(analyzeStep(createWorkerDeps()));
