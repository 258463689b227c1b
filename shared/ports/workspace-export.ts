import type { TenantId } from '../domain/workspace.ts';

/** One file of an export archive: its path in the archive, its size in bytes and its bytes as a stream of chunks. */
export interface ArchiveEntry {
  name: string;
  size: number;
  body: AsyncIterable<Uint8Array>;
}

/** Writes an archive entry by entry, never holding more than one chunk of an entry (bounded memory). */
export interface ArchiveSink {
  add(entry: ArchiveEntry): Promise<void>;
  /** Closes the archive; returns where it is and how many bytes it took. */
  finish(): Promise<{ key: string; bytes: number }>;
  /** Gives up (a failed export leaves no partial archive behind). */
  abort(): Promise<void>;
}

/** What an export reads: the tenant's table items page by page, and its objects one by one. */
export interface WorkspaceExportSource {
  /** Every item of the tenant, a page at a time. */
  itemPages(tenantId: TenantId): AsyncIterable<Record<string, unknown>[]>;
  /** Every object under the tenant's prefix (raw answers, lake files), exports excluded. */
  objects(tenantId: TenantId): AsyncIterable<{ key: string; size: number }>;
  openObject(key: string): Promise<AsyncIterable<Uint8Array>>;
}
