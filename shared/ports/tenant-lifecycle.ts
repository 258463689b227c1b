import type { TenantId } from '../domain/workspace.ts';

/** The steps of a purge, in order. Each is idempotent, so an interrupted purge is resumed by running it again. */
export const PURGE_STEPS = ['memberships', 'objects', 'warehouse', 'items', 'done'] as const;
export type PurgeStep = (typeof PURGE_STEPS)[number];

/**
 * A workspace's deletion: requested by an owner, purged after the grace period. Once purged the record is the
 * tombstone: ids, dates and counts only, nothing personal (no names, emails or user ids).
 */
export interface WorkspaceDeletion {
  tenantId: TenantId;
  status: 'scheduled' | 'cancelled' | 'purging' | 'purged';
  requestedAt: string;
  purgeAfter: string;
  /** The next step to run (`done` once purged). */
  step: PurgeStep;
  purgedAt: string | null;
  /** What each step removed, summed over resumptions. */
  removed: { memberships: number; objects: number; warehouseRows: number; items: number };
}

/** Where deletions are recorded: outside the tenant's partitions, since the purge removes those. */
export interface WorkspaceDeletionLedger {
  get(tenantId: TenantId): Promise<WorkspaceDeletion | null>;
  /** Records a new request (or a new one after a cancellation). @throws ConflictError when already scheduled. */
  schedule(deletion: WorkspaceDeletion): Promise<void>;
  save(deletion: WorkspaceDeletion): Promise<void>;
  /** Scheduled or interrupted deletions whose grace period ended by `now`. */
  listDue(now: string): Promise<WorkspaceDeletion[]>;
}

/** Everything a tenant owns in the table, found without knowing its partitions (a purge must miss nothing). */
export interface TenantItemStore {
  /** Removes every item of the tenant; returns how many were deleted. Idempotent. */
  deleteAll(tenantId: TenantId): Promise<number>;
  countAll(tenantId: TenantId): Promise<number>;
  /** The user ids of the tenant's members (read before their items go). */
  memberIds(tenantId: TenantId): Promise<string[]>;
  /** Removes a user's directory entry if it still points at this tenant; true when one was removed. */
  removeDirectoryEntry(userId: string, tenantId: TenantId): Promise<boolean>;
}

/** The tenant's objects (raw answers and lake files, all under `tenants/<tenantId>/`). */
export interface TenantObjectStore {
  deleteAll(tenantId: TenantId): Promise<number>;
  countAll(tenantId: TenantId): Promise<number>;
}

/** The tenant's rows in the warehouse (DuckDB locally, Snowflake in AWS). */
export interface TenantWarehouseRows {
  deleteAll(tenantId: TenantId): Promise<number>;
}
