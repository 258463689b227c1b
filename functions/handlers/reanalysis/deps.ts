import * as z from 'zod';
import type { TenantId } from '#shared/domain/workspace.ts';
import { DEFAULT_REANALYSIS_LIMITS, type ReanalysisDeps } from '#shared/use-cases/reanalysis.ts';
import { createDocumentClient, createS3Client, createSfnClient } from '../../adapters/aws/clients.ts';
import { DynamoDbAnalysisLedger } from '../../adapters/aws/dynamodb-analysis-ledger.ts';
import { DynamoDbBrandRepository } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbReanalysisJobs } from '../../adapters/aws/dynamodb-reanalysis-jobs.ts';
import { createKinesisClient, KinesisEventPublisher } from '../../adapters/aws/kinesis-event-publisher.ts';
import { S3RawAnswerStore } from '../../adapters/aws/s3-raw-answer-store.ts';
import { SfnReanalysisStarter } from '../../adapters/aws/sfn-reanalysis-starter.ts';
import { createPushNotifier } from '../../adapters/aws/websocket-push.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { ConfigError, readBaseConfig } from '../../config.ts';
import { tracer } from '../../powertools.ts';

const reanalysisSchema = z.object({
  LAKE_BUCKET: z.string().min(1),
  EVENT_STREAM_NAME: z.string().min(1),
  /** The re-analysis state machine (jobs started by the sweep and by brand changes). */
  REANALYSIS_STATE_MACHINE_ARN: z.string().min(1).optional(),
  SFN_ENDPOINT: z.url().optional(),
  /** Function time one tenant's re-analysis may use per UTC day, in seconds. @default 900 */
  REANALYSIS_DAILY_BUDGET_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_REANALYSIS_LIMITS.dailyBudgetMs / 1000),
});

type Env = Record<string, string | undefined>;

/**
 * Everything the re-analysis workflow's steps need, built once per cold start. `afterRescore` re-judges the brand's
 * actions on the corrected series (the Action Hub's engine, loaded on first use: only the Finish step needs it).
 */
export function createReanalysisDeps(env: Env = process.env): ReanalysisDeps {
  const base = readBaseConfig(env);
  const parsed = reanalysisSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid re-analysis configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const config = parsed.data;
  const db = tracer.captureAWSv3Client(createDocumentClient(base));
  const starter = config.REANALYSIS_STATE_MACHINE_ARN
    ? new SfnReanalysisStarter(
        tracer.captureAWSv3Client(createSfnClient({ AWS_REGION: base.AWS_REGION, SFN_ENDPOINT: config.SFN_ENDPOINT })),
        config.REANALYSIS_STATE_MACHINE_ARN,
      )
    : undefined;
  return {
    ledger: new DynamoDbAnalysisLedger(db, base.TABLE_NAME),
    jobs: new DynamoDbReanalysisJobs(db, base.TABLE_NAME),
    brands: new DynamoDbBrandRepository(db, base.TABLE_NAME),
    rawAnswers: new S3RawAnswerStore(tracer.captureAWSv3Client(createS3Client(base)), config.LAKE_BUCKET),
    events: new KinesisEventPublisher(tracer.captureAWSv3Client(createKinesisClient(base)), config.EVENT_STREAM_NAME),
    clock: systemClock,
    ids: ulidGenerator,
    starter,
    push: env.WS_MANAGEMENT_ENDPOINT ? createPushNotifier({ db }) : undefined,
    limits: { dailyBudgetMs: config.REANALYSIS_DAILY_BUDGET_SECONDS * 1000 },
    afterRescore: async (tenantId, brandId, job) => {
      const { rejudgeActions } = await import('./rejudge.ts');
      await rejudgeActions(db, base.TABLE_NAME, tenantId as TenantId, brandId, job);
    },
  };
}
