import '../../local/env-defaults.ts';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisEventPublisher } from '../../functions/adapters/aws/kinesis-event-publisher.ts';
import { localKinesisClient } from '../../local/emulators/kinesis.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { SignalAlertsPageSchema } from '../../shared/contracts/signals.ts';
import { RESOURCE_NAMES } from '../../shared/infra/resources.ts';
import { launchChromium } from '../support/browser.ts';
import { signIn } from '../support/e2e-page.ts';
import { signInWithPassword } from '../support/oidc-flow.ts';
import { DEMO } from '../support/sessions.ts';
import { plantedSwingSeries, signalEvent } from '../support/signals-fixtures.ts';

let stack: LocalStack;
let browser: Browser;
let publisher: KinesisEventPublisher;
let brandId = '';
const SHOTS = 'test-results/e2e';
const lastDay = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

async function api(token: string, path: string) {
  const response = await fetch(`${stack.apiUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return response.json() as Promise<Record<string, unknown>>;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [stack, browser] = await Promise.all([
    startLocalStack({ dataDir: null, ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 } }),
    launchChromium(),
  ]);
  publisher = new KinesisEventPublisher(localKinesisClient(stack.endpoints.kinesis), RESOURCE_NAMES.eventStream);
  const owner = await signInWithPassword(stack.url, ...DEMO.owner);
  const brands = await api(owner.access_token, '/brands?limit=10');
  brandId = (brands.items as { id: string; name: string }[]).find((b) => b.name === 'Acme Analytics')?.id ?? '';
  // Signals of the seeded workspace's brand, through the real stream and aggregation consumer: 20 days of a
  // webhook source with a planted swing (volume ×3, sentiment toward the brand from +0.3 to −0.6) on the last day.
  await publisher.publish(
    plantedSwingSeries({ tenantId: stack.demoTenantId ?? '', brandId, lastDay, source: 'webhook', prefix: 'e2e-' }),
  );
  for (let i = 0; i < 300; i++) {
    const alerts = SignalAlertsPageSchema.parse(await api(owner.access_token, `/signals/alerts?brandId=${brandId}`));
    if (alerts.items.some((a) => a.source === 'webhook' && a.metric === 'sentiment' && a.day === lastDay)) break;
    await new Promise((r) => setTimeout(r, 300));
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Alerts beyond the newest five sit behind "Show all"; alerts keep arriving while connectors ingest. */
async function countAlerts(page: Page, locator: ReturnType<Page['locator']>): Promise<number> {
  const more = page.getByRole('button', { name: /^Show all \d+ alerts$/ });
  if (await more.count()) await more.click();
  return locator.count();
}

async function openSignals(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Signals' }).click();
  await expect
    .poll(() => page.getByRole('heading', { level: 1, name: 'Signals' }).isVisible(), { timeout: 15_000 })
    .toBe(true);
}

describe('Signals in a real browser', () => {
  it("shows the seeded demo workspace's feed from the replay servers and alerts for the planted swings", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page, stack.url, ...DEMO.analyst);
      await openSignals(page);
      const feed = page.getByTestId('signals-feed');
      // The demo connectors' first ingest (90 days from the local replay servers, one source after another) runs
      // after the stack starts, so every wait here is generous.
      await expect
        .poll(async () => (await feed.getByTestId('signal-item').allTextContents()).join(' '), { timeout: 150_000 })
        .toMatch(/Acme Analytics/);
      await page.getByRole('combobox', { name: 'Source', exact: true }).selectOption('reddit');
      await expect
        .poll(
          async () => {
            const texts = await feed.getByTestId('signal-item').allTextContents();
            return texts.length > 0 && texts.every((t) => t.startsWith('Reddit'));
          },
          { timeout: 120_000 },
        )
        .toBe(true);
      await page.getByRole('combobox', { name: 'Source', exact: true }).selectOption('');

      // docs/connectors.md: news volume spike 6 → 3 days ago; Reddit negative sentiment swing 12 → 1 days ago.
      const alerts = page.getByTestId('signals-alerts').getByTestId('signal-alert');
      const newsSpike = alerts.and(page.locator('[data-source="rss"][data-metric="volume-up"]'));
      const redditSwing = alerts.and(page.locator('[data-source="reddit"][data-metric="sentiment-down"]'));
      await expect.poll(() => countAlerts(page, newsSpike), { timeout: 120_000 }).toBeGreaterThan(0);
      await expect.poll(() => countAlerts(page, redditSwing), { timeout: 60_000 }).toBeGreaterThan(0);
      const days = (from: number, to: number) =>
        Array.from({ length: from - to + 1 }, (_, i) =>
          new Date(Date.now() - (to + i) * 86_400_000).toISOString().slice(0, 10),
        );
      const newsText = (await newsSpike.first().textContent()) ?? '';
      expect(
        days(6, 3).some((d) => newsText.includes(d)),
        newsText,
      ).toBe(true);
      const redditText = (await redditSwing.first().textContent()) ?? '';
      expect(
        days(12, 1).some((d) => redditText.includes(d)),
        redditText,
      ).toBe(true);
      await page.screenshot({ path: `${SHOTS}/signals-demo.png`, fullPage: true });
      await page.screenshot({ path: `${SHOTS}/signals-demo-top.png` });
    } finally {
      await context.close();
    }
  }, 330_000);

  it('shows the feed, the charts and the planted swing as alerts with evidence; new signals arrive live', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page, stack.url, ...DEMO.owner);
      await openSignals(page);

      const alerts = page.getByTestId('signals-alerts');
      const sentimentAlert = alerts
        .getByTestId('signal-alert')
        .and(page.locator('[data-source="webhook"][data-metric="sentiment-down"]'));
      await expect.poll(() => countAlerts(page, sentimentAlert), { timeout: 20_000 }).toBeGreaterThan(0);
      await expect.poll(() => sentimentAlert.first().textContent()).toContain(lastDay);
      await expect.poll(() => sentimentAlert.first().textContent()).toContain('n = 70');
      await expect.poll(() => sentimentAlert.first().textContent()).toContain('refund');
      const volumeAlert = alerts
        .getByTestId('signal-alert')
        .and(page.locator('[data-source="webhook"][data-metric="volume-up"]'));
      await expect.poll(() => countAlerts(page, volumeAlert)).toBeGreaterThan(0);

      await expect.poll(() => page.getByTestId('signals-volume-chart').isVisible()).toBe(true);
      await expect.poll(() => page.getByTestId('signals-sentiment-chart').isVisible()).toBe(true);
      await expect
        .poll(() => page.getByTestId('signals-top-posts').getByTestId('signal-item').count(), { timeout: 15_000 })
        .toBeGreaterThan(0);
      const feed = page.getByTestId('signals-feed');
      await expect.poll(() => feed.getByTestId('signal-item').count(), { timeout: 15_000 }).toBeGreaterThan(10);

      // Filters: negative posts only, then German only.
      await page.getByRole('combobox', { name: 'Sentiment', exact: true }).selectOption('negative');
      await expect
        .poll(async () => {
          const texts = await feed.getByTestId('signal-item').allInnerTexts();
          return texts.length > 0 && texts.every((t) => t.includes('negative'));
        })
        .toBe(true);
      expect(page.url()).toContain('sentiment=negative');
      await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('de');
      await expect
        .poll(async () => {
          const texts = await feed.getByTestId('signal-item').allInnerTexts();
          return texts.length > 0 && texts.every((t) => /\bde\b/.test(t));
        })
        .toBe(true);
      await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('');
      await page.getByRole('combobox', { name: 'Sentiment', exact: true }).selectOption('');

      // A new signal is pushed over the WebSocket while the page is open.
      await expect.poll(() => page.getByText('Live', { exact: true }).isVisible(), { timeout: 20_000 }).toBe(true);
      await publisher.publish([
        signalEvent({
          tenantId: stack.demoTenantId ?? '',
          brandId,
          source: 'webhook',
          externalId: 'e2e-live-1',
          publishedAt: new Date().toISOString(),
          sentiment: -0.4,
          text: 'Just now: the export button vanished after the update.',
        }),
      ]);
      // The stream may still be busy with the demo connectors' first ingest, so this waits generously.
      await expect
        .poll(() => feed.getByText('Just now: the export button vanished after the update.').isVisible(), {
          timeout: 180_000,
        })
        .toBe(true);
      await expect.poll(() => page.getByTestId('signals-live-count').isVisible()).toBe(true);

      // Acknowledge the sentiment alert.
      await sentimentAlert.first().getByRole('button', { name: 'Acknowledge' }).click();
      await expect.poll(() => sentimentAlert.first().textContent(), { timeout: 15_000 }).toContain('acknowledged');
      await page.screenshot({ path: `${SHOTS}/signals.png`, fullPage: true });
    } finally {
      await context.close();
    }
  }, 360_000);

  it('shows a viewer the alerts without the Acknowledge button', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page, stack.url, ...DEMO.viewer);
      await openSignals(page);
      const items = page.getByTestId('signals-alerts').getByTestId('signal-alert');
      await expect.poll(() => items.count(), { timeout: 20_000 }).toBeGreaterThan(0);
      expect(await page.getByTestId('signals-alerts').getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
