import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DeleteApiDestinationCommand,
  DeleteConnectionCommand,
  DeleteRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  UpdateApiDestinationCommand,
  UpdateConnectionCommand,
} from '@aws-sdk/client-eventbridge';
import {
  apiDestinationEventPattern,
  apiDestinationInputTransformer,
  apiDestinationName,
} from '#shared/actions/crm-task.ts';
import { ACTION_EVENT_SOURCE } from '#shared/actions/payloads.ts';
import type { TenantId } from '#shared/domain/workspace.ts';
import type { IntegrationRecord } from '#shared/ports/actions.ts';
import type { ApiDestinationProvisioner } from '#shared/ports/api-destinations.ts';

export interface ApiDestinationSettings {
  /** The actions bus the rules are put on. */
  busName: string;
  /** The role rule targets assume to invoke API destinations (`events:InvokeApiDestination`). */
  targetRoleArn: string;
  /** The SQS queue receiving events EventBridge gave up on. */
  deadLetterQueueArn: string;
  /** Requests per second to one CRM endpoint. @default 5 */
  rateLimitPerSecond?: number;
  /** EventBridge's retries before the DLQ. @default 8 retries within 24 h */
  maximumRetryAttempts?: number;
  maximumEventAgeSeconds?: number;
}

/** The target id of the one target on an integration's rule. */
export const API_DESTINATION_TARGET_ID = 'crm';

const named = (error: unknown, name: string) => (error as { name?: string } | null)?.name === name;

/** Runs a delete and treats "already gone" as done. */
async function gone(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    if (!named(error, 'ResourceNotFoundException')) throw error;
  }
}

/**
 * {@link ApiDestinationProvisioner} on EventBridge: per HubSpot / Salesforce integration a connection (API key
 * auth: `Authorization: Bearer <token>`, the token stored by EventBridge in Secrets Manager), an API destination
 * (POST to the integration's URL, rate-limited), a rule on the actions bus (that tenant's subscribed events only)
 * and a target with the kind's input transformer, retry policy and DLQ. All four share one name
 * ({@link apiDestinationName}), which the IAM policy of the API function is scoped to.
 */
export class EventBridgeApiDestinationProvisioner implements ApiDestinationProvisioner {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly settings: ApiDestinationSettings,
  ) {}

  async upsert(tenantId: TenantId, integration: IntegrationRecord): Promise<void> {
    if (integration.kind === 'webhook') throw new Error('Signed webhooks are delivered by the Lambda path');
    const name = apiDestinationName(tenantId, integration.id);
    const auth = {
      AuthorizationType: 'API_KEY' as const,
      AuthParameters: {
        ApiKeyAuthParameters: { ApiKeyName: 'Authorization', ApiKeyValue: `Bearer ${integration.secret}` },
      },
    };
    const description = `PromptPulse ${integration.kind} integration ${integration.id} of ${tenantId}`;
    let connectionArn: string | undefined;
    try {
      connectionArn = (
        await this.client.send(new CreateConnectionCommand({ Name: name, Description: description, ...auth }))
      ).ConnectionArn;
    } catch (error) {
      if (!named(error, 'ResourceAlreadyExistsException')) throw error;
      connectionArn = (
        await this.client.send(new UpdateConnectionCommand({ Name: name, Description: description, ...auth }))
      ).ConnectionArn;
    }
    const destination = {
      Name: name,
      Description: description,
      ConnectionArn: connectionArn,
      InvocationEndpoint: integration.url,
      HttpMethod: 'POST' as const,
      InvocationRateLimitPerSecond: this.settings.rateLimitPerSecond ?? 5,
    };
    let destinationArn: string | undefined;
    try {
      destinationArn = (await this.client.send(new CreateApiDestinationCommand(destination))).ApiDestinationArn;
    } catch (error) {
      if (!named(error, 'ResourceAlreadyExistsException')) throw error;
      destinationArn = (await this.client.send(new UpdateApiDestinationCommand(destination))).ApiDestinationArn;
    }
    await this.client.send(
      new PutRuleCommand({
        Name: name,
        EventBusName: this.settings.busName,
        Description: description,
        State: integration.enabled ? 'ENABLED' : 'DISABLED',
        EventPattern: JSON.stringify(apiDestinationEventPattern(ACTION_EVENT_SOURCE, tenantId, integration.events)),
      }),
    );
    const result = await this.client.send(
      new PutTargetsCommand({
        Rule: name,
        EventBusName: this.settings.busName,
        Targets: [
          {
            Id: API_DESTINATION_TARGET_ID,
            Arn: destinationArn,
            RoleArn: this.settings.targetRoleArn,
            InputTransformer: apiDestinationInputTransformer(integration.kind),
            RetryPolicy: {
              MaximumRetryAttempts: this.settings.maximumRetryAttempts ?? 8,
              MaximumEventAgeInSeconds: this.settings.maximumEventAgeSeconds ?? 24 * 3600,
            },
            DeadLetterConfig: { Arn: this.settings.deadLetterQueueArn },
          },
        ],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) {
      throw new Error(
        `PutTargets refused the target of ${name}: ${result.FailedEntries?.[0]?.ErrorMessage ?? 'unknown'}`,
      );
    }
  }

  async remove(tenantId: TenantId, integrationId: string): Promise<void> {
    const name = apiDestinationName(tenantId, integrationId);
    const bus = this.settings.busName;
    await gone(() =>
      this.client.send(new RemoveTargetsCommand({ Rule: name, EventBusName: bus, Ids: [API_DESTINATION_TARGET_ID] })),
    );
    await gone(() => this.client.send(new DeleteRuleCommand({ Name: name, EventBusName: bus })));
    await gone(() => this.client.send(new DeleteApiDestinationCommand({ Name: name })));
    await gone(() => this.client.send(new DeleteConnectionCommand({ Name: name })));
  }
}
