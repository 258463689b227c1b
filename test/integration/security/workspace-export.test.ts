import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { call } from '../../support/api.ts';
import { lifecycleWorld } from '../../support/tenant-lifecycle.ts';

const stack = inject('stack');
const world = lifecycleWorld(stack);
afterAll(() => world.close());

async function entriesOf(archive: ArrayBuffer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const tar = extract();
  const done = new Promise<void>((resolve, reject) => {
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        files.set(header.name, Buffer.concat(chunks).toString('utf8'));
        next();
      });
    });
    tar.on('finish', resolve);
    tar.on('error', reject);
  });
  Readable.from(Buffer.from(archive)).pipe(createGunzip()).pipe(tar);
  await done;
  return files;
}

describe('workspace export (owner only, audited, one archive)', () => {
  it('exports JSONL per entity plus raw answers and lake files, audited', async () => {
    const w = await world.populatedWorkspace('export');
    const res = await call(stack.apiUrl, 'POST', '/workspaces/current/export', { token: w.owner.token });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ objects: 7, exportId: expect.stringMatching(/^exp_/) });
    const download = await fetch(res.json.downloadUrl);
    expect(download.status).toBe(200);
    const files = await entriesOf(await download.arrayBuffer());
    const names = [...files.keys()];
    expect(names.filter((n) => n.startsWith('objects/raw-answers/'))).toHaveLength(4);
    expect(names.filter((n) => n.startsWith('objects/events/'))).toHaveLength(3);
    for (const type of ['Workspace', 'Member', 'Brand']) {
      expect(
        names.some((n) => n.startsWith(`items/${type}/part-`)),
        type,
      ).toBe(true);
    }
    // Every JSONL line is one stored item of this tenant, and the total matches the entity counts.
    let lines = 0;
    for (const [name, text] of files) {
      if (!name.endsWith('.jsonl')) continue;
      for (const line of text.trim().split('\n')) {
        expect(String(JSON.parse(line).pk).startsWith(`${w.tenantId}#`)).toBe(true);
        lines++;
      }
    }
    expect(lines).toBe(Object.values(res.json.entities as Record<string, number>).reduce((a, b) => a + b, 0));
    const audit = await call(stack.apiUrl, 'GET', '/audit', { token: w.owner.token });
    expect(audit.json.items.some((e: { action: string }) => e.action === 'workspace.exported')).toBe(true);
    // A second export does not contain the first.
    const again = await call(stack.apiUrl, 'POST', '/workspaces/current/export', { token: w.owner.token });
    expect(again.json.objects).toBe(7);
  });
});
