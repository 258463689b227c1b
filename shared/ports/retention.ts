import type { RetentionPolicy } from '../domain/retention.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { AuditRecord } from './audit.ts';

export interface StoredRetention extends RetentionPolicy {
  version: number;
  updatedAt: string;
}

/** A workspace's retention settings (one item per workspace), written with its audit entry. */
export interface RetentionSettingsStore {
  get(tenantId: TenantId): Promise<StoredRetention | null>;
  /** Writes `settings` if the stored version is `settings.version - 1`; else PreconditionFailedError. */
  put(tenantId: TenantId, settings: StoredRetention, audit: AuditRecord): Promise<void>;
}

/** What the writers of raw answers and posts ask before storing (cached: a change reaches them within a minute). */
export interface RetentionLookup {
  of(tenantId: string): Promise<RetentionPolicy>;
}
