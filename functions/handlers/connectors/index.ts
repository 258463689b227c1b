import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../powertools.ts';
import { createConnectorDeps } from './deps.ts';
import { type ConnectorStepName, connectorIngestSteps } from './steps.ts';

// Cold start: clients, adapters (Reddit keeps its token between invocations) and analysers are built once.
const steps = connectorIngestSteps(createConnectorDeps().ingest);

/**
 * One Lambda for the connector-ingest workflow's task states; the ASL passes the state name as `step`. Errors keep
 * their `name` (ConnectorUnavailableError...) so the state machine's Retry/Catch can match them.
 */
export const handler = middy(async (event: { step: ConnectorStepName } & Record<string, unknown>) => {
  const step = steps[event.step];
  if (!step) throw new Error(`Unknown connector-ingest step: ${String(event.step)}`);
  return (step as (input: unknown) => Promise<unknown>)(event);
}).use(injectLambdaContext(logger));
