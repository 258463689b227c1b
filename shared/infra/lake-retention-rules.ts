import { RETENTION_DAYS, RETENTION_TAG_KEY, retentionTagValue } from '../domain/retention.ts';

/** One S3 lifecycle rule of the lake bucket: objects under `prefix` tagged `tag` expire `expirationDays` after creation. */
export interface LakeLifecycleRule {
  id: string;
  prefix: string;
  tag: { key: string; value: string };
  expirationDays: number;
}

/**
 * The lake bucket's retention rules, one per allowed choice (a workspace's raw answers carry the tag of its choice).
 * The CDK bucket (cdk/constructs/lake-bucket.ts) and the local lifecycle sweeper (local/lifecycle-sweeper.ts) both
 * read this list, so the local stack expires exactly what S3 would.
 */
export const LAKE_RETENTION_RULES: readonly LakeLifecycleRule[] = RETENTION_DAYS.map((days) => ({
  id: `retention-${days}d`,
  prefix: 'tenants/',
  tag: { key: RETENTION_TAG_KEY, value: retentionTagValue(days) },
  expirationDays: days,
}));
