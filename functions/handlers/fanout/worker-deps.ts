import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { WorkerDeps } from '#shared/use-cases/runs.ts';
import { createDocumentClient, createS3Client } from '../../adapters/aws/clients.ts';
import { DynamoDbBrandRepository } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbRunRepository } from '../../adapters/aws/dynamodb-run-repository.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { createKinesisClient, KinesisEventPublisher } from '../../adapters/aws/kinesis-event-publisher.ts';
import { S3RawAnswerStore } from '../../adapters/aws/s3-raw-answer-store.ts';
import { createPushNotifier } from '../../adapters/aws/websocket-push.ts';
import {
  createProviderRegistry,
  type ProviderRegistry,
  readProvidersConfig,
  withSecretKeys,
} from '../../adapters/providers/registry.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { ConfigError, readBaseConfig } from '../../config.ts';
import { tracer } from '../../powertools.ts';

const fanoutSchema = z.object({
  LAKE_BUCKET: z.string().min(1),
  /** Per-provider concurrency inside one run, e.g. `openai=8,anthropic=4`. */
  PROVIDER_CONCURRENCY: z.string().default(''),
});

export interface WorkerDepsOptions {
  /** Reads the string of a Secrets Manager secret. @default `GetSecretValue` with the AWS SDK */
  readSecret?: (secretArn: string) => Promise<string>;
}

/**
 * Everything the fan-out workflow's functions need, built once per cold start from the environment. The same
 * wiring serves Lambda and the local Step Functions runner.
 */
export function createWorkerDeps(
  env: Record<string, string | undefined> = process.env,
  options: WorkerDepsOptions = {},
): WorkerDeps {
  const base = readBaseConfig(env);
  const parsed = fanoutSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid fan-out configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const db = tracer.captureAWSv3Client(createDocumentClient(base));
  const runs = new DynamoDbRunRepository(db, base.TABLE_NAME);
  const concurrency = Object.fromEntries(
    parsed.data.PROVIDER_CONCURRENCY.split(',')
      .map((pair) => pair.split('=').map((s) => s.trim()))
      .filter(([k, v]) => k && Number(v) > 0)
      .map(([k, v]) => [k, Number(v)]),
  );
  return {
    runs,
    usage: runs,
    brands: new DynamoDbBrandRepository(db, base.TABLE_NAME),
    workspaces: new DynamoDbWorkspaceRepository(db, base.TABLE_NAME),
    rawAnswers: new S3RawAnswerStore(tracer.captureAWSv3Client(createS3Client(base)), parsed.data.LAKE_BUCKET),
    providers: env.PROVIDER_SECRET_ARN
      ? providersFromSecret(env, env.PROVIDER_SECRET_ARN, options.readSecret ?? secretReader(base.AWS_REGION))
      : lazyProviders(env),
    clock: systemClock,
    ids: ulidGenerator,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    concurrency,
    // Progress reaches browsers when the WebSocket API is configured; runs work the same without it.
    push: env.WS_MANAGEMENT_ENDPOINT ? createPushNotifier({ db }) : undefined,
    // Canonical events (answer.analyzed, run.completed) go to the stream when one is configured.
    events: base.EVENT_STREAM_NAME
      ? new KinesisEventPublisher(tracer.captureAWSv3Client(createKinesisClient(base)), base.EVENT_STREAM_NAME)
      : undefined,
  };
}

/** Built on first use: only the Ask step talks to providers, and only it needs their keys. */
function lazyProviders(env: Record<string, string | undefined>): WorkerDeps['providers'] {
  let registry: ReturnType<typeof createProviderRegistry> | null = null;
  return {
    get: (id) => {
      registry ??= createProviderRegistry(readProvidersConfig(env));
      return registry.get(id);
    },
  };
}

/**
 * In AWS (`PROVIDER_SECRET_ARN` is set on the Ask function only): the keys come from the Secrets Manager secret
 * (JSON `{"openai": "...", ...}`), fetched once per cold start (the fetch starts during init) and merged over the
 * environment with `withSecretKeys`. A failed fetch or an incomplete secret fails the ask with its error (the
 * workflow records it) and is tried again by the next ask instead of poisoning the container.
 */
function providersFromSecret(
  env: Record<string, string | undefined>,
  secretArn: string,
  readSecret: (secretArn: string) => Promise<string>,
): WorkerDeps['providers'] {
  let registry: Promise<ProviderRegistry> | null = null;
  const load = (): Promise<ProviderRegistry> => {
    if (!registry) {
      const loading = readSecret(secretArn).then((secret) =>
        createProviderRegistry(withSecretKeys(readProvidersConfig(env), secret)),
      );
      loading.catch(() => {
        if (registry === loading) registry = null;
      });
      registry = loading;
    }
    return registry;
  };
  void load();
  return {
    get: (id) => ({ id, ask: async (request, signal) => (await load()).get(id).ask(request, signal) }),
  };
}

function secretReader(region: string): (secretArn: string) => Promise<string> {
  const client = tracer.captureAWSv3Client(new SecretsManagerClient({ region }));
  return async (secretArn) => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new ConfigError('Provider keys secret has no string value');
    return SecretString;
  };
}
