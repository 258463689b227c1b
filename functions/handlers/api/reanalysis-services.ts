import { requestReanalysis } from '#shared/use-cases/reanalysis.ts';
import { createSfnClient } from '../../adapters/aws/clients.ts';
import { DynamoDbAnalysisLedger } from '../../adapters/aws/dynamodb-analysis-ledger.ts';
import { DynamoDbBrandRepository } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbReanalysisJobs } from '../../adapters/aws/dynamodb-reanalysis-jobs.ts';
import { SfnReanalysisStarter } from '../../adapters/aws/sfn-reanalysis-starter.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { tracer } from '../../powertools.ts';
import type { ReanalysisRouteDeps } from './routes/reanalysis.ts';
import { config, db } from './wiring.ts';

/**
 * The API's part of re-analysis: the job routes and, when `REANALYSIS_STATE_MACHINE_ARN` is set, a job started
 * whenever a brand update changes what the analysis tracks (BrandDeps.entitiesChanged).
 */
export function reanalysisServices(env: Record<string, string | undefined> = process.env) {
  const arn = env.REANALYSIS_STATE_MACHINE_ARN;
  const reanalysis: ReanalysisRouteDeps = {
    jobs: new DynamoDbReanalysisJobs(db, config.TABLE_NAME),
    ledger: new DynamoDbAnalysisLedger(db, config.TABLE_NAME),
    brands: new DynamoDbBrandRepository(db, config.TABLE_NAME),
    ids: ulidGenerator,
    clock: systemClock,
    starter: arn
      ? new SfnReanalysisStarter(
          tracer.captureAWSv3Client(createSfnClient({ AWS_REGION: config.AWS_REGION, SFN_ENDPOINT: env.SFN_ENDPOINT })),
          arn,
        )
      : undefined,
  };
  return {
    reanalysis,
    entitiesChanged: reanalysis.starter
      ? async (tenantId: string, brandId: string) => {
          await requestReanalysis(reanalysis, { tenantId, brandId, trigger: 'configuration' });
        }
      : undefined,
  };
}
