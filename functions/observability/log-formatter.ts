import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { currentCorrelationId } from './correlation.ts';
import { rememberError } from './recent-errors.ts';

/**
 * Powertools' standard JSON log shape plus `correlation_id` taken from the current async context
 * (`withCorrelationId`), so every line of a request, workflow step or stream batch carries the id without each
 * call site passing it. Error-level entries are also remembered for the operations view (`recentErrors`).
 */
export class CorrelatedLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const correlationId = currentCorrelationId();
    const item = new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: attributes.lambdaContext?.coldStart,
        function_arn: attributes.lambdaContext?.invokedFunctionArn,
        function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
        function_name: attributes.lambdaContext?.functionName,
        function_request_id: attributes.lambdaContext?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
        ...(correlationId ? { correlation_id: correlationId } : {}),
      },
    }).addAttributes(additional);
    if (attributes.logLevel === 'ERROR' || attributes.logLevel === 'CRITICAL') {
      const error = additional.error as { name?: unknown; message?: unknown } | undefined;
      rememberError({
        time: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        message: String(attributes.message),
        correlationId: correlationId ?? null,
        errorName: typeof error?.name === 'string' ? error.name : null,
        errorMessage: typeof error?.message === 'string' ? error.message : null,
      });
    }
    return item;
  }
}
