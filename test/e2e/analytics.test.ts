import '../../local/env-defaults.ts';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import {
  AnswerSchema,
  BrandSummarySchema,
  MetricsResponseSchema,
  PromptEntityRowSchema,
  pageOf,
  RunSchema,
  StartRunResponseSchema,
  TERMINAL_RUN_STATUSES,
} from '../../shared/contracts/index.ts';
import { launchChromium } from '../support/browser.ts';
import { pageAccessToken, signIn } from '../support/e2e-page.ts';

let stack: LocalStack;
let browser: Browser;
const SHOTS = 'test-results/e2e';
const TERMINAL: readonly string[] = TERMINAL_RUN_STATUSES;

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

async function api(token: string, method: 'GET' | 'POST', path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stack.apiUrl}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** The last seven days (UTC), as the page's "Last 7 days" preset asks for them. */
function last7Days() {
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

async function openAnalytics(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
  await expect
    .poll(() => page.getByRole('heading', { level: 1, name: 'Analytics' }).isVisible(), { timeout: 15_000 })
    .toBe(true);
  await page.getByRole('button', { name: 'Last 7 days' }).click();
}

describe('Analytics in a real browser', () => {
  it('shows the metrics of a finished run with n and intervals, and exports them as CSV', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await signIn(page, stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
      await expect
        .poll(() => page.getByTestId('current-brand').textContent(), { timeout: 15_000 })
        .toBe('Acme Analytics');
      const token = await pageAccessToken(page);
      const brands = pageOf(BrandSummarySchema).parse((await api(token, 'GET', '/brands')).body);
      const brand = brands.items.find((b) => b.name === 'Acme Analytics');
      if (!brand) throw new Error('demo brand missing');
      const { from, to } = last7Days();
      const metricsPath = `/brands/${brand.id}/metrics?from=${from}&to=${to}`;

      // Before any run (unless the demo comes with history), the page says so honestly and points to Runs.
      const before = MetricsResponseSchema.parse((await api(token, 'GET', metricsPath)).body);
      await openAnalytics(page);
      if (before.n === 0) {
        const link = page.getByRole('link', { name: 'Run your prompts first' });
        await expect.poll(() => link.isVisible(), { timeout: 15_000 }).toBe(true);
        expect(await link.getAttribute('href')).toBe('/runs');
        expect(await page.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
        await page.screenshot({ path: `${SHOTS}/analytics-empty.png`, fullPage: true });
      }

      // A run of the demo brand through the API, as the page's own token, while the page stays open.
      const started = await api(token, 'POST', `/brands/${brand.id}/runs`);
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const { runId } = StartRunResponseSchema.parse(started.body);
      await expect
        .poll(async () => RunSchema.parse((await api(token, 'GET', `/runs/${runId}`)).body).status, {
          timeout: 120_000,
          interval: 500,
        })
        .toSatisfy((status: string) => TERMINAL.includes(status));
      const run = RunSchema.parse((await api(token, 'GET', `/runs/${runId}`)).body);
      expect(['succeeded', 'partial']).toContain(run.status);

      // The aggregates follow the event stream; wait until the API counts every new answer.
      await expect
        .poll(async () => MetricsResponseSchema.parse((await api(token, 'GET', metricsPath)).body).n, {
          timeout: 60_000,
          interval: 500,
        })
        .toBe(before.n + run.counts.succeeded);
      const metrics = MetricsResponseSchema.parse((await api(token, 'GET', metricsPath)).body);

      // Live: the open page shows the new numbers without a reload (pushed run frames refetch the metrics).
      await expect
        .poll(() => page.getByTestId('metric-visibility-n').textContent(), { timeout: 30_000 })
        .toBe(`${metrics.n} answers`);
      expect(await page.getByTestId('analytics-n').textContent()).toContain(`n = ${metrics.n}`);
      const score = (await page.getByTestId('metric-visibility-value').textContent()) ?? '';
      expect(score).toBe(`${metrics.brand.visibilityScore.value.toFixed(1)} / 100`);
      expect(await page.getByTestId('metric-visibility').textContent()).toContain('damping');
      for (const id of [
        'metric-mention-rate',
        'metric-share-of-voice',
        'metric-average-position',
        'metric-sentiment',
      ]) {
        expect(await page.getByTestId(id).isVisible(), id).toBe(true);
      }
      expect(await page.getByTestId('metric-mention-rate-n').textContent()).toContain(`${metrics.n} answers`);
      expect(await page.getByTestId('metric-mention-rate').textContent()).toContain('95% interval');
      // Each card draws its per-day course (recharts) next to the numbers.
      await expect
        .poll(() => page.getByTestId('metric-mention-rate-trend').locator('svg').count(), { timeout: 15_000 })
        .toBeGreaterThan(0);
      // Competitor matrix: the brand and every competitor.
      const matrixRows = page.getByTestId('competitor-matrix').locator('tbody tr');
      expect(await matrixRows.count()).toBe(1 + metrics.competitors.length);
      // Sorting by name puts the rows in alphabetical order.
      await page
        .getByTestId('competitor-matrix')
        .getByRole('button', { name: /^Brand/ })
        .click();
      const names = (await matrixRows.locator('th').allTextContents()).map((t) => t.replace(/you$/, ''));
      expect(names).toEqual([...names].sort((a, b) => a.toLocaleLowerCase().localeCompare(b.toLocaleLowerCase())));
      // Where: one row per provider; every answer comes from exactly one provider, so their n add up to the total.
      const providerN = async () => {
        let sum = 0;
        for (const provider of ['openai', 'anthropic', 'gemini', 'perplexity']) {
          const cell = await page.getByTestId(`breakdown-provider-${provider}`).locator('td').first().textContent();
          // A provider with no answers says why (disabled in run settings, or none in the period) instead of a 0.
          if (/no data|No analysed answers/.test(cell ?? '')) continue;
          if (!/^\d+$/.test(cell ?? '')) return null;
          sum += Number(cell);
        }
        return sum;
      };
      await expect.poll(providerN, { timeout: 15_000 }).toBe(metrics.n);
      await page.screenshot({ path: `${SHOTS}/analytics.png`, fullPage: true });

      // Speed: a period not seen yet (30 days: eight /metrics slices and three warehouse queries in parallel).
      const t0 = Date.now();
      await page.getByRole('button', { name: 'Last 30 days' }).click();
      await expect
        .poll(() => page.getByTestId('analytics-period').textContent(), { timeout: 10_000, interval: 20 })
        .toContain('(30 days');
      await expect
        .poll(async () => (await page.locator('[aria-busy="true"]').count()) === 0, { timeout: 10_000, interval: 20 })
        .toBe(true);
      console.info(`Analytics: a new period on screen in ${Date.now() - t0} ms`);
      await page.getByRole('button', { name: 'Last 7 days' }).click();

      // A provider slice: the headline n becomes that provider's n (from the breakdown row), and back.
      const openaiN = (await page.getByTestId('breakdown-provider-openai').locator('td').first().textContent()) ?? '';
      await page.getByLabel('Provider', { exact: true }).selectOption('openai');
      await expect
        .poll(() => page.getByTestId('metric-visibility-n').textContent(), { timeout: 15_000 })
        .toBe(`${openaiN} answers`);
      expect(new URL(page.url()).searchParams.get('provider')).toBe('openai');
      await page.getByLabel('Provider', { exact: true }).selectOption('');
      await expect
        .poll(() => page.getByTestId('metric-visibility-n').textContent(), { timeout: 15_000 })
        .toBe(`${metrics.n} answers`);

      // CSV export of what is on screen.
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 15_000 }),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(
        /^promptpulse-acme-analytics-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/,
      );
      const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^entity,kind,metric,value,k,n,/);
      // One row per entity × metric (six metrics) overall, then the brand's rows of each provider / surface slice.
      expect(lines.filter((l) => l.endsWith(',overall')).length).toBe((1 + metrics.competitors.length) * 6);
      expect(lines.some((l) => /,provider=(openai|anthropic|gemini|perplexity)$/.test(l))).toBe(true);
      expect(
        lines.some((l) => l.startsWith(`Acme Analytics,brand,visibilityScore,${metrics.brand.visibilityScore.value},`)),
      ).toBe(true);

      // Period comparison: with a previous period whose brand mention rate was 0 of n, the rise is outside the
      // noise ("better"); an unchanged share of voice is "inside the noise". The previous period's answer is
      // substituted in the browser (a fresh stack has no history before today).
      const prevTo = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      const prevFrom = new Date(Date.parse(`${prevTo}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
      const previous = structuredClone(metrics);
      previous.from = prevFrom;
      previous.to = prevTo;
      previous.brand.mentionRate = { k: 0, n: metrics.n, value: 0, ci: [0, 3.84 / (metrics.n + 3.84)] };
      await context.route(
        (url) => url.pathname.endsWith(`/brands/${brand.id}/metrics`) && url.searchParams.get('to') === prevTo,
        (route) => route.fulfill({ status: 200, json: previous }),
      );
      await page.reload();
      await expect
        .poll(() => page.getByTestId('metric-mention-rate-change').textContent(), { timeout: 20_000 })
        .toBe(metrics.brand.mentionRate.k > 5 ? 'better' : 'inside the noise');
      expect(await page.getByTestId('metric-share-of-voice-change').textContent()).toBe('inside the noise');
      expect(await page.getByTestId('metric-visibility').textContent()).toContain('not tested');
      // Trend, topics and sources come from the warehouse (the lake trails the aggregates by a few seconds).
      await expect
        .poll(() => page.getByRole('table', { name: 'Topics' }).locator('tbody tr').count(), { timeout: 30_000 })
        .toBeGreaterThan(0);
      await expect
        .poll(() => page.getByRole('table', { name: 'Cited domains' }).locator('tbody tr').count(), {
          timeout: 30_000,
        })
        .toBeGreaterThan(0);
      expect(await page.getByTestId('analytics-trend').textContent()).toContain('inside the noise of the period rate');
      await page.screenshot({ path: `${SHOTS}/analytics-compare.png`, fullPage: true });

      // Heat map: one row per prompt with answers in the period, the brand's column first, as the API counts them.
      const heatCells = PromptEntityRowSchema.array().parse(
        (
          (await api(token, 'GET', `/brands/${brand.id}/analytics/matrix?from=${from}&to=${to}`)).body as {
            rows: unknown;
          }
        ).rows,
      );
      const promptsWithAnswers = new Set(heatCells.map((r) => r.promptId));
      const heatRows = page.getByTestId('heatmap-row');
      await expect.poll(() => heatRows.count(), { timeout: 30_000 }).toBe(promptsWithAnswers.size);
      await page.getByTestId('prompt-heatmap').screenshot({ path: `${SHOTS}/analytics-heatmap.png` });
      await page.getByTestId('analytics-trend').screenshot({ path: `${SHOTS}/analytics-trend.png` });
      const heatHeaders = await page
        .getByRole('table', { name: 'Mention rate by prompt and brand' })
        .locator('thead th')
        .allTextContents();
      expect(heatHeaders[2]).toContain('Acme Analytics (you)');
      // The cell with the most mentions (brand or competitor) opens the drill-down focused on that entity.
      const best = [...heatCells].sort((a, b) => b.mentioned - a.mentioned)[0];
      if (!best || best.mentioned === 0) throw new Error('no mention in any answer: nothing to highlight');
      const cell = page.locator(
        `[data-testid="heatmap-row"][data-prompt-id="${best.promptId}"] [data-testid="heatmap-cell"][data-entity-id="${best.entityId}"]`,
      );
      expect(await cell.textContent()).toBe(`${Math.round((best.mentioned / best.answers) * 100)}%`);
      await cell.click();
      const dialog = page.getByTestId('drilldown');
      await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(true);
      expect(new URL(page.url()).searchParams.get('drill')).toBe(best.promptId);
      expect(new URL(page.url()).searchParams.get('focus')).toBe(best.entityId);
      const answersShown = dialog.getByTestId('drilldown-answer');
      await expect.poll(() => answersShown.count(), { timeout: 15_000 }).toBe(Math.min(best.answers, 10));
      // Every highlight covers exactly the characters the API's offsets name, in the stored answer's text.
      let focused = 0;
      for (const answer of await answersShown.all()) {
        const answerId = (await answer.getAttribute('data-answer-id')) ?? '';
        const stored = AnswerSchema.parse((await api(token, 'GET', `/answers/${encodeURIComponent(answerId)}`)).body);
        expect(await answer.getByTestId('drilldown-text').textContent()).toBe(stored.text);
        for (const mark of await answer.getByTestId('mention').all()) {
          const start = Number(await mark.getAttribute('data-start'));
          const text = (await mark.textContent()) ?? '';
          expect(stored.text.slice(start, start + text.length)).toBe(text);
          const kind = await mark.getAttribute('data-kind');
          expect(await mark.getAttribute('class')).toContain(`hl--${kind}`);
          if ((await mark.getAttribute('data-entity-id')) === best.entityId) focused++;
        }
      }
      expect(focused).toBeGreaterThanOrEqual(Math.min(best.mentioned, 1));
      const brandMark = dialog.locator('[data-testid="mention"][data-kind="brand"]').first();
      const rivalMark = dialog.locator('[data-testid="mention"][data-kind="competitor"]').first();
      if ((await brandMark.count()) > 0 && (await rivalMark.count()) > 0) {
        const color = (l: typeof brandMark) => l.evaluate((el) => getComputedStyle(el).backgroundColor);
        expect(await color(brandMark)).not.toBe(await color(rivalMark));
      }
      await page.screenshot({ path: `${SHOTS}/analytics-drilldown.png`, fullPage: true });
      await dialog.screenshot({ path: `${SHOTS}/analytics-drilldown-dialog.png` });
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.count(), { timeout: 5_000 }).toBe(0);
      expect(new URL(page.url()).searchParams.get('drill')).toBeNull();
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: `${SHOTS}/analytics-failure.png`, fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
    // A whole run, the live update, the warehouse sections, the heat map and the drill-down: longer than the default.
  }, 300_000);
});
