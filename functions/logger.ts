import { Logger } from '@aws-lambda-powertools/logger';
import { CorrelatedLogFormatter } from './observability/log-formatter.ts';

/**
 * The Powertools logger every function shares (re-exported by ./powertools.ts beside the tracer). Service name and
 * log level come from the standard POWERTOOLS_* variables. Functions that trace nothing themselves (the Cognito
 * pre-token trigger, the WebSocket authorizer) import it from here, so their bundles leave out the Tracer and the
 * X-Ray SDK under it; Lambda's active tracing still records their invocations.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'promptpulse',
  // Powertools' JSON shape plus `correlation_id` from the async context (functions/observability/correlation.ts).
  logFormatter: new CorrelatedLogFormatter(),
});
