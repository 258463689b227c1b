import type { AuditEntry } from '../contracts/audit.ts';
import { ID_PREFIX, prefixedId } from '../domain/ids.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';

/** Field-level changes between two plain objects (top-level keys; values compared as JSON). */
export function changesBetween(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  fields: readonly string[],
): AuditEntry['changes'] {
  return fields.flatMap((field) => {
    const a = before?.[field];
    const b = after?.[field];
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ field, before: a ?? null, after: b ?? null }];
  });
}

/** Builds the audit entry for a change made by `actor` now. */
export function auditEntry(
  deps: { clock: Clock; ids: IdGenerator },
  actor: TenantPrincipal,
  entry: Pick<AuditEntry, 'action' | 'target' | 'summary'> & { changes?: AuditEntry['changes'] },
): AuditEntry {
  return {
    id: prefixedId(ID_PREFIX.audit, deps.ids.next()),
    at: deps.clock.now().toISOString(),
    actor: { userId: actor.userId, email: actor.email },
    changes: [],
    ...entry,
  };
}
