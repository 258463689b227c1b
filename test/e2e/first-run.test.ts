import '../../local/env-defaults.ts';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { TERMINAL_RUN_STATUSES } from '../../shared/contracts/index.ts';
import { launchChromium } from '../support/browser.ts';
import { signIn } from '../support/e2e-page.ts';

/** Days of demo history seeded (kept short: the test runs the real pipeline over every answer). */
const HISTORY_DAYS = 6;
let stack: LocalStack;
let browser: Browser;
const SHOTS = 'test-results/e2e';
const TERMINAL: readonly string[] = TERMINAL_RUN_STATUSES;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [stack, browser] = await Promise.all([
    startLocalStack({
      dataDir: null,
      ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
      demoHistory: { days: HISTORY_DAYS },
    }),
    launchChromium(),
  ]);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const next = (page: Page) => page.getByRole('button', { name: 'Next', exact: true }).click();
const stepHeading = (page: Page, name: string) =>
  expect.poll(() => page.getByRole('heading', { name, exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);

async function openAnalytics(page: Page, preset: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
  await expect
    .poll(() => page.getByRole('heading', { level: 1, name: 'Analytics' }).isVisible(), { timeout: 15_000 })
    .toBe(true);
  await page.getByRole('button', { name: preset }).click();
}

/** A metric card's value as a number (percent text like "42%" → 0.42), or null when it shows none. */
async function metricValue(page: Page, testId: string): Promise<number | null> {
  const text =
    (await page
      .getByTestId(`${testId}-value`)
      .textContent()
      .catch(() => null)) ?? '';
  const match = /(-?\d+(?:\.\d+)?)\s*%/.exec(text);
  return match ? Number(match[1]) / 100 : null;
}

describe('a first run that tells the truth', () => {
  it("answers a newcomer's first run about its own market: non-zero mention rate and share of voice", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page, stack.url, 'newcomer@demo.promptpulse.local', 'demo-newcomer-pass');
      await page.getByLabel('Workspace name').fill('Contoso Labs');
      await page.getByRole('button', { name: 'Create workspace' }).click();
      await page.waitForURL(/\/setup/, { timeout: 20_000 });
      await stepHeading(page, 'Workspace');
      await next(page);
      await stepHeading(page, 'Brand');
      await page.getByLabel('Brand name').fill('Contoso Cloud');
      await page.getByLabel('Category').fill('Cloud cost management');
      await page.getByLabel('Owned domains', { exact: true }).fill('contoso.example');
      await page.getByLabel('Markets', { exact: true }).fill('en-US');
      await next(page);
      await stepHeading(page, 'Competitors');
      await page.getByRole('button', { name: 'Add competitor' }).click();
      await page.getByLabel('Competitor name', { exact: true }).fill('Fabrikam FinOps');
      await next(page);
      await stepHeading(page, 'Topics');
      await page.getByRole('button', { name: 'Add topic' }).click();
      await page.getByLabel('Topic name', { exact: true }).fill('Kubernetes costs');
      await next(page);
      await stepHeading(page, 'Prompts');
      await page.getByRole('button', { name: 'Get suggestions' }).click();
      await expect.poll(() => page.getByTestId('suggestion').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Accept all' }).click();
      await next(page);
      await stepHeading(page, 'Providers & budget');
      await page.getByLabel('Anthropic (Claude)', { exact: true }).check();
      await page.getByLabel('Samples per prompt', { exact: true }).fill('2');
      await next(page);
      await stepHeading(page, 'Review');
      // The cost is estimated before Finish: prompts × 2 providers × 2 samples calls, priced, per run and per month.
      const heading = await page.getByRole('heading', { name: /^Tracked prompts \(\d+\)$/ }).textContent();
      const prompts = Number(/\((\d+)\)/.exec(heading ?? '')?.[1] ?? 0);
      expect(prompts).toBeGreaterThan(0);
      expect(await page.getByTestId('setup-cost-estimate').textContent()).toMatch(
        new RegExp(`${prompts * 4} calls and about \\$\\d+\\.\\d{2} per run; about \\$\\d+\\.\\d{2} a month`),
      );
      await page.getByRole('button', { name: 'Finish setup' }).click();
      await page.waitForURL(/\/actions$/, { timeout: 20_000 });
      await expect
        .poll(() => page.getByTestId('current-brand').textContent(), { timeout: 15_000 })
        .toBe('Contoso Cloud');

      await page.getByRole('button', { name: 'Run now', exact: true }).click();
      await page.waitForURL(/\/runs\/run_[0-9a-z]{26}$/, { timeout: 20_000 });
      await expect
        .poll(async () => TERMINAL.includes((await page.getByTestId('run-status').textContent()) ?? ''), {
          timeout: 180_000,
          interval: 500,
        })
        .toBe(true);
      expect(['succeeded', 'partial']).toContain(await page.getByTestId('run-status').textContent());

      await openAnalytics(page, 'Last 7 days');
      await expect.poll(() => metricValue(page, 'metric-mention-rate'), { timeout: 60_000 }).toBeGreaterThan(0);
      const mentionRate = (await metricValue(page, 'metric-mention-rate')) ?? 0;
      const shareOfVoice = (await metricValue(page, 'metric-share-of-voice')) ?? 0;
      // The simulated market plants a moderate visibility for a new brand: present, not dominant.
      expect(mentionRate).toBeGreaterThan(0.1);
      expect(mentionRate).toBeLessThan(0.95);
      expect(shareOfVoice).toBeGreaterThan(0.05);
      expect(shareOfVoice).toBeLessThan(0.95);
      await page.screenshot({ path: `${SHOTS}/first-run-analytics.png`, fullPage: true });
    } catch (error) {
      await page.screenshot({ path: `${SHOTS}/first-run-failure.png`, fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  }, 400_000);

  it('shows one trend point per day of seeded history and lists its runs', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page, stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
      await expect
        .poll(() => page.getByTestId('current-brand').textContent(), { timeout: 15_000 })
        .toBe('Acme Analytics');
      // One <title> in the head (the page sets it; React does not add a second one), and no favicon 404.
      expect(await page.locator('head title').count()).toBe(1);
      await expect.poll(() => page.title()).toBe('Action Hub · PromptPulse');
      const favicon = await fetch(`${stack.url}/favicon.ico`);
      expect(favicon.status).toBe(200);
      expect(favicon.headers.get('content-type')).toContain('image/svg+xml');
      await openAnalytics(page, 'Last 30 days');
      const trend = page.getByTestId('analytics-trend');
      await trend.getByText('Table of the daily values', { exact: true }).click();
      const daysWithAnswers = async () => {
        const rates = await trend.locator('tbody tr td:nth-of-type(3)').allTextContents();
        return rates.filter((rate) => rate.trim() !== '—').length;
      };
      await expect.poll(daysWithAnswers, { timeout: 60_000 }).toBe(HISTORY_DAYS);
      expect(await trend.locator('tbody tr').count()).toBe(30);
      // Recharts draws one dot per day with a value.
      expect(await trend.locator('.recharts-line-dot').count()).toBe(HISTORY_DAYS);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
      await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 15_000 }).toBe(HISTORY_DAYS);
      expect(await page.getByText('No runs yet').count()).toBe(0);
    } catch (error) {
      await page.screenshot({ path: `${SHOTS}/first-run-history-failure.png`, fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  }, 200_000);
});
