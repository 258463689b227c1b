import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../powertools.ts';
import { createReanalysisDeps } from './deps.ts';
import { type ReanalysisStepName, reanalysisSteps } from './steps.ts';

// Cold start: clients and adapters once.
const steps = reanalysisSteps(createReanalysisDeps());

/**
 * One Lambda for the re-analysis workflow's task states; the ASL passes the state name as `step`. Errors keep their
 * `name` (EventPublishError...) so the state machine's Retry/Catch can match them.
 */
export const handler = middy(async (event: { step: ReanalysisStepName } & Record<string, unknown>) => {
  const step = steps[event.step];
  if (!step) throw new Error(`Unknown re-analysis step: ${String(event.step)}`);
  return (step as (input: unknown) => Promise<unknown>)(event);
}).use(injectLambdaContext(logger));
