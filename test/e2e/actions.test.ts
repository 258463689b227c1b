import '../../local/env-defaults.ts';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INTEGRATION_NAME } from '../../local/seed-actions.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { BrandSchema } from '../../shared/contracts/brands.ts';
import { launchChromium } from '../support/browser.ts';
import { pageAccessToken, signIn } from '../support/e2e-page.ts';

let stack: LocalStack;
let browser: Browser;
const SHOTS = 'test-results/e2e';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [stack, browser] = await Promise.all([
    // The seeded workspace as `npm start` has it: with ~90 days of demo history through the pipeline.
    startLocalStack({
      dataDir: null,
      ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
      schedulerIntervalMs: null,
      demoHistory: true,
    }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function api(token: string, method: string, path: string, body?: unknown, ifMatch?: number) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(ifMatch !== undefined ? { 'If-Match': `"${ifMatch}"` } : {}),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json().catch(() => null)) as Record<string, any> };
}

describe('Action Hub in Chromium', () => {
  it('a run on the seeded workspace raises actions that appear live; a status change reaches the local CRM', {
    timeout: 240_000,
  }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
    // After sign-in the app opens `/`, which is the Action Hub.
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 30_000 }).toBe('/actions');
    await expect.poll(() => page.getByRole('heading', { name: 'No actions yet' }).count(), { timeout: 30_000 }).toBe(1);
    const token = await pageAccessToken(page);

    const brands = await api(token, 'GET', '/brands');
    const brand = BrandSchema.parse(
      (
        await api(
          token,
          'GET',
          `/brands/${brands.json.items.find((b: { name: string }) => b.name === 'Acme Analytics').id}`,
        )
      ).json,
    );

    // The page stays open; a marker proves it is never reloaded while the actions arrive by push.
    await page.evaluate(() => {
      (window as unknown as { __stayed: boolean }).__stayed = true;
    });
    const started = await api(token, 'POST', `/brands/${brand.id}/runs`);
    expect(started.status).toBe(202);
    const firstCard = page.getByTestId('action-card').first();
    try {
      await firstCard.waitFor({ timeout: 120_000 });
    } catch (error) {
      await page.screenshot({ path: `${SHOTS}/actions-missing.png`, fullPage: true });
      const check = await api(token, 'POST', `/brands/${brand.id}/actions/generate`);
      throw new Error(`no action appeared after the run; the engine now says ${JSON.stringify(check.json)}`, {
        cause: error,
      });
    }
    expect(await page.evaluate(() => (window as unknown as { __stayed?: boolean }).__stayed)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/actions-hub.png`, fullPage: true });
    // Jargon has its glossary one click away: the badge's "priority" opens its definition; Escape closes it.
    await firstCard.getByRole('button', { name: 'priority' }).click();
    await expect.poll(() => page.getByTestId('glossary-popover').textContent()).toContain('ranking score');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('glossary-popover').count()).toBe(0);
    const titles = await page.getByTestId('action-card').locator('h2').allTextContents();
    // The history has Northwind Insights gaining on Anthropic while the brand loses ground there.
    const northwind = titles.find((t) => t.includes('Northwind Insights'));
    expect(northwind, titles.join(' | ')).toBeDefined();

    // Detail: rationale, the numbers, highlighted mentions in the answers, the metric chart.
    await page.getByRole('link', { name: northwind ?? '' }).click();
    await page.waitForURL(/\/actions\/act_/);
    await expect.poll(() => page.getByTestId('action-rationale').textContent()).toContain('interval');
    expect(await page.getByTestId('evidence-highlight').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('evidence-highlight').allTextContents()).toContain('Northwind Insights');
    await page.getByTestId('action-series').waitFor();
    const actionId = new URL(page.url()).pathname.split('/').pop() ?? '';

    // Start it: the change is synced to the local CRM receiver as action.updated, signed.
    await page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => page.getByTestId('detail-status').textContent(), { timeout: 15_000 }).toBe('In progress');
    const integrations = await api(token, 'GET', '/integrations');
    const demo = integrations.json.items.find((i: { name: string }) => i.name === DEMO_INTEGRATION_NAME);
    const receiver = new URL(demo.url).origin;
    await expect
      .poll(
        async () => {
          const received = (await (await fetch(`${receiver}/received.json`)).json()) as {
            tasks: { actionId: string; status: string; eventType: string; signatureValid: boolean }[];
          };
          return received.tasks.some(
            (t) =>
              t.actionId === actionId &&
              t.status === 'in_progress' &&
              t.eventType === 'action.updated' &&
              t.signatureValid,
          );
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    // The hub shows the sync status per integration.
    await expect
      .poll(() => page.getByTestId('sync-table').textContent(), { timeout: 30_000 })
      .toContain(DEMO_INTEGRATION_NAME);
    await page.screenshot({ path: `${SHOTS}/action-detail.png`, fullPage: true });

    // Admin > Integrations: send a test event, see it in the delivery log.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('button', { name: 'Send test event' }).first().click();
    await expect.poll(() => page.getByTestId('test-result').textContent(), { timeout: 15_000 }).toContain('delivered');
    await expect.poll(() => page.getByTestId('delivery-row').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    await context.close();
  });
});
