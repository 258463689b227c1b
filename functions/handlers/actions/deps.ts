import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DEFAULT_ENGINE_CONFIG } from '#shared/actions/engine.ts';
import { DEFAULT_OUTCOME_CONFIG } from '#shared/actions/outcome.ts';
import type {
  ActionEventBus,
  ActionRepository,
  IntegrationRepository,
  MessageSigner,
  OutboundUrlValidator,
  WebhookSender,
} from '#shared/ports/actions.ts';
import type { ApiDestinationProvisioner } from '#shared/ports/api-destinations.ts';
import type { PushNotifier } from '#shared/ports/push.ts';
import { type ActionSettings, DEFAULT_ACTION_SETTINGS } from '#shared/use-cases/actions.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '#shared/use-cases/integrations.ts';
import { DynamoDbIntegrationRepository } from '../../adapters/aws/dynamodb-action-integrations.ts';
import { DynamoDbActionRepository } from '../../adapters/aws/dynamodb-action-repository.ts';
import { DynamoDbConnectionStore } from '../../adapters/aws/dynamodb-connection-store.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { createEventBridgeClient, EventBridgeActionBus } from '../../adapters/aws/eventbridge-action-bus.ts';
import { EventBridgeApiDestinationProvisioner } from '../../adapters/aws/eventbridge-api-destinations.ts';
import { secretSealerFromConfig } from '../../adapters/aws/kms-secret-sealer.ts';
import {
  createManagementApiClient,
  directoryMembershipCheck,
  WebSocketPushNotifier,
} from '../../adapters/aws/websocket-push.ts';
import { outboundPolicyFromEnv } from '../../adapters/http/outbound-url-guard.ts';
import { GuardedUrlValidator, GuardedWebhookSender, hmacSigner } from '../../adapters/integrations/outbound.ts';
import { readSecretsConfig } from '../../config.ts';

const days = (fallback: number) => z.coerce.number().int().min(0).max(365).default(fallback);

/**
 * Configuration of the Action Hub, read once; every tunable has a documented default (docs/actions.md) and the
 * outcome windows are configurable so a test can exercise outcome tracking.
 */
const actionConfigSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** The EventBridge bus carrying action.created / action.updated. @default promptpulse-actions */
  ACTION_BUS_NAME: z.string().min(1).default('promptpulse-actions'),
  EVENTBRIDGE_ENDPOINT: z.url().optional(),
  /** Base URL of the web app, for links in CRM tasks. @default http://localhost:4000 */
  APP_URL: z.url().default(DEFAULT_ACTION_SETTINGS.appUrl),
  WS_MANAGEMENT_ENDPOINT: z.url().optional(),
  ACTION_DAILY_CAP: z.coerce.number().int().min(0).max(100).default(5),
  ACTION_COOLDOWN_DAYS: days(14),
  ACTION_CURRENT_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  ACTION_BASELINE_DAYS: z.coerce.number().int().min(1).max(365).default(28),
  ACTION_OUTCOME_BEFORE_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  ACTION_OUTCOME_AFTER_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /** Delivery retries of the local bus (API destinations retry by their own policy in AWS). */
  ACTION_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(DEFAULT_RETRY_POLICY.maxAttempts),
  ACTION_DELIVERY_BASE_DELAY_MS: z.coerce.number().int().min(0).default(DEFAULT_RETRY_POLICY.baseDelayMs),
  /**
   * The role rule targets assume to invoke API destinations and the DLQ of those targets. Both set: HubSpot /
   * Salesforce integrations are delivered by EventBridge API destinations (provisioned by the API, skipped by the
   * delivery function); unset: every kind takes the Lambda path.
   */
  ACTION_API_DESTINATION_ROLE_ARN: z.string().min(1).optional(),
  ACTION_API_DESTINATION_DLQ_ARN: z.string().min(1).optional(),
  /** Requests per second to one CRM endpoint. @default 5 */
  ACTION_API_DESTINATION_RATE: z.coerce.number().int().min(1).max(300).default(5),
});
export type ActionConfig = z.infer<typeof actionConfigSchema>;

