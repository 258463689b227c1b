import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReanalysisJob } from '#shared/contracts/reanalysis.ts';
import type { TenantId } from '#shared/domain/workspace.ts';
import { runActionEngine } from '#shared/use-cases/actions.ts';
import { DynamoDbBrandRepository } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbRollupStore } from '../../adapters/aws/dynamodb-rollup-store.ts';
import { DynamoDbRunRepository } from '../../adapters/aws/dynamodb-run-repository.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { createActionHubServices } from '../actions/deps.ts';

/**
 * Runs the Action Hub's engine for a brand once its history was re-scored (the same engine a finished run triggers),
 * as a re-judge: open actions whose evidence the corrected series no longer shows say so (shared/actions/evidence-check.ts).
 */
export async function rejudgeActions(
  db: DynamoDBDocumentClient,
  tableName: string,
  tenantId: TenantId,
  brandId: string,
  job: Pick<ReanalysisJob, 'trigger' | 'configuredAt' | 'analyzerVersion' | 'status'>,
) {
  await runActionEngine(
    {
      ...createActionHubServices(db, tableName),
      brands: new DynamoDbBrandRepository(db, tableName),
      runs: new DynamoDbRunRepository(db, tableName),
      rollups: new DynamoDbRollupStore(db, tableName),
      workspaces: new DynamoDbWorkspaceRepository(db, tableName),
      clock: systemClock,
      ids: ulidGenerator,
    },
    tenantId,
    brandId,
    { rejudge: { reason: rejudgeReason(job) } },
  );
}

/** Why an action's evidence lapsed, in the words the Action Hub shows. */
export function rejudgeReason(job: Pick<ReanalysisJob, 'trigger' | 'configuredAt' | 'analyzerVersion' | 'status'>) {
  const cause =
    job.trigger === 'engine'
      ? `with analysis engine ${job.analyzerVersion}`
      : `with the brand settings saved ${job.configuredAt.slice(0, 16).replace('T', ' ')} UTC`;
  const partial =
    job.status === 'succeeded' ? '' : ' (re-scoring stopped before the end; some answers keep their old analysis)';
  return `The brand's answers were re-scored ${cause}${partial}; on the corrected numbers this finding no longer holds.`;
}
