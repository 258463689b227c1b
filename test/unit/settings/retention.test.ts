import { describe, expect, it } from 'vitest';
import type { TenantPrincipal } from '../../../shared/domain/principal.ts';
import { RETENTION_DAYS, retentionExpiresAt, retentionTagValue } from '../../../shared/domain/retention.ts';
import { LAKE_RETENTION_RULES } from '../../../shared/infra/lake-retention-rules.ts';
import type { AuditRecord } from '../../../shared/ports/audit.ts';
import type { RetentionSettingsStore, StoredRetention } from '../../../shared/ports/retention.ts';
import {
  cachedRetentionLookup,
  getRetentionSettings,
  saveRetentionSettings,
} from '../../../shared/use-cases/retention.ts';

const tenantId = 'ws_01m8a8at0000000000000000ab' as TenantPrincipal['tenantId'];
const as = (role: TenantPrincipal['role']) =>
  ({ tenantId, role, userId: 'usr_1', email: 'o@example.com' }) as unknown as TenantPrincipal;

function memoryStore() {
  let stored: StoredRetention | null = null;
  const audits: AuditRecord[] = [];
  let reads = 0;
  const store: RetentionSettingsStore = {
    async get() {
      reads++;
      return stored;
    },
    async put(_tenant, settings, audit) {
      if ((stored?.version ?? 0) !== settings.version - 1) throw new Error('version');
      stored = settings;
      audits.push(audit);
    },
  };
  return { store, audits, reads: () => reads };
}
const clock = { now: () => new Date('2026-12-07T10:00:00.000Z') };
const ids = { next: () => '01M8A8AT000000000000000000' };

describe('retention (domain and use case)', () => {
  it('one lake rule per allowed choice, on the tag a raw answer of that choice carries', () => {
    expect(LAKE_RETENTION_RULES.map((r) => [r.tag.value, r.expirationDays, r.prefix])).toEqual(
      RETENTION_DAYS.map((d) => [retentionTagValue(d), d, 'tenants/']),
    );
    expect(LAKE_RETENTION_RULES.some((r) => r.tag.value === retentionTagValue('keep'))).toBe(false);
    expect(new Set(LAKE_RETENTION_RULES.map((r) => r.id)).size).toBe(RETENTION_DAYS.length);
  });

  it('the TTL is the storage time plus the days; keep has none', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    expect(retentionExpiresAt(30, at)).toBe(at.getTime() / 1000 + 30 * 86_400);
    expect(retentionExpiresAt('keep', at)).toBeUndefined();
  });

  it('defaults to keep; only an owner changes it; the change is audited; a stale version is refused', async () => {
    const { store, audits } = memoryStore();
    const deps = { retention: store, clock, ids };
    expect(await getRetentionSettings(deps, as('admin'))).toMatchObject({
      rawAnswers: 'keep',
      posts: 'keep',
      version: 0,
    });
    for (const role of ['admin', 'analyst', 'viewer'] as const) {
      await expect(saveRetentionSettings(deps, as(role), 0, { rawAnswers: 30, posts: 30 })).rejects.toMatchObject({
        code: 'owner_required',
      });
    }
    const saved = await saveRetentionSettings(deps, as('owner'), 0, { rawAnswers: 365, posts: 'keep' });
    expect(saved).toMatchObject({ rawAnswers: 365, posts: 'keep', version: 1, appliesTo: 'items_stored_after_change' });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: 'retention.updated',
      changes: [{ field: 'rawAnswers', before: 'keep', after: 365 }],
    });
    await expect(saveRetentionSettings(deps, as('owner'), 0, { rawAnswers: 30, posts: 30 })).rejects.toMatchObject({
      name: 'PreconditionFailedError',
    });
    await expect(saveRetentionSettings(deps, as('owner'), 1, { rawAnswers: 45, posts: 30 } as never)).rejects.toThrow();
  });

  it('the writers’ lookup reads once a minute per workspace and keeps data when the read fails', async () => {
    const { store, reads } = memoryStore();
    await store.put(tenantId, { rawAnswers: 30, posts: 90, version: 1, updatedAt: 'x' }, {} as AuditRecord);
    let now = 0;
    const lookup = cachedRetentionLookup(store, { now: () => new Date(now) }, 60_000);
    expect(await lookup.of(tenantId)).toEqual({ rawAnswers: 30, posts: 90 });
    now = 59_000;
    await lookup.of(tenantId);
    expect(reads()).toBe(1);
    now = 61_000;
    await lookup.of(tenantId);
    expect(reads()).toBe(2);
    const failing = cachedRetentionLookup({ get: async () => Promise.reject(new Error('down')) }, clock);
    expect(await failing.of(tenantId)).toEqual({ rawAnswers: 'keep', posts: 'keep' });
  });
});