export function readActionConfig(env: Record<string, string | undefined> = process.env): ActionConfig {
  const parsed = actionConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid Action Hub configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export function actionSettingsFrom(config: ActionConfig): ActionSettings {
  return {
    ...DEFAULT_ACTION_SETTINGS,
    engine: DEFAULT_ENGINE_CONFIG,
    reconcile: { dailyCap: config.ACTION_DAILY_CAP, cooldownDays: config.ACTION_COOLDOWN_DAYS },
    outcome: {
      ...DEFAULT_OUTCOME_CONFIG,
      beforeDays: config.ACTION_OUTCOME_BEFORE_DAYS,
      afterDays: config.ACTION_OUTCOME_AFTER_DAYS,
    },
    currentDays: config.ACTION_CURRENT_DAYS,
    baselineDays: config.ACTION_BASELINE_DAYS,
    appUrl: config.APP_URL,
  };
}

export function retryPolicyFrom(config: ActionConfig): RetryPolicy {
  return {
    ...DEFAULT_RETRY_POLICY,
    maxAttempts: config.ACTION_DELIVERY_ATTEMPTS,
    baseDelayMs: config.ACTION_DELIVERY_BASE_DELAY_MS,
  };
}

/** The Action Hub's own ports, built once per cold start (the API, the stream consumer and the daily job). */
export interface ActionHubServices {
  actions: ActionRepository;
  integrations: IntegrationRepository;
  bus: ActionEventBus;
  urls: OutboundUrlValidator;
  sender: WebhookSender;
  signer: MessageSigner;
  settings: ActionSettings;
  push?: PushNotifier | undefined;
  destinations?: ApiDestinationProvisioner | undefined;
  apiDestinations: boolean;
}

export function createActionHubServices(
  db: DynamoDBDocumentClient,
  tableName: string,
  env: Record<string, string | undefined> = process.env,
): ActionHubServices {
  const config = readActionConfig(env);
  const policy = outboundPolicyFromEnv(env as NodeJS.ProcessEnv);
  const eventBridge = createEventBridgeClient(config);
  const apiDestinations = Boolean(config.ACTION_API_DESTINATION_ROLE_ARN && config.ACTION_API_DESTINATION_DLQ_ARN);
  return {
    actions: new DynamoDbActionRepository(db, tableName),
    integrations: new DynamoDbIntegrationRepository(db, tableName, secretSealerFromConfig(readSecretsConfig(env))),
    bus: new EventBridgeActionBus(eventBridge, config.ACTION_BUS_NAME),
    apiDestinations,
    destinations: apiDestinations
      ? new EventBridgeApiDestinationProvisioner(eventBridge, {
          busName: config.ACTION_BUS_NAME,
          targetRoleArn: config.ACTION_API_DESTINATION_ROLE_ARN ?? '',
          deadLetterQueueArn: config.ACTION_API_DESTINATION_DLQ_ARN ?? '',
          rateLimitPerSecond: config.ACTION_API_DESTINATION_RATE,
        })
      : undefined,
    urls: new GuardedUrlValidator(policy),
    sender: new GuardedWebhookSender(policy),
    signer: hmacSigner,
    settings: actionSettingsFrom(config),
    push: config.WS_MANAGEMENT_ENDPOINT
      ? new WebSocketPushNotifier(
          createManagementApiClient({
            AWS_REGION: config.AWS_REGION,
            WS_MANAGEMENT_ENDPOINT: config.WS_MANAGEMENT_ENDPOINT,
          }),
          new DynamoDbConnectionStore(db, tableName),
          { membership: directoryMembershipCheck(new DynamoDbWorkspaceRepository(db, tableName)) },
        )
      : undefined,
  };
}
