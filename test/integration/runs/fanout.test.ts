import { beforeAll, describe, expect, inject, it } from 'vitest';
import { call } from '../../support/api.ts';
import { waitForRun } from '../../support/runs.ts';
import { DEMO, tokenFor } from '../../support/sessions.ts';

const stack = inject('stack');
let owner = '';
let viewer = '';
let brandId = '';

beforeAll(async () => {
  owner = await tokenFor(stack.url, ...DEMO.owner);
  viewer = await tokenFor(stack.url, ...DEMO.viewer);
  const brands = await call(stack.apiUrl, 'GET', '/brands', { token: owner });
  brandId = brands.json.items.find((b: { name: string }) => b.name === 'Acme Analytics').id;
});

describe('prompt fan-out through the real ASL, local Step Functions runner, real SDK adapters and the simulator', () => {
  it('asks every prompt × provider × sample once, stores and analyses every answer, and reconciles counts', async () => {
    expect((await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token: viewer })).status).toBe(403);
    const started = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token: owner });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const second = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token: owner });
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe('run_in_progress');

    const run = await waitForRun(stack.apiUrl, owner, started.json.runId);
    expect(run.status, JSON.stringify({ counts: run.counts, errors: run.errors.slice(0, 3) })).toBe('succeeded');
    // Demo: 6 prompts × 3 providers × 3 samples.
    expect(run.counts).toEqual({ planned: 54, succeeded: 54, failed: 0, skipped: 0 });
    expect(Object.values(run.perProvider).reduce((n, c) => n + c.succeeded, 0)).toBe(54);
    expect(run.usage.inputTokens).toBeGreaterThan(0);
    // The plan's targets and the spend-cap reservation are bookkeeping, not API.
    const raw = await call(stack.apiUrl, 'GET', `/runs/${run.id}`, { token: viewer });
    for (const internal of ['targets', 'reservedUsage', 'reservationReleased']) {
      expect(raw.json).not.toHaveProperty(internal);
    }
    const listed = await call(stack.apiUrl, 'GET', `/runs?brandId=${brandId}`, { token: viewer });
    expect(JSON.stringify(listed.json)).not.toMatch(/reservedUsage|reservationReleased|"targets"/);

    const items = await call(stack.apiUrl, 'GET', `/runs/${run.id}/items?limit=100`, { token: viewer });
    expect(items.json.items).toHaveLength(54);
    expect(new Set(items.json.items.map((i: { itemId: string }) => i.itemId)).size).toBe(54);
    const answerId = items.json.items[0].answerId;
    const answer = await call(stack.apiUrl, 'GET', `/answers/${encodeURIComponent(answerId)}`, { token: viewer });
    expect(answer.status).toBe(200);
    expect(answer.json.text.length).toBeGreaterThan(50);
    expect(answer.json.analysisStatus).toBe('analyzed');
    expect(typeof answer.json.analysis.brandMentioned).toBe('boolean');

    const list = await call(stack.apiUrl, 'GET', `/runs?brandId=${brandId}`, { token: viewer });
    expect(list.json.items[0]).toMatchObject({ id: run.id, status: 'succeeded' });
  });
});
