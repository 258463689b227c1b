import { describe, expect, it } from 'vitest';
import type { TenantPrincipal } from '../../../shared/domain/principal.ts';
import type { ArchiveSink } from '../../../shared/ports/workspace-export.ts';
import { exportWorkspace } from '../../../shared/use-cases/workspace-export.ts';

const TENANT = 'ws_01jz0000000000000000000000';
const owner = { tenantId: TENANT, userId: 'o', email: 'o@e.com', role: 'owner' } as TenantPrincipal;
const MiB = 1024 * 1024;

/** An object body of `size` bytes produced 64 KiB at a time (never held whole). */
async function* bytes(size: number): AsyncIterable<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(97);
  for (let sent = 0; sent < size; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, size - sent));
}

describe('workspace export streams with bounded memory', () => {
  it('exports 300 MiB of objects and 60,000 items with the heap growing by far less than that', async () => {
    let written = 0;
    let entries = 0;
    let peak = 0;
    const sink: ArchiveSink = {
      add: async (entry) => {
        for await (const chunk of entry.body) written += chunk.byteLength;
        entries++;
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
      finish: async () => ({ key: 'k', bytes: written }),
      abort: async () => {},
    };
    globalThis.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    const result = await exportWorkspace(
      {
        source: {
          itemPages: async function* () {
            for (let p = 0; p < 60; p++) {
              yield Array.from({ length: 1000 }, (_, i) => ({
                pk: `${TENANT}#BRAND`,
                sk: `X#${p}-${i}`,
                type: 'Brand',
                note: 'x'.repeat(200),
              }));
            }
          },
          objects: async function* () {
            for (let i = 0; i < 30; i++) yield { key: `tenants/${TENANT}/raw-answers/o${i}.json`, size: 10 * MiB };
          },
          openObject: async () => bytes(10 * MiB),
        },
        openArchive: () => sink,
        audit: async () => {},
        clock: { now: () => new Date() },
        ids: { next: () => '01JZ0000000000000000000000' },
      },
      owner,
    );
    expect(result.objects).toBe(30);
    expect(result.entities.Brand).toBe(60_000);
    expect(written).toBeGreaterThan(300 * MiB);
    // Items are flushed per megabyte; objects are piped chunk by chunk: the heap never holds the export.
    expect(peak - baseline).toBeLessThan(64 * MiB);
    expect(entries).toBeGreaterThan(30 + 10);
  });

  it('is refused to anyone but an owner', async () => {
    await expect(exportWorkspace({} as never, { ...owner, role: 'admin' } as TenantPrincipal)).rejects.toMatchObject({
      code: 'owner_required',
    });
  });
});

describe('workspace export leaves write-only secrets out', () => {
  it('writes integration and webhook items without their secrets, sealed or plain, and keeps the rest', async () => {
    const lines: string[] = [];
    const sink: ArchiveSink = {
      add: async (entry) => {
        for await (const chunk of entry.body) lines.push(Buffer.from(chunk).toString('utf8'));
      },
      finish: async () => ({ key: 'k', bytes: 0 }),
      abort: async () => {},
    };
    await exportWorkspace(
      {
        source: {
          itemPages: async function* () {
            yield [
              {
                pk: `${TENANT}#INTEGRATION`,
                sk: 'INT#1',
                type: 'Integration',
                name: 'CRM',
                secret: 'plain-legacy-s3cret',
              },
              {
                pk: `${TENANT}#INTEGRATION`,
                sk: 'INT#2',
                type: 'Integration',
                name: 'CRM 2',
                sealedSecret: { v: 1, key: 'k', iv: 'i', tag: 't', data: 'd' },
              },
              {
                pk: `${TENANT}#CONNECTOR`,
                sk: 'C#1',
                type: 'Connector',
                name: 'Hook',
                secrets: [{ id: 's1', createdAt: '2026-12-01', value: 'whsec_plain' }],
                webhookSecrets: [{ id: 's1', createdAt: '2026-12-01' }],
              },
            ];
          },
          objects: async function* () {},
          openObject: async () => bytes(0),
        },
        openArchive: () => sink,
        audit: async () => {},
        clock: { now: () => new Date() },
        ids: { next: () => '01JZ0000000000000000000000' },
      },
      owner,
    );
    const text = lines.join('');
    expect(text).not.toContain('plain-legacy-s3cret');
    expect(text).not.toContain('whsec_plain');
    expect(text).not.toContain('sealedSecret');
    expect(text).toContain('"name":"CRM 2"');
    expect(text).toContain('"webhookSecrets":[{"id":"s1"');
  });
});
