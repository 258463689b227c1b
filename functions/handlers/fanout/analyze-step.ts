import { analyzeAnswer } from '#shared/use-cases/analyze-answer.ts';
import type { WorkerDeps } from '#shared/use-cases/runs.ts';
import { type StepInput, step } from './steps.ts';

/** The "Analyze" step: apart from steps.ts because it is the one step that imports the analysis engine. */
export const analyzeStep = (deps: WorkerDeps) =>
  step('Analyze', (input: StepInput & { answerId: string | null }) => analyzeAnswer(deps, input));
