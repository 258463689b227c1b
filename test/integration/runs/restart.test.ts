import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { LocalStack } from '../../../local/stack.ts';
import { RunSchema } from '../../../shared/contracts/runs.ts';
import { call } from '../../support/api.ts';
import { signInWithPassword } from '../../support/oidc-flow.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'promptpulse-restart-'));
let stack: LocalStack | null = null;

/** A fresh module graph per start: the functions read their environment once, like a new Lambda container. */
async function start(): Promise<LocalStack> {
  vi.resetModules();
  const { startLocalStack } = await import('../../../local/stack.ts');
  return startLocalStack({
    dataDir,
    ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
    schedulerIntervalMs: null,
    providerSimulator: { faults: { default: { latencyMs: { mean: 400, jitter: 50 } } } },
  });
}

async function run(s: LocalStack, token: string, runId: string) {
  return RunSchema.parse((await call(s.apiUrl, 'GET', `/runs/${runId}`, { token })).json);
}

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a local stack killed mid-run', () => {
  it('resumes the run after a restart without asking any item twice', async () => {
    stack = await start();
    let token = (await signInWithPassword(stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass')).access_token;
    const brands = await call(stack.apiUrl, 'GET', '/brands', { token });
    const brandId = brands.json.items[0].id;
    const started = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
    const runId = started.json.runId as string;
    for (let i = 0; i < 200; i++) {
      const current = await run(stack, token, runId);
      if (current.counts.succeeded >= 8) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = await run(stack, token, runId);
    expect(before.status).toBe('running');
    const doneBefore = (await call(stack.apiUrl, 'GET', `/runs/${runId}/items?limit=100&status=succeeded`, { token }))
      .json.items as { itemId: string; attempts: number }[];
    await stack.stop();
    stack = null;

    stack = await start();
    token = (await signInWithPassword(stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass')).access_token;
    let finished = await run(stack, token, runId);
    for (let i = 0; i < 600 && !['succeeded', 'partial', 'failed', 'cancelled'].includes(finished.status); i++) {
      await new Promise((r) => setTimeout(r, 200));
      finished = await run(stack, token, runId);
    }
    expect(finished.status).toBe('succeeded');
    expect(finished.counts).toEqual({ planned: 54, succeeded: 54, failed: 0, skipped: 0 });
    const items = (await call(stack.apiUrl, 'GET', `/runs/${runId}/items?limit=100`, { token })).json.items;
    expect(new Set(items.map((i: { answerId: string }) => i.answerId)).size).toBe(54);
    // Items finished before the kill were not asked again after it (in-flight ones are, once).
    const after = new Map(items.map((i: { itemId: string; attempts: number }) => [i.itemId, i.attempts]));
    expect(doneBefore.length).toBeGreaterThanOrEqual(8);
    for (const item of doneBefore) expect(after.get(item.itemId)).toBe(item.attempts);
  });
});
