import { finalizeStep, lambdaStep } from './steps.ts';
import { createWorkerDeps } from './worker-deps.ts';

/** Lambda entry point of the fan-out workflow's "Finalize" state. */
export const handler = lambdaStep(finalizeStep(createWorkerDeps()));
