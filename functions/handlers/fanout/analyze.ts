import { analyzeStep } from './analyze-step.ts';
import { providersOf } from './provider-wiring.ts';
import { lambdaStep } from './steps.ts';
import { createWorkerDeps } from './worker-deps.ts';

/**
 * Lambda entry point of the fan-out workflow's "Analyze" state. Wired with the AI providers for the opt-in sentiment
 * judge only (shared/use-cases/judge-sentiment.ts); their keys and SDKs load on the first judge call.
 */
export const handler = lambdaStep(
  analyzeStep(createWorkerDeps(process.env, { providers: providersOf(process.env, { eager: false }) })),
);
