import type { AuditEntry } from '../contracts/audit.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { Page, PageRequest } from './pagination.ts';

/**
 * An audit entry to write together with the change it describes (same transaction): a change is never stored
 * without its entry, and the log is append-only.
 */
export type AuditRecord = AuditEntry;

export interface AuditLog {
  list(tenantId: TenantId, page: PageRequest): Promise<Page<AuditEntry>>;
}
