import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { CorrelatedLogFormatter } from './observability/log-formatter.ts';

export { metrics } from './observability/metrics.ts';

/**
 * The one Powertools module every function shares. Service name and log level come from the standard
 * POWERTOOLS_* variables; outside Lambda the tracer disables itself.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'promptpulse',
  // Powertools' JSON shape plus `correlation_id` from the async context (functions/observability/correlation.ts).
  logFormatter: new CorrelatedLogFormatter(),
});
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'promptpulse' });
