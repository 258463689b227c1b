import { describe, expect, it } from 'vitest';
import { RETENTION_DAYS, RETENTION_TAG_KEY } from '../../shared/domain/retention.ts';
import { defaultTemplates, logicalIdOf } from './support.ts';

type Rule = {
  Id: string;
  Status: string;
  Prefix?: string;
  TagFilters?: { Key: string; Value: string }[];
  ExpirationInDays?: number;
  NoncurrentVersionExpiration?: { NoncurrentDays: number };
};

/** Workspace retention of raw answers in AWS: one lifecycle rule per allowed choice on the lake bucket. */
describe('lake bucket retention rules', () => {
  const { app, stateful } = defaultTemplates();
  const bucket = stateful.toJSON().Resources[logicalIdOf(app.stateful.lake.bucket)];
  const rules = bucket.Properties.LifecycleConfiguration.Rules as Rule[];

  it('has one enabled rule per choice, filtered on the tenants/ prefix and that choice’s tag, expiring after its days', () => {
    const retention = rules.filter((r) => r.TagFilters?.some((t) => t.Key === RETENTION_TAG_KEY));
    expect(retention.map((r) => [r.Prefix, r.TagFilters, r.ExpirationInDays, r.Status])).toEqual(
      RETENTION_DAYS.map((days) => ['tenants/', [{ Key: RETENTION_TAG_KEY, Value: `${days}d` }], days, 'Enabled']),
    );
    // The bucket is versioned: the expired version goes a day later instead of after the general 90 days.
    expect(retention.every((r) => r.NoncurrentVersionExpiration?.NoncurrentDays === 1)).toBe(true);
  });

  it('keeps the general rules (old versions, incomplete uploads) and no rule for "keep"', () => {
    expect(rules.map((r) => r.Id)).toEqual(expect.arrayContaining(['expire-old-versions', 'abort-incomplete-uploads']));
    expect(rules.some((r) => r.TagFilters?.some((t) => t.Value === 'keep'))).toBe(false);
  });
});
