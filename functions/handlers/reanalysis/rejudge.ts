import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '#shared/domain/workspace.ts';
import { runActionEngine } from '#shared/use-cases/actions.ts';
import { DynamoDbBrandRepository } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbRollupStore } from '../../adapters/aws/dynamodb-rollup-store.ts';
import { DynamoDbRunRepository } from '../../adapters/aws/dynamodb-run-repository.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { createActionHubServices } from '../actions/deps.ts';

/** Runs the Action Hub's engine for a brand once its history was re-scored (the same engine a finished run triggers). */
export async function rejudgeActions(
  db: DynamoDBDocumentClient,
  tableName: string,
  tenantId: TenantId,
  brandId: string,
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
  );
}
