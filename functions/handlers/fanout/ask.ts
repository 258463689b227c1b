import { providersOf } from './provider-wiring.ts';
import { askStep, lambdaStep } from './steps.ts';
import { createWorkerDeps } from './worker-deps.ts';

/** Lambda entry point of the fan-out workflow's "Ask" state: the one step wired with the AI providers. */
export const handler = lambdaStep(askStep(createWorkerDeps(process.env, { providers: providersOf() })));
