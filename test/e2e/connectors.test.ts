import '../../local/env-defaults.ts';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { pageOf } from '../../shared/contracts/common.ts';
import { ConnectorSchema } from '../../shared/contracts/connectors.ts';
import { launchChromium } from '../support/browser.ts';
import { pageAccessToken, signIn } from '../support/e2e-page.ts';

let stack: LocalStack;
let browser: Browser;
const SHOTS = 'test-results/e2e';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The default local schedule: the seeded demo connectors are polled from the replay server a few seconds in.
  [stack, browser] = await Promise.all([
    startLocalStack({ dataDir: null, ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 } }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function connectors(token: string) {
  const res = await fetch(`${stack.apiUrl}/connectors?limit=100`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return pageOf(ConnectorSchema).parse(await res.json()).items;
}

async function openConnectors(page: Page) {
  await page.waitForURL((u) => !u.pathname.startsWith('/auth/callback'));
  await page.getByRole('link', { name: 'Admin' }).click();
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Connectors' }).click();
  await page.getByRole('table', { name: 'Connectors' }).waitFor();
}

describe('Admin > Connectors', () => {
  it('shows the seeded connectors with live counts, connects a feed, fetches a sample, and pauses it', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
    await openConnectors(page);
    const token = await pageAccessToken(page);

    // The seeded demo connectors ingest on their own; the table shows what the API says.
    await expect
      .poll(async () => (await connectors(token)).every((c) => c.source === 'webhook' || c.itemsIngested > 0), {
        timeout: 90_000,
        interval: 2000,
      })
      .toBe(true);
    await page.reload();
    await page.getByRole('table', { name: 'Connectors' }).waitFor();
    const redditName = (await connectors(token)).find((c) => c.source === 'reddit')?.name ?? 'Reddit';
    const redditRow = page.getByRole('row').filter({ hasText: redditName });
    // The screen refreshes every 10 s; a new poll may have added posts meanwhile, so compare with the API's count now.
    await expect
      .poll(
        async () => {
          const count = (await connectors(token)).find((c) => c.source === 'reddit')?.itemsIngested ?? -1;
          return (await redditRow.textContent())?.includes(count.toLocaleString('en-US'));
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(await redditRow.textContent()).toContain('deleted');

    // Connect a new feed through the form.
    const form = page.getByRole('region', { name: 'Connect a source' });
    await form.getByLabel('Name').fill('E2E feed');
    await form.getByLabel('Feed URL').fill(`${stack.endpoints.connectorReplay}/feeds/datadaily.atom`);
    await form.getByRole('button', { name: 'Connect' }).click();
    const row = page.getByRole('row').filter({ hasText: 'E2E feed' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Active');

    // A refused URL is explained at the field, and nothing is created.
    await form.getByLabel('Name').fill('Metadata');
    await form.getByLabel('Feed URL').fill('https://169.254.169.254/latest/meta-data/');
    await form.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => form.textContent()).toMatch(/non-public|refused|not allowed/i);
    expect((await connectors(token)).some((c) => c.name === 'Metadata')).toBe(false);

    // Test: a sample, nothing saved.
    const before = (await connectors(token)).find((c) => c.name === 'E2E feed');
    await row.getByRole('button', { name: 'Test' }).click();
    const sample = page.getByRole('region', { name: 'Sample' });
    await sample.waitFor();
    expect(await sample.textContent()).toMatch(/Sample: \d+ item\(s\), nothing saved/);
    await page.screenshot({ path: `${SHOTS}/connectors.png`, fullPage: true });
    const after = (await connectors(token)).find((c) => c.name === 'E2E feed');
    expect(after?.version).toBe(before?.version);

    await row.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => row.textContent()).toContain('Paused');
    expect((await connectors(token)).find((c) => c.name === 'E2E feed')?.status).toBe('paused');
    await context.close();
  });

  it('shows a webhook secret once, and viewers only read', async () => {
    const owner = await browser.newContext();
    const page = await owner.newPage();
    await signIn(page, stack.url, 'admin@demo.promptpulse.local', 'demo-admin-pass');
    await openConnectors(page);
    const form = page.getByRole('region', { name: 'Connect a source' });
    await form.getByLabel('Source').selectOption('webhook');
    await form.getByLabel('Name').fill('E2E webhook');
    await form.getByRole('button', { name: 'Connect' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Signing secret for E2E webhook' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/whsec_[A-Za-z0-9+/=_-]{40,}/);
    await notice.getByRole('button', { name: 'I have stored it' }).click();
    await expect.poll(() => page.getByText(/whsec_/).count()).toBe(0);
    await owner.close();

    const viewer = await browser.newContext();
    const viewerPage = await viewer.newPage();
    await signIn(viewerPage, stack.url, 'viewer@demo.promptpulse.local', 'demo-viewer-pass');
    await openConnectors(viewerPage);
    expect(await viewerPage.getByRole('region', { name: 'Connect a source' }).count()).toBe(0);
    expect(await viewerPage.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    expect(await viewerPage.getByRole('row').filter({ hasText: 'E2E webhook' }).count()).toBe(1);
    await viewer.close();
  });
});
