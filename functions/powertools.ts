import { Tracer } from '@aws-lambda-powertools/tracer';

export { logger } from './logger.ts';
export { metrics } from './observability/metrics.ts';

/**
 * The one Powertools module every function shares. Service name and log level come from the standard
 * POWERTOOLS_* variables; outside Lambda the tracer disables itself.
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'promptpulse' });
