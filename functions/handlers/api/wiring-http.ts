import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { observed, observeHttpResult } from '../../middleware/observability.ts';
import { correlationIdOfHttpEvent } from '../../observability/correlation.ts';
import { tracer } from '../../powertools.ts';

/** The Lambda entry point (API Gateway HTTP API, payload v2) around an app: correlation id, metrics, tracing, logs. */
export function httpHandler(
  app: { handle(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> },
  logger: Parameters<typeof injectLambdaContext>[0],
) {
  return middy(
    observed(correlationIdOfHttpEvent, async (event: APIGatewayProxyEventV2, context: Context) =>
      observeHttpResult(await app.handle(event, context)),
    ),
  )
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}
