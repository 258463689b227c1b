/**
 * Hooks a cost measurement passes to the local stack (tools/cost/measure.ts): what Lambda and Step Functions would
 * bill for, seen where the local stack stands in for them. Off unless `startLocalStack({ meter })` is given one.
 */
export interface UsageMeter {
  /** One invocation of the Lambda function `fn` (a workflow task state's or a stream consumer's), taking `ms`. */
  lambda(fn: string, ms: number): void;
  /** One event of a workflow execution's history (aws-local-stepfunctions' event log). */
  workflowEvent(
    stateMachineArn: string,
    event: { type: string; state?: { name: string }; parentState?: { name: string } },
  ): void;
}
