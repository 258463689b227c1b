import {
  type RetentionSettings,
  type RetentionSettingsInput,
  RetentionSettingsInputSchema,
} from '../contracts/retention.ts';
import { ForbiddenError, PreconditionFailedError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../domain/retention.ts';
import type { RetentionLookup, RetentionSettingsStore } from '../ports/retention.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import { auditEntry, changesBetween } from './audit.ts';

export interface RetentionDeps {
  retention: RetentionSettingsStore;
  clock: Clock;
  ids: IdGenerator;
}

export async function getRetentionSettings(
  deps: Pick<RetentionDeps, 'retention'>,
  tenant: TenantPrincipal,
): Promise<RetentionSettings> {
  const stored = await deps.retention.get(tenant.tenantId);
  return {
    rawAnswers: stored?.rawAnswers ?? DEFAULT_RETENTION.rawAnswers,
    posts: stored?.posts ?? DEFAULT_RETENTION.posts,
    version: stored?.version ?? 0,
    updatedAt: stored?.updatedAt ?? null,
    appliesTo: 'items_stored_after_change',
  };
}

/**
 * An owner sets how long raw answers and posts are kept (owner only: it decides when data is erased). Audited with
 * the before and after values; optimistic concurrency on the version.
 */
export async function saveRetentionSettings(
  deps: RetentionDeps,
  tenant: TenantPrincipal,
  expectedVersion: number,
  rawInput: RetentionSettingsInput,
): Promise<RetentionSettings> {
  if (tenant.role !== 'owner') {
    throw new ForbiddenError('Only an owner can change how long data is kept', { code: 'owner_required' });
  }
  const input = RetentionSettingsInputSchema.parse(rawInput);
  const current = await getRetentionSettings(deps, tenant);
  if (current.version !== expectedVersion) {
    throw new PreconditionFailedError('The retention settings were changed by someone else; reload and try again');
  }
  const next = {
    rawAnswers: input.rawAnswers,
    posts: input.posts,
    version: expectedVersion + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.retention.put(
    tenant.tenantId,
    next,
    auditEntry(deps, tenant, {
      action: 'retention.updated',
      target: { type: 'workspace', id: tenant.tenantId },
      summary: 'Updated how long raw answers and posts are kept (applies to items stored from now on)',
      changes: changesBetween(current, next, ['rawAnswers', 'posts']),
    }),
  );
  return { ...next, appliesTo: 'items_stored_after_change' };
}

/**
 * The writers' view of the settings, cached per workspace for `ttlMs` (one read per workspace a minute, not one per
 * stored item). A failed read keeps the item (`keep`): losing a retention tag keeps data longer, never shorter.
 */
export function cachedRetentionLookup(
  store: Pick<RetentionSettingsStore, 'get'>,
  clock: Clock,
  ttlMs = 60_000,
  onError?: (error: unknown) => void,
): RetentionLookup {
  const cache = new Map<string, { at: number; policy: RetentionPolicy }>();
  return {
    async of(tenantId: string) {
      const now = clock.now().getTime();
      const hit = cache.get(tenantId);
      if (hit && now - hit.at < ttlMs) return hit.policy;
      try {
        const stored = await store.get(tenantId as never);
        const policy = stored ? { rawAnswers: stored.rawAnswers, posts: stored.posts } : DEFAULT_RETENTION;
        if (cache.size > 10_000) cache.clear();
        cache.set(tenantId, { at: now, policy });
        return policy;
      } catch (error) {
        onError?.(error);
        return DEFAULT_RETENTION;
      }
    },
  };
}
