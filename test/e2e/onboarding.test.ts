import '../../local/env-defaults.ts';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import {
  BrandSchema,
  BrandSummarySchema,
  type ModelCatalogueView,
  ModelCatalogueViewSchema,
  pageOf,
  RunSettingsSchema,
} from '../../shared/contracts/index.ts';
import { launchChromium } from '../support/browser.ts';
import { pageAccessToken, signIn } from '../support/e2e-page.ts';

let stack: LocalStack;
let browser: Browser;
const SHOTS = 'test-results/e2e';

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

async function apiGet(token: string, path: string): Promise<unknown> {
  const response = await fetch(`${stack.apiUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status, `GET ${path}`).toBe(200);
  return response.json();
}

/**
 * A provider's model select preselects the catalogue's default, which is available (never deprecated), and offers
 * no retired model (claude-sonnet-4-5 retired on 2026-11-30).
 */
async function expectNoDeprecatedPreselected(page: Page, catalogue: ModelCatalogueView, label: string) {
  const offer = catalogue.providers.find((p) => p.label === label);
  expect(offer, label).toBeDefined();
  const select = page.getByLabel(`${label} model`, { exact: true });
  const chosen = await select.inputValue();
  expect(chosen, label).toBe(offer?.defaultModel);
  expect(offer?.models.find((m) => m.id === chosen)?.status, `${label}: ${chosen}`).toBe('available');
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options).not.toContain('claude-sonnet-4-5');
  expect(options.filter((o) => !offer?.models.some((m) => m.id === o))).toEqual([]);
}

const next = (page: Page) => page.getByRole('button', { name: 'Next', exact: true }).click();
const stepHeading = (page: Page, name: string) =>
  expect.poll(() => page.getByRole('heading', { name, exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);

describe('Onboarding in a real browser', () => {
  it('walks a newcomer from a new workspace through the wizard to a configured brand', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await signIn(page, stack.url, 'newcomer@demo.promptpulse.local', 'demo-newcomer-pass');
      await page.getByLabel('Workspace name').fill('Onboarding Labs');
      await page.getByRole('button', { name: 'Create workspace' }).click();

      // A workspace without a brand opens the wizard at its first step.
      await page.waitForURL(/\/setup/, { timeout: 20_000 });
      await stepHeading(page, 'Workspace');
      await next(page);

      // Brand: the step refuses to move on without the required fields.
      await stepHeading(page, 'Brand');
      await next(page);
      await expect.poll(() => page.getByLabel('Brand name').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByText('Brand name must be at least 1 character', { exact: true }).isVisible()).toBe(true);
      await page.getByLabel('Brand name').fill('Zephyr Metrics');
      await page.getByLabel('Category').fill('product analytics software');
      await page.getByRole('button', { name: 'Add alias' }).click();
      await page.getByLabel('Brand alias 1', { exact: true }).fill('Zephyr');
      await page.getByLabel('Ambiguous word', { exact: true }).first().check();
      await page.getByLabel('Owned domains', { exact: true }).fill('zephyrmetrics.com');
      await page.getByLabel('Markets', { exact: true }).fill('en-US');
      await next(page);

      await stepHeading(page, 'Competitors');
      await page.getByRole('button', { name: 'Add competitor' }).click();
      await page.getByLabel('Competitor name', { exact: true }).fill('Mixpanel');
      await page.getByLabel('Competitor domains', { exact: true }).fill('mixpanel.com');
      await page.getByRole('button', { name: 'Add alias for Mixpanel' }).click();
      await page.getByLabel('Mixpanel alias 1', { exact: true }).fill('Mixpanel Inc');
      await next(page);

      await stepHeading(page, 'Topics');
      await page.getByRole('button', { name: 'Add topic' }).click();
      await page.getByLabel('Topic name', { exact: true }).fill('Pricing');
      await next(page); // saves the brand so suggestions can be generated for it

      await stepHeading(page, 'Prompts');
      await page.getByRole('button', { name: 'Get suggestions' }).click();
      await expect.poll(() => page.getByTestId('suggestion').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Accept all' }).click();
      const accepted = await page.getByTestId('tracked-prompt').count();
      expect(accepted).toBeGreaterThan(0);
      expect(await page.getByTestId('suggestion').count()).toBe(0);
      await next(page);

      await stepHeading(page, 'Providers & budget');
      await page.getByLabel('Anthropic (Claude)', { exact: true }).check();
      const catalogue = ModelCatalogueViewSchema.parse(await apiGet(await pageAccessToken(page), '/model-catalogue'));
      for (const label of ['OpenAI (ChatGPT)', 'Anthropic (Claude)']) {
        await expectNoDeprecatedPreselected(page, catalogue, label);
      }
      await page.getByLabel('Run schedule', { exact: true }).selectOption('weekly');
      await page.getByLabel('Day of week', { exact: true }).selectOption('tue');
      await page.getByLabel('Time of day', { exact: true }).fill('07:30');
      await page.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
      await page.getByLabel('Samples per prompt', { exact: true }).fill('2');
      await page.getByLabel('USD per day', { exact: true }).fill('25');
      await next(page);

      await stepHeading(page, 'Review');
      expect(await page.getByText('Weekly on Tuesday at 07:30 (Europe/Berlin)').isVisible()).toBe(true);
      await page.screenshot({ path: `${SHOTS}/onboarding-review.png`, fullPage: true });
      await page.getByRole('button', { name: 'Finish setup' }).click();

      // Lands on the Action Hub with the new brand in the header.
      await page.waitForURL(/\/actions$/, { timeout: 20_000 });
      await expect
        .poll(() => page.getByTestId('current-brand').textContent(), { timeout: 15_000 })
        .toBe('Zephyr Metrics');
      await page.screenshot({ path: `${SHOTS}/onboarding-done.png`, fullPage: true });

      // The API agrees: one brand, its competitor and topic, a first prompt-set version and the run settings.
      const token = await pageAccessToken(page);
      const list = pageOf(BrandSummarySchema).parse(await apiGet(token, '/brands'));
      expect(list.items.map((b) => b.name)).toEqual(['Zephyr Metrics']);
      const summary = list.items[0]!;
      expect(summary.promptSetVersion).toBe(1);
      const brand = BrandSchema.parse(await apiGet(token, `/brands/${summary.id}`));
      expect(brand.competitors.map((c) => c.name)).toEqual(['Mixpanel']);
      expect(brand.topics.map((t) => t.name)).toEqual(['Pricing']);
      expect(brand.aliases).toEqual([{ value: 'Zephyr', caseSensitive: false, ambiguous: true }]);
      const runSettings = RunSettingsSchema.parse(await apiGet(token, `/brands/${summary.id}/run-settings`));
      expect(runSettings.providers.map((p) => p.provider).sort()).toEqual(['anthropic', 'openai']);
      expect(runSettings.samplesPerPrompt).toBe(2);
      expect(runSettings.schedule).toEqual({
        kind: 'weekly',
        dayOfWeek: 'tue',
        time: '07:30',
        timeZone: 'Europe/Berlin',
      });
      const settings = (await apiGet(token, '/workspaces/current/settings')) as { spendCaps: { usdPerDay: number } };
      expect(settings.spendCaps.usdPerDay).toBe(25);

      for (const p of runSettings.providers) {
        const offer = catalogue.providers.find((o) => o.provider === p.provider);
        expect(offer?.models.find((m) => m.id === p.model)?.status, p.model).toBe('available');
      }

      // Provider settings: a provider switched on there starts on an available model too.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Providers & budgets' }).click();
      await stepHeading(page, 'Providers & budgets');
      await expect.poll(() => page.getByLabel('Google Gemini', { exact: true }).count(), { timeout: 15_000 }).toBe(1);
      await page.getByLabel('Google Gemini', { exact: true }).check();
      for (const label of ['OpenAI (ChatGPT)', 'Anthropic (Claude)', 'Google Gemini']) {
        await expectNoDeprecatedPreselected(page, catalogue, label);
      }

      // And the admin screens show it: the prompt set has as many prompts as were accepted.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Prompt sets' }).click();
      await expect
        .poll(() => page.getByRole('table', { name: 'Tracked prompts' }).locator('tbody tr').count(), {
          timeout: 15_000,
        })
        .toBe(accepted);

      // A reload does not bring the wizard back.
      await page.goto(`${stack.url}/actions`);
      await expect
        .poll(() => page.getByTestId('current-brand').textContent(), { timeout: 15_000 })
        .toBe('Zephyr Metrics');
      expect(page.url()).toMatch(/\/actions$/);
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: `${SHOTS}/onboarding-failure.png`, fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });

  it('shows the seeded viewer brands and members without any edit control', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page, stack.url, 'viewer@demo.promptpulse.local', 'demo-viewer-pass');
      await expect.poll(() => page.getByTestId('user-role').textContent(), { timeout: 15_000 }).toBe('Viewer');
      // Never the wizard, whether or not the demo workspace has a brand.
      expect(page.url()).not.toMatch(/\/setup/);

      await page.goto(`${stack.url}/admin/brands`);
      await stepHeading(page, 'Brands');
      await expect.poll(() => page.getByTestId('read-only-hint').isVisible(), { timeout: 15_000 }).toBe(true);
      // Wait for the list (or its empty state) before judging what is on screen.
      await expect
        .poll(
          async () =>
            (await page.getByRole('table', { name: 'Brands' }).count()) +
            (await page.getByText('No brands yet').count()),
          { timeout: 15_000 },
        )
        .toBeGreaterThan(0);
      expect(await page.getByRole('link', { name: 'Add brand' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: /^Edit / }).count()).toBe(0);
      const viewLinks = page.getByRole('link', { name: /^View / });
      if ((await viewLinks.count()) > 0) {
        await viewLinks.first().click();
        await expect.poll(() => page.getByTestId('read-only-hint').isVisible(), { timeout: 15_000 }).toBe(true);
        await expect.poll(() => page.getByText('Competitors (').count(), { timeout: 15_000 }).toBeGreaterThan(0);
        expect(await page.getByRole('button', { name: /Save|Delete|Add|Remove/ }).count()).toBe(0);
        expect(await page.getByRole('textbox').count()).toBe(0);
      }

      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Members' }).click();
      await stepHeading(page, 'Members');
      await expect
        .poll(() => page.getByRole('table', { name: 'Members' }).getByText('viewer@demo.promptpulse.local').count(), {
          timeout: 15_000,
        })
        .toBe(1);
      expect(await page.getByTestId('read-only-hint').isVisible()).toBe(true);
      expect(await page.getByRole('heading', { name: 'Invite a colleague' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /Remove|Send invitation/ }).count()).toBe(0);
      expect(await page.getByRole('combobox').count()).toBe(0);
      expect(await page.getByRole('textbox').count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/viewer-members.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
