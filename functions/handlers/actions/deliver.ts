import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { ActionEventDetailSchema, type ActionEventType } from '#shared/contracts/actions.ts';
import { isTenantId } from '#shared/domain/workspace.ts';
import { deliverEvent, type IntegrationDeps } from '#shared/use-cases/integrations.ts';
import { createDocumentClient } from '../../adapters/aws/clients.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { readBaseConfig } from '../../config.ts';
import { logger, tracer } from '../../powertools.ts';
import { createActionHubServices, readActionConfig, retryPolicyFrom } from './deps.ts';

const config = readBaseConfig();
const services = createActionHubServices(tracer.captureAWSv3Client(createDocumentClient(config)), config.TABLE_NAME);
const deps: IntegrationDeps = { ...services, clock: systemClock, ids: ulidGenerator };
const policy = retryPolicyFrom(readActionConfig());

/**
 * Target of the bus's sync rule in AWS (cdk/constructs/action-sync.ts): the workspace-configured integrations of
 * the event's tenant each get their signed POST, with retries and backoff, every attempt in the delivery log and
 * the last failure dead-lettered with its reason — the same use case the local bus runs. A malformed event is
 * logged and dropped (it would fail the same way on every retry); an infrastructure failure throws. EventBridge
 * invokes this function asynchronously, so a throw is retried by Lambda (twice), then the invocation record (event
 * and error) goes to the function's on-failure queue `ActionSync/DeliverOnFailure`; the rule's DLQ (`SyncDlq`)
 * only receives events EventBridge could not hand to Lambda at all (docs/runbook.md#dead-letters).
 */
export const handler = middy(async (event: EventBridgeEvent<string, unknown>) => {
  const parsed = ActionEventDetailSchema.safeParse(event.detail);
  if (!parsed.success || !isTenantId(parsed.data.tenantId)) {
    logger.warn('Dropping a malformed action event', { id: event.id, detailType: event['detail-type'] });
    return { delivered: 0 };
  }
  const results = await deliverEvent(
    deps,
    parsed.data.tenantId,
    { type: event['detail-type'] as ActionEventType, detail: parsed.data },
    policy,
  );
  return { delivered: results.filter((d) => d.status === 'delivered').length, total: results.length };
}).use(injectLambdaContext(logger));
