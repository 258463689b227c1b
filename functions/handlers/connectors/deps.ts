import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { BrandRepository } from '#shared/ports/brand-repository.ts';
import {
  BrandAnalyzers,
  type ConnectorAdminDeps,
  type IngestDeps,
  type WebhookDeps,
} from '#shared/use-cases/connectors.ts';
import { createDocumentClient, createSfnClient } from '../../adapters/aws/clients.ts';
import { DynamoDbBrandRepository } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbConnectorRepository } from '../../adapters/aws/dynamodb-connector-repository.ts';
import { createKinesisClient, KinesisEventPublisher } from '../../adapters/aws/kinesis-event-publisher.ts';
import { secretSealerFromConfig } from '../../adapters/aws/kms-secret-sealer.ts';
import {
  connectorCredentials,
  createConnectorRegistry,
  guardedHttp,
  readConnectorEndpoints,
} from '../../adapters/connectors/index.ts';
import { newWebhookSecretValue, verifyWebhookSignature } from '../../adapters/connectors/webhook-signature.ts';
import {
  assertOutboundUrlAllowed,
  OutboundUrlRefusedError,
  outboundPolicyFromEnv,
} from '../../adapters/http/outbound-url-guard.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { ConfigError, readBaseConfig } from '../../config.ts';
import { tracer } from '../../powertools.ts';

type Env = Record<string, string | undefined>;

/** Everything the connector workflow, the webhook and the admin API need, built once per cold start. */
export function createConnectorDeps(env: Env = process.env) {
  const base = readBaseConfig(env);
  const db = tracer.captureAWSv3Client(createDocumentClient(base));
  const connectors = new DynamoDbConnectorRepository(db, base.TABLE_NAME, secretSealerFromConfig(base));
  const brands: Pick<BrandRepository, 'getBrand'> = new DynamoDbBrandRepository(db, base.TABLE_NAME);
  const policy = outboundPolicyFromEnv(env);
  const sources = createConnectorRegistry({
    http: guardedHttp(policy),
    credentials: connectorCredentials(env),
    endpoints: readConnectorEndpoints(env),
  });
  const analyzers = new BrandAnalyzers();
  let events: KinesisEventPublisher | null = null;
  const publisher = {
    publish: (batch: Parameters<KinesisEventPublisher['publish']>[0]) => {
      if (!base.EVENT_STREAM_NAME) throw new ConfigError('EVENT_STREAM_NAME is required to publish signals');
      events ??= new KinesisEventPublisher(
        tracer.captureAWSv3Client(createKinesisClient(base)),
        base.EVENT_STREAM_NAME,
      );
      return events.publish(batch);
    },
  };
  const stateMachineArn = env.CONNECTOR_STATE_MACHINE_ARN;
  const sfn = stateMachineArn
    ? tracer.captureAWSv3Client(createSfnClient({ AWS_REGION: base.AWS_REGION, SFN_ENDPOINT: env.SFN_ENDPOINT }))
    : null;
  const startIngest =
    sfn && stateMachineArn
      ? async () => {
          await sfn.send(
            new StartExecutionCommand({
              stateMachineArn,
              name: `ingest-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
              input: JSON.stringify({ trigger: 'api' }),
            }),
          );
        }
      : undefined;

  const ingest: IngestDeps = { connectors, brands, clock: systemClock, sources, events: publisher, analyzers };
  const webhook: WebhookDeps = {
    connectors,
    brands,
    clock: systemClock,
    events: publisher,
    analyzers,
    verify: verifyWebhookSignature,
  };
  const webhookBase = (env.PUBLIC_API_URL ?? '').replace(/\/+$/, '');
  const admin: ConnectorAdminDeps & { analyzers: BrandAnalyzers } = {
    connectors,
    brands,
    clock: systemClock,
    ids: ulidGenerator,
    sources,
    analyzers,
    checkUrl: async (url, field) => {
      try {
        await assertOutboundUrlAllowed(url, policy);
      } catch (error) {
        if (error instanceof OutboundUrlRefusedError) throw error.toValidationError(field);
        throw error;
      }
    },
    newSecret: newWebhookSecretValue,
    webhookUrl: (connectorId) => `${webhookBase}/ingest/webhooks/${connectorId}`,
    ...(startIngest ? { startIngest } : {}),
  };
  return { ingest, webhook, admin };
}

export type ConnectorDeps = ReturnType<typeof createConnectorDeps>;
