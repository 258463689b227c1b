import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { WorkflowStarter } from '#shared/ports/runs.ts';
import { currentCorrelationId, newCorrelationId } from '../../observability/correlation.ts';

/** Starts the prompt fan-out state machine; the execution is named after the run, so a retry cannot start two. */
export class SfnWorkflowStarter implements WorkflowStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async startRun(input: { tenantId: string; runId: string }): Promise<void> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: input.runId,
          // Every step receives `correlationId` (the ASL passes it down), so the run's logs join the request's.
          input: JSON.stringify({ ...input, correlationId: currentCorrelationId() ?? newCorrelationId() }),
        }),
      );
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists || (error as Error).name === 'ExecutionAlreadyExists') return;
      throw error;
    }
  }
}
