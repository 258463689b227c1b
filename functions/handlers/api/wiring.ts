import { JwtAccessTokenVerifier } from '../../adapters/auth/jwt-access-token-verifier.ts';
import { createDocumentClient, createS3Client } from '../../adapters/aws/clients.ts';
import { DynamoDbAnalysisLedger } from '../../adapters/aws/dynamodb-analysis-ledger.ts';
import { DynamoDbAuditLog } from '../../adapters/aws/dynamodb-audit-log.ts';
import { DynamoDbBrandRepository } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbModelCatalogueStore } from '../../adapters/aws/dynamodb-model-catalogue.ts';
import { DynamoDbRateLimiter } from '../../adapters/aws/dynamodb-rate-limiter.ts';
import { DynamoDbRetentionSettings } from '../../adapters/aws/dynamodb-retention-settings.ts';
import { DynamoDbRollupStore } from '../../adapters/aws/dynamodb-rollup-store.ts';
import { DynamoDbRunRepository } from '../../adapters/aws/dynamodb-run-repository.ts';
import { DynamoDbSignalAlertStore } from '../../adapters/aws/dynamodb-signal-alert-store.ts';
import { DynamoDbSignalStore } from '../../adapters/aws/dynamodb-signal-store.ts';
import { DynamoDbWorkspaceDeletionLedger } from '../../adapters/aws/dynamodb-tenant-lifecycle.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import {
  AwsWorkspaceExportSource,
  auditWriter,
  exportDownloadUrl,
  exportKey,
  S3TarGzArchive,
} from '../../adapters/aws/s3-workspace-export.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { readApiConfig } from '../../config.ts';
import { logger, tracer } from '../../powertools.ts';

/*
 * The cold-start wiring every API function shares (the full app of index.ts and the route-group functions of
 * core.ts, actions.ts and connectors.ts): configuration, the table client, the JWT verifier and the table-backed
 * stores, built once per container. Each entry adds only what its routes use, so its bundle carries nothing else.
 */
export const config = readApiConfig();
export const db = tracer.captureAWSv3Client(createDocumentClient(config));
export const verifier = await JwtAccessTokenVerifier.create(config.auth);

/** The API's rate limits (per tenant and route; per webhook connector), counted in the table by every instance. */
const limiter = new DynamoDbRateLimiter(db, config.TABLE_NAME, logger);
export const rateLimits = {
  rateLimit:
    config.API_RATE_LIMIT_PER_MINUTE > 0
      ? { limiter, rule: { limit: config.API_RATE_LIMIT_PER_MINUTE, windowSeconds: 60 } }
      : undefined,
  webhookRateLimit:
    config.WEBHOOK_RATE_LIMIT_PER_MINUTE > 0
      ? { limiter, rule: { limit: config.WEBHOOK_RATE_LIMIT_PER_MINUTE, windowSeconds: 60 } }
      : undefined,
};

/** Workspace export: the lake bucket's objects and the table's items into one archive in the bucket. */
function workspaceExports() {
  const bucket = config.LAKE_BUCKET;
  if (!bucket) return undefined;
  const s3 = tracer.captureAWSv3Client(createS3Client(config));
  return {
    source: new AwsWorkspaceExportSource(db, config.TABLE_NAME, s3, bucket),
    openArchive: (tenantId: string, exportId: string) => new S3TarGzArchive(s3, bucket, exportKey(tenantId, exportId)),
    auditFor: (tenantId: string) => auditWriter(db, config.TABLE_NAME, tenantId as never),
    downloadUrl: (key: string) => exportDownloadUrl(s3, bucket, key),
  };
}

/** The table-backed stores and system ports all route groups share. */
export function tableStores() {
  const runs = new DynamoDbRunRepository(db, config.TABLE_NAME);
  return {
    verifier,
    workspaces: new DynamoDbWorkspaceRepository(db, config.TABLE_NAME),
    brands: new DynamoDbBrandRepository(db, config.TABLE_NAME),
    auditLog: new DynamoDbAuditLog(db, config.TABLE_NAME),
    runs,
    usage: runs,
    rollups: new DynamoDbRollupStore(db, config.TABLE_NAME),
    signals: new DynamoDbSignalStore(db, config.TABLE_NAME),
    signalAlerts: new DynamoDbSignalAlertStore(db, config.TABLE_NAME),
    catalogue: new DynamoDbModelCatalogueStore(db, config.TABLE_NAME),
    clock: systemClock,
    ids: ulidGenerator,
    maxBodyBytes: config.MAX_BODY_BYTES,
    version: process.env.APP_VERSION ?? 'dev',
    ...rateLimits,
    deletions: new DynamoDbWorkspaceDeletionLedger(db, config.TABLE_NAME),
    exports: workspaceExports(),
    retention: new DynamoDbRetentionSettings(db, config.TABLE_NAME),
    analyses: new DynamoDbAnalysisLedger(db, config.TABLE_NAME),
  };
}

export { httpHandler } from './wiring-http.ts';
