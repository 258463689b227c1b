import '../../local/env-defaults.ts';
import { mkdirSync } from 'node:fs';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import {
  type Brand,
  BrandSchema,
  BrandSummarySchema,
  MetricsResponseSchema,
  pageOf,
  RunSchema,
  StartRunResponseSchema,
  TERMINAL_RUN_STATUSES,
} from '../../shared/contracts/index.ts';
import { ReanalysisJobSchema } from '../../shared/contracts/reanalysis.ts';
import { launchChromium } from '../support/browser.ts';
import { pageAccessToken, signIn } from '../support/e2e-page.ts';

let stack: LocalStack;
let browser: Browser;
const SHOTS = 'test-results/e2e';
const TERMINAL: readonly string[] = TERMINAL_RUN_STATUSES;
/** A competitor of the demo market the simulator's answers talk about; the test stops tracking it, then adds it back. */
const COMPETITOR = 'Umbrella Data';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [stack, browser] = await Promise.all([
    startLocalStack({ dataDir: null, ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 } }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function api(token: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, version?: number) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(version === undefined ? {} : { 'if-match': `"${version}"` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const latestJob = async (token: string, brandId: string) =>
  ReanalysisJobSchema.nullable().parse((await api(token, 'GET', `/brands/${brandId}/reanalysis`)).body.job);

/** The main value of each cell of a competitor-matrix row (without its interval). */
const rowValues = (row: Locator) =>
  row.locator('td').evaluateAll((cells) => cells.map((cell) => cell.firstChild?.textContent?.trim() ?? ''));

describe('Re-analysis in a real browser', () => {
  it('adding a competitor in Admin shows the re-scoring banner, then the competitor in last month’s charts', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await signIn(page, stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
      await expect
        .poll(() => page.getByTestId('current-brand').textContent(), { timeout: 15_000 })
        .toBe('Acme Analytics');
      const token = await pageAccessToken(page);
      const summary = pageOf(BrandSummarySchema)
        .parse((await api(token, 'GET', '/brands')).body)
        .items.find((b) => b.name === 'Acme Analytics');
      if (!summary) throw new Error('demo brand missing');
      const brandId = summary.id;

      // The brand stops tracking the competitor (its re-analysis has no history yet), then runs its prompts.
      const brand: Brand = BrandSchema.parse((await api(token, 'GET', `/brands/${brandId}`)).body);
      expect(brand.competitors.map((c) => c.name)).toContain(COMPETITOR);
      const without = await api(
        token,
        'PUT',
        `/brands/${brandId}`,
        {
          name: brand.name,
          category: brand.category,
          aliases: brand.aliases,
          ownedDomains: brand.ownedDomains,
          markets: brand.markets,
          competitors: brand.competitors.filter((c) => c.name !== COMPETITOR),
          topics: brand.topics,
        },
        brand.version,
      );
      expect(without.status, JSON.stringify(without.body)).toBe(200);
      await expect
        .poll(async () => (await latestJob(token, brandId))?.status, { timeout: 60_000, interval: 500 })
        .toBe('succeeded');
      const started = await api(token, 'POST', `/brands/${brandId}/runs`);
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const { runId } = StartRunResponseSchema.parse(started.body);
      await expect
        .poll(async () => RunSchema.parse((await api(token, 'GET', `/runs/${runId}`)).body).status, {
          timeout: 120_000,
          interval: 500,
        })
        .toSatisfy((status: string) => TERMINAL.includes(status));
      const run = RunSchema.parse((await api(token, 'GET', `/runs/${runId}`)).body);
      expect(run.counts.succeeded).toBeGreaterThan(0);
      const to = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
      const metricsPath = `/brands/${brandId}/metrics?from=${from}&to=${to}`;
      await expect
        .poll(async () => MetricsResponseSchema.parse((await api(token, 'GET', metricsPath)).body).n, {
          timeout: 60_000,
          interval: 500,
        })
        .toBe(run.counts.succeeded);

      // Admin › Brands: add the competitor back, as a person would.
      await page.goto(`${stack.url}/admin/brands/${brandId}`);
      await page.getByRole('button', { name: 'Add competitor' }).click();
      await page.getByLabel('Competitor name', { exact: true }).last().fill(COMPETITOR);
      await page.getByLabel('Competitor domains', { exact: true }).last().fill('umbrelladata.io');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => page.getByText('Saved.', { exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);

      // Analytics, last 30 days: the banner while the history is re-scored, answers done of the total.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
      await page.getByRole('button', { name: 'Last 30 days' }).click();
      const banner = page.getByTestId('reanalysis-banner');
      await expect.poll(() => banner.isVisible(), { timeout: 15_000, interval: 100 }).toBe(true);
      expect(await banner.textContent()).toMatch(
        new RegExp(`Re-scoring this brand’s history .*of ${run.counts.succeeded} answers`),
      );
      await page.screenshot({ path: `${SHOTS}/reanalysis-banner.png`, fullPage: true });
      await expect.poll(() => banner.isVisible(), { timeout: 90_000, interval: 250 }).toBe(false);
      const job = await latestJob(token, brandId);
      expect(job).toMatchObject({ status: 'succeeded', trigger: 'configuration', done: run.counts.succeeded });
      expect(job?.rescored).toBeGreaterThan(0);

      // The competitor is in the charts with the answers that name it, without a reload.
      const metrics = MetricsResponseSchema.parse((await api(token, 'GET', metricsPath)).body);
      const added = metrics.competitors.find((c) => c.name === COMPETITOR);
      expect(added?.mentionRate.k ?? 0).toBeGreaterThan(0);
      const row = page.getByTestId('competitor-matrix').locator('tbody tr', { hasText: COMPETITOR });
      await expect
        .poll(async () => ((await row.count()) > 0 ? rowValues(row) : []), { timeout: 30_000, interval: 250 })
        .toSatisfy((values: string[]) => values.some((v) => /^[0-9.]*[1-9][0-9.]*\s?%$/.test(v)));
      await page.screenshot({ path: `${SHOTS}/reanalysis-competitor.png`, fullPage: true });

      // Admin › Re-analysis: the job with its outcome and function time.
      await page.goto(`${stack.url}/admin/reanalysis`);
      const jobRow = page.getByTestId('reanalysis-job').first();
      await expect.poll(() => jobRow.textContent(), { timeout: 15_000 }).toContain('Done');
      const text = (await jobRow.textContent()) ?? '';
      expect(text).toContain('Brand settings changed');
      expect(text).toContain(`${job?.rescored} re-scored`);
      expect(text).toContain(`${run.counts.succeeded} / ${run.counts.succeeded}`);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
