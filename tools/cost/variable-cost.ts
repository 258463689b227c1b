/**
 * The variable AWS cost of prompt executions: counters a local run recorded (tools/cost/counters.ts) at the list
 * prices of tools/cost/prices.ts, per 1,000 executions, one line per service, beside the model cost.
 */
import type { UsageCounters } from './counters.ts';
import type { PriceTable } from './prices.ts';

const GB = 1024 ** 3;

export interface VariableCostLine {
  service: string;
  /** USD per 1,000 prompt executions. */
  per1kUsd: number;
  /** What was counted, per 1,000 executions, in words. */
  basis: string;
}

/** Consumers reading every record of the event stream: the aggregate function and the lake's Firehose. */
export const STREAM_CONSUMERS = 2;

export function variableCost(c: UsageCounters, prices: PriceTable): VariableCostLine[] {
  if (c.executions <= 0) throw new Error('variableCost: the counters cover no prompt execution');
  const per1k = (n: number) => (n * 1000) / c.executions;
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

  const lambdas = Object.values(c.lambda);
  const invocations = lambdas.reduce((n, f) => n + f.invocations, 0);
  const gbSeconds = lambdas.reduce((n, f) => n + (f.totalMs / 1000) * (f.memoryMb / 1024), 0);
  const streamGb = c.kinesis.bytesRoundedTo1KiB / GB;

  return [
    {
      service: 'Step Functions (Standard)',
      per1kUsd: per1k(c.stateTransitions) * prices.stepFunctionsStandardTransition,
      basis: `${fmt(per1k(c.stateTransitions))} state transitions (${fmt(per1k(c.childExecutions))} child executions)`,
    },
    {
      service: 'Lambda duration',
      per1kUsd: per1k(gbSeconds) * prices.lambdaArmGbSecond,
      basis: `${fmt(per1k(gbSeconds))} GB-s (arm64)`,
    },
    {
      service: 'Lambda requests',
      per1kUsd: per1k(invocations) * prices.lambdaRequest,
      basis: `${fmt(per1k(invocations))} invocations`,
    },
    {
      service: 'DynamoDB (on demand)',
      per1kUsd:
        per1k(c.dynamodb.writeRequestUnits) * prices.dynamoDbWriteRequestUnit +
        per1k(c.dynamodb.readRequestUnits) * prices.dynamoDbReadRequestUnit,
      basis: `${fmt(per1k(c.dynamodb.writeRequestUnits))} WRU + ${fmt(per1k(c.dynamodb.readRequestUnits))} RRU`,
    },
    {
      service: 'Kinesis (on demand)',
      per1kUsd:
        per1k(streamGb) * prices.kinesisOnDemandIngestGb +
        per1k(streamGb) * STREAM_CONSUMERS * prices.kinesisOnDemandRetrievalGb,
      basis: `${fmt(per1k(c.kinesis.records))} records, ${fmt(per1k(c.kinesis.bytes) / 1024)} KiB in, read by ${STREAM_CONSUMERS} consumers`,
    },
    {
      service: 'Firehose',
      per1kUsd: per1k(c.kinesis.bytesRoundedTo5KiB / GB) * prices.firehoseIngestGb,
      basis: `${fmt(per1k(c.kinesis.bytesRoundedTo5KiB) / 1024)} KiB billed (5 KB per record)`,
    },
    {
      service: 'S3 requests',
      per1kUsd: per1k(c.s3.putRequests) * prices.s3PutRequest + per1k(c.s3.getRequests) * prices.s3GetRequest,
      basis: `${fmt(per1k(c.s3.putRequests))} PUT-class + ${fmt(per1k(c.s3.getRequests))} GET-class requests`,
    },
    {
      service: 'API Gateway WebSocket',
      per1kUsd: per1k(c.websocket.messages) * prices.webSocketMessage,
      basis: `${fmt(per1k(c.websocket.messages))} pushes`,
    },
  ];
}

export function totalPer1k(lines: readonly VariableCostLine[]): number {
  return lines.reduce((n, l) => n + l.per1kUsd, 0);
}

/** USD per 1,000 executions of a model, at the tokens a run's `executions` used in total. */
export function modelCostPer1k(
  usage: { inputTokens: number; outputTokens: number },
  executions: number,
  price: { inputPerMTok: number; outputPerMTok: number },
): number {
  if (executions <= 0) throw new Error('modelCostPer1k: no prompt execution');
  const total = (usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1e6;
  return (total * 1000) / executions;
}
