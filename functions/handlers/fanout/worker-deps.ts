import * as z from 'zod';
import type { AnalysisLedger } from '#shared/ports/reanalysis.ts';
import { cachedRetentionLookup } from '#shared/use-cases/retention.ts';
import type { WorkerDeps } from '#shared/use-cases/runs.ts';
import { createDocumentClient, createS3Client } from '../../adapters/aws/clients.ts';
import { DynamoDbAnalysisLedger } from '../../adapters/aws/dynamodb-analysis-ledger.ts';
import { DynamoDbBrandRepository } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbProviderPauses } from '../../adapters/aws/dynamodb-provider-pauses.ts';
import { DynamoDbRetentionSettings } from '../../adapters/aws/dynamodb-retention-settings.ts';
import { DynamoDbRunRepository } from '../../adapters/aws/dynamodb-run-repository.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { createKinesisClient, KinesisEventPublisher } from '../../adapters/aws/kinesis-event-publisher.ts';
import { S3RawAnswerStore } from '../../adapters/aws/s3-raw-answer-store.ts';
import { createPushNotifier } from '../../adapters/aws/websocket-push.ts';
import { providerJudgeFactory } from '../../adapters/providers/sentiment-judge.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { ConfigError, readBaseConfig } from '../../config.ts';
import { logger, tracer } from '../../powertools.ts';

const fanoutSchema = z.object({
  LAKE_BUCKET: z.string().min(1),
  /** Per-provider concurrency inside one run, e.g. `openai=8,anthropic=4`. */
  PROVIDER_CONCURRENCY: z.string().default(''),
});

export interface WorkerDepsOptions {
  /**
   * The AI providers, for the step that asks them (Ask; locally, the runner that serves every step). Built by
   * `providersOf` in provider-wiring.ts, which is imported only where it is used: the four provider SDKs are most of
   * a step bundle's weight, and the other four steps never call a provider.
   * @default a registry that refuses every provider
   */
  providers?: WorkerDeps['providers'];
}

/**
 * Everything the fan-out workflow's functions need, built once per cold start from the environment. The same
 * wiring serves Lambda and the local Step Functions runner.
 */
export function createWorkerDeps(
  env: Record<string, string | undefined> = process.env,
  options: WorkerDepsOptions = {},
): WorkerDeps & { analysisLedger: AnalysisLedger } {
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
    providers: options.providers ?? NO_PROVIDERS,
    // The opt-in sentiment judge asks the same providers; only where they are wired (Analyze, Ask, local runner).
    sentimentJudges: options.providers ? providerJudgeFactory(options.providers) : undefined,
    clock: systemClock,
    ids: ulidGenerator,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    pauses: new DynamoDbProviderPauses(db, base.TABLE_NAME),
    retention: cachedRetentionLookup(new DynamoDbRetentionSettings(db, base.TABLE_NAME), systemClock, 60_000, (error) =>
      logger.warn('Retention settings unavailable; raw answer kept', { error }),
    ),
    // What each analysed answer contributed, for re-analysis (shared/use-cases/reanalysis.ts).
    analysisLedger: new DynamoDbAnalysisLedger(db, base.TABLE_NAME),
    concurrency,
    // Progress reaches browsers when the WebSocket API is configured; runs work the same without it.
    push: env.WS_MANAGEMENT_ENDPOINT ? createPushNotifier({ db }) : undefined,
    // Canonical events (answer.analyzed, run.completed) go to the stream when one is configured.
    events: base.EVENT_STREAM_NAME
      ? new KinesisEventPublisher(tracer.captureAWSv3Client(createKinesisClient(base)), base.EVENT_STREAM_NAME)
      : undefined,
  };
}

/** What a step without provider wiring has: asking is the Ask step's job, so reaching here is a wiring bug. */
const NO_PROVIDERS: WorkerDeps['providers'] = {
  get: (id) => {
    throw new ConfigError(`No AI providers are wired into this step (asked for ${id}); only the Ask step asks them`);
  },
};
