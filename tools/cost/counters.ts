/**
 * What AWS would bill for a run, counted while the run executes on the local stack (tools/cost/measure.ts), and
 * priced per 1,000 prompt executions by tools/cost/variable-cost.ts. Plain data, so a test can hand-make one.
 */
export interface UsageCounters {
  /** Prompt executions (work items) the run covered. */
  executions: number;
  /** Step Functions Standard state transitions (parent and Distributed Map child executions, retries included). */
  stateTransitions: number;
  /** Standard child executions the Distributed Map started (one per work item). */
  childExecutions: number;
  /** Lambda invocations per function: count, summed duration (ms) and the function's configured memory (MB). */
  lambda: Record<string, { invocations: number; totalMs: number; memoryMb: number }>;
  /** DynamoDB on-demand request units (from ReturnConsumedCapacity). */
  dynamodb: { readRequestUnits: number; writeRequestUnits: number; requests: number };
  /**
   * Kinesis PutRecord(s): records put, their payload bytes (data + partition key), and the same bytes with each record
   * rounded up to 1 KiB (Kinesis on-demand ingest) and to 5 KiB (Firehose ingest, the lake's delivery stream).
   */
  kinesis: { records: number; bytes: number; bytesRoundedTo1KiB: number; bytesRoundedTo5KiB: number };
  /** S3 requests by price class (PUT/COPY/POST/LIST vs GET and the rest) and bytes put. */
  s3: { putRequests: number; getRequests: number; bytesPut: number };
  /** API Gateway WebSocket messages pushed to connections (PostToConnection). */
  websocket: { messages: number; bytes: number };
}

export function emptyCounters(): UsageCounters {
  return {
    executions: 0,
    stateTransitions: 0,
    childExecutions: 0,
    lambda: {},
    dynamodb: { readRequestUnits: 0, writeRequestUnits: 0, requests: 0 },
    kinesis: { records: 0, bytes: 0, bytesRoundedTo1KiB: 0, bytesRoundedTo5KiB: 0 },
    s3: { putRequests: 0, getRequests: 0, bytesPut: 0 },
    websocket: { messages: 0, bytes: 0 },
  };
}
