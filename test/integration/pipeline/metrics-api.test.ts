import { describe, expect, inject, it } from 'vitest';
import { MetricsResponseSchema } from '../../../shared/contracts/analytics.ts';
import { call } from '../../support/api.ts';
import { brandWithTwoPrompts, runToCompletion } from '../../support/runs.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

const stack = inject('stack');

describe('GET /brands/{id}/metrics (from the event rollups)', () => {
  it('reports every analysed answer of a run with n, intervals and competitors, and refuses bad periods', async () => {
    const account = await freshAccount(stack, 'metrics');
    const { token } = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Metrics Co');
    const brand = { id: await brandWithTwoPrompts(stack.apiUrl, token) };
    const run = await runToCompletion(stack.apiUrl, token, brand.id);
    expect(run.counts.succeeded).toBe(6);

    const today = new Date().toISOString().slice(0, 10);
    const path = `/brands/${brand.id}/metrics?from=${today}&to=${today}&scope=all`;
    let metrics = MetricsResponseSchema.parse((await call(stack.apiUrl, 'GET', path, { token })).json);
    for (let i = 0; i < 120 && metrics.n < 6; i++) {
      await new Promise((r) => setTimeout(r, 250));
      metrics = MetricsResponseSchema.parse((await call(stack.apiUrl, 'GET', path, { token })).json);
    }
    expect(metrics.n).toBe(6);
    expect(metrics.brand).toMatchObject({ name: 'Acme Analytics', kind: 'brand' });
    expect(metrics.brand.mentionRate.n).toBe(6);
    const [low, high] = metrics.brand.mentionRate.ci;
    expect(low).toBeLessThanOrEqual(metrics.brand.mentionRate.value ?? 0);
    expect(high).toBeGreaterThanOrEqual(metrics.brand.mentionRate.value ?? 1);
    expect(metrics.competitors.map((c) => c.name).sort()).toEqual(['Globex Metrics', 'Northwind Insights']);

    const filtered = await call(stack.apiUrl, 'GET', `${path}&provider=anthropic`, { token });
    expect(filtered.json.n).toBe(0);
    const branded = await call(stack.apiUrl, 'GET', `${path}&branded=true`, { token });
    expect(branded.json.n).toBe(0);
    const nonBranded = await call(stack.apiUrl, 'GET', `${path}&branded=false`, { token });
    expect(nonBranded.json.n).toBe(6);

    // Weekly and daily series over four weeks ending today: every bucket present, the run in the last one.
    const from = new Date(Date.now() - 27 * 86_400_000).toISOString().slice(0, 10);
    for (const granularity of ['week', 'day'] as const) {
      const res = await call(
        stack.apiUrl,
        'GET',
        `/brands/${brand.id}/metrics?from=${from}&to=${today}&granularity=${granularity}`,
        { token },
      );
      expect(res.status).toBe(200);
      const body = MetricsResponseSchema.parse(res.json);
      const series = body.series ?? [];
      if (granularity === 'day') expect(series.map((b) => b.period)).toHaveLength(28);
      else {
        expect(series.length === 4 || series.length === 5).toBe(true);
        for (const bucket of series) expect(bucket.period).toMatch(/^\d{4}-W\d{2}$/);
      }
      expect(series[0]?.from).toBe(from);
      expect(series.at(-1)?.to).toBe(today);
      expect(series.reduce((n, b) => n + b.n, 0)).toBe(6);
      expect(series.at(-1)?.n).toBe(6);
      expect(body.n).toBe(6);
    }
    const badGranularity = await call(stack.apiUrl, 'GET', `${path}&granularity=month`, { token });
    expect(badGranularity.status).toBe(400);
    expect(badGranularity.json.error.message).toContain('`granularity`');
    for (const bad of ['from=2026-02-01&to=2026-01-01', 'from=2020-01-01&to=2026-01-01', 'from=yesterday&to=today']) {
      const res = await call(stack.apiUrl, 'GET', `/brands/${brand.id}/metrics?${bad}`, { token });
      expect(res.status, bad).toBe(400);
    }
  });
});
