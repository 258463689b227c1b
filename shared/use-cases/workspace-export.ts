import { ForbiddenError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { AuditRecord } from '../ports/audit.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { ArchiveSink, WorkspaceExportSource } from '../ports/workspace-export.ts';
import { auditEntry } from './audit.ts';

/** An entity's JSONL part is written out once it holds this many bytes (memory stays bounded per entity type). */
export const EXPORT_PART_BYTES = 1024 * 1024;

export interface WorkspaceExportDeps {
  source: WorkspaceExportSource;
  /** Opens the archive for a new export of the tenant. */
  openArchive(tenantId: string, exportId: string): ArchiveSink;
  /** Records who exported what (the audit log). */
  audit(record: AuditRecord): Promise<void>;
  clock: Clock;
  ids: IdGenerator;
}

export interface WorkspaceExportResult {
  exportId: string;
  key: string;
  bytes: number;
  entities: Record<string, number>;
  objects: number;
}

const encoder = new TextEncoder();

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/**
 * Exports everything the workspace owns as one archive: `items/<entity>/part-NNNN.jsonl` (one JSON object per line,
 * the stored items grouped by their type) and `objects/<key>` (raw answers and lake files as stored). Items are
 * streamed page by page and flushed per entity every {@link EXPORT_PART_BYTES}; objects are piped chunk by chunk, so
 * memory stays bounded whatever the workspace's size. Owners only; the export is audited.
 */
export async function exportWorkspace(
  deps: WorkspaceExportDeps,
  tenant: TenantPrincipal,
): Promise<WorkspaceExportResult> {
  if (tenant.role !== 'owner') {
    throw new ForbiddenError('Only an owner can export the workspace', { code: 'owner_required' });
  }
  const exportId = `exp_${deps.ids.next().toLowerCase()}`;
  const archive = deps.openArchive(tenant.tenantId, exportId);
  const entities: Record<string, number> = {};
  const parts = new Map<string, { lines: string[]; bytes: number; part: number }>();
  const flush = async (type: string) => {
    const buffer = parts.get(type);
    if (!buffer || buffer.lines.length === 0) return;
    const bytes = encoder.encode(buffer.lines.join(''));
    buffer.part++;
    await archive.add({
      name: `items/${type}/part-${String(buffer.part).padStart(4, '0')}.jsonl`,
      size: bytes.byteLength,
      body: once(bytes),
    });
    buffer.lines = [];
    buffer.bytes = 0;
  };
  let objects = 0;
  try {
    for await (const page of deps.source.itemPages(tenant.tenantId)) {
      for (const item of page) {
        const type = typeof item.type === 'string' && /^[\w-]{1,64}$/.test(item.type) ? item.type : 'other';
        const line = `${JSON.stringify(withoutSecrets(item))}\n`;
        const buffer = parts.get(type) ?? { lines: [], bytes: 0, part: 0 };
        parts.set(type, buffer);
        buffer.lines.push(line);
        buffer.bytes += line.length;
        entities[type] = (entities[type] ?? 0) + 1;
        if (buffer.bytes >= EXPORT_PART_BYTES) await flush(type);
      }
    }
    for (const type of parts.keys()) await flush(type);
    for await (const object of deps.source.objects(tenant.tenantId)) {
      const relative = object.key.slice(`tenants/${tenant.tenantId}/`.length);
      await archive.add({
        name: `objects/${relative}`,
        size: object.size,
        body: await deps.source.openObject(object.key),
      });
      objects++;
    }
  } catch (error) {
    await archive.abort().catch(() => null);
    throw error;
  }
  const { key, bytes } = await archive.finish();
  await deps.audit(
    auditEntry(deps, tenant, {
      action: 'workspace.exported',
      target: { type: 'workspace', id: tenant.tenantId },
      summary: `Exported the workspace (${Object.values(entities).reduce((a, b) => a + b, 0)} items, ${objects} files)`,
      changes: [],
    }),
  );
  return { exportId, key, bytes, entities, objects };
}

/**
 * Write-only secrets never leave in an export, sealed or not: integration signing secrets and webhook secrets are
 * shown once when created, and an owner rotates them rather than reading them back (docs/security.md).
 */
const SECRET_FIELDS = ['secret', 'secrets', 'sealedSecret'] as const;

export function withoutSecrets(item: Record<string, unknown>): Record<string, unknown> {
  if (!SECRET_FIELDS.some((field) => field in item)) return item;
  const copy = { ...item };
  for (const field of SECRET_FIELDS) delete copy[field];
  return copy;
}
