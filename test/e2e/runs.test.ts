import '../../local/env-defaults.ts';
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import {
  BrandSummarySchema,
  PromptSetVersionSchema,
  pageOf,
  RunSchema,
  RunSettingsSchema,
  TERMINAL_RUN_STATUSES,
  WorkspaceSettingsSchema,
} from '../../shared/contracts/index.ts';
import { launchChromium } from '../support/browser.ts';
import { pageAccessToken, signIn } from '../support/e2e-page.ts';

let stack: LocalStack;
let browser: Browser;
const SHOTS = 'test-results/e2e';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [stack, browser] = await Promise.all([
    startLocalStack({
      dataDir: null,
      ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
      // Answers take about a second, as real assistants do, so progress is visibly live and a run can be
      // cancelled while it is going.
      providerSimulator: { faults: { default: { latencyMs: { mean: 900, jitter: 300 } } } },
    }),
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

async function apiPut(token: string, path: string, body: unknown, version: number): Promise<unknown> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'If-Match': `"${version}"` },
    body: JSON.stringify(body),
  });
  expect(response.status, `PUT ${path}`).toBe(200);
  return response.json();
}

/** Records every distinct text of `[data-testid=run-progress]` (and of the status) as the page changes. */
async function recordRunProgress(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __progress: string[]; __statuses: string[] };
    w.__progress = [];
    w.__statuses = [];
    const sample = () => {
      const progress = document.querySelector('[data-testid="run-progress"]')?.textContent;
      const status = document.querySelector('[data-testid="run-status"]')?.textContent;
      if (progress && w.__progress.at(-1) !== progress) w.__progress.push(progress);
      if (status && w.__statuses.at(-1) !== status) w.__statuses.push(status);
    };
    new MutationObserver(sample).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __progress: string[]; __statuses: string[] };
      return { progress: w.__progress, statuses: w.__statuses };
    });
}

const TERMINAL: readonly string[] = TERMINAL_RUN_STATUSES;

async function waitForTerminalStatus(page: Page, timeout = 90_000): Promise<string> {
  await expect
    .poll(async () => TERMINAL.includes((await page.getByTestId('run-status').textContent()) ?? ''), {
      timeout,
      interval: 250,
    })
    .toBe(true);
  return (await page.getByTestId('run-status').textContent()) ?? '';
}

/** Counts pushed run frames the page receives over its WebSocket. */
function watchPush(page: Page) {
  const seen = { sockets: 0, runFrames: 0, pongs: 0 };
  page.on('websocket', (ws) => {
    seen.sockets += 1;
    ws.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : payload.toString('utf8');
      if (/"type":"run\.(progressed|completed)"/.test(text)) seen.runFrames += 1;
      if (/"type":"pong"/.test(text)) seen.pongs += 1;
    });
  });
  return seen;
}

async function withPage(fn: (page: Page, context: BrowserContext) => Promise<void>, shot: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    await fn(page, context);
    expect(pageErrors).toEqual([]);
  } catch (error) {
    await page.screenshot({ path: `${SHOTS}/${shot}-failure.png`, fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
}

describe('Runs in a real browser', () => {
  it('runs the demo brand from the Action Hub with live progress, then opens an answer', async () => {
    await withPage(async (page) => {
      const push = watchPush(page);
      await signIn(page, stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
      await expect
        .poll(() => page.getByTestId('current-brand').textContent(), { timeout: 15_000 })
        .toBe('Acme Analytics');

      // What a run of the demo brand should plan: prompts × enabled providers × samples.
      const token = await pageAccessToken(page);
      const brands = pageOf(BrandSummarySchema).parse(await apiGet(token, '/brands'));
      const brand = brands.items.find((b) => b.name === 'Acme Analytics');
      if (!brand) throw new Error('demo brand missing');
      const promptSet = PromptSetVersionSchema.parse(await apiGet(token, `/brands/${brand.id}/prompt-set`));
      const settings = RunSettingsSchema.parse(await apiGet(token, `/brands/${brand.id}/run-settings`));
      const expectedPlanned =
        promptSet.prompts.length * settings.providers.filter((p) => p.enabled).length * settings.samplesPerPrompt;
      expect(expectedPlanned).toBeGreaterThan(0);

      const recorded = await recordRunProgress(page);
      await page.getByRole('button', { name: 'Run now', exact: true }).click();
      await page.waitForURL(/\/runs\/run_[0-9a-z]{26}$/, { timeout: 20_000 });
      const runId = new URL(page.url()).pathname.split('/').at(-1) ?? '';

      // Live: the progress text moves while the run goes on, before the run has finished.
      await expect
        .poll(async () => (await recorded()).progress.length, { timeout: 30_000, interval: 100 })
        .toBeGreaterThan(1);
      await page.screenshot({ path: `${SHOTS}/run-live.png`, fullPage: true });

      const status = await waitForTerminalStatus(page);
      expect(['succeeded', 'partial']).toContain(status);
      await expect
        .poll(() => page.getByTestId('run-progress').textContent(), { timeout: 10_000 })
        .toBe(`${expectedPlanned} / ${expectedPlanned}`);
      const { progress, statuses } = await recorded();
      expect(progress.length, `progress seen: ${progress.join(', ')}`).toBeGreaterThan(2);
      expect(progress.at(-1)).toBe(`${expectedPlanned} / ${expectedPlanned}`);
      expect(statuses.some((s) => s === 'running' || s === 'queued')).toBe(true);

      // The pushed updates arrived over the WebSocket (the page would otherwise have polled).
      expect(push.sockets).toBeGreaterThan(0);
      expect(push.runFrames).toBeGreaterThan(0);

      // The API agrees: every planned item is accounted for.
      const run = RunSchema.parse(await apiGet(token, `/runs/${runId}`));
      expect(run.status).toBe(status);
      expect(run.counts.planned).toBe(expectedPlanned);
      expect(run.counts.succeeded + run.counts.failed + run.counts.skipped).toBe(run.counts.planned);
      expect(run.counts.succeeded).toBeGreaterThan(0);
      expect(run.startedAt, 'a finished run says when it started').not.toBeNull();
      expect(run.finishedAt, 'a finished run says when it finished').not.toBeNull();

      // Per provider and per prompt tables are filled in.
      await expect
        .poll(() => page.getByRole('table', { name: 'Providers' }).locator('tbody tr').count(), { timeout: 10_000 })
        .toBe(settings.providers.filter((p) => p.enabled).length);
      await expect
        .poll(() => page.getByTestId('run-item').count(), { timeout: 10_000 })
        .toBe(Math.min(expectedPlanned, 100));
      expect(await page.getByTestId('run-prompt').count()).toBe(promptSet.prompts.length);
      expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/run-finished.png`, fullPage: true });

      // The history lists it with its final status.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
      const row = page.getByRole('table', { name: 'Runs' }).locator(`tr[data-run-id="${runId}"]`);
      await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
      expect(await row.textContent()).toContain('Acme Analytics');
      expect(await row.textContent()).toContain(status);
      await row.getByRole('link', { name: 'Details' }).click();
      await page.waitForURL(new RegExp(`/runs/${runId}$`));

      // One answer, rendered as text (never as HTML) with its prompt, provider and usage.
      await page
        .getByRole('link', { name: /^View answer/ })
        .first()
        .click();
      await page.waitForURL(/\/answers\//, { timeout: 15_000 });
      await expect
        .poll(() => page.getByRole('heading', { name: 'Answer text' }).isVisible(), { timeout: 15_000 })
        .toBe(true);
      const answerText = (await page.getByTestId('answer-text').textContent()) ?? '';
      expect(answerText.trim().length).toBeGreaterThan(20);
      expect(promptSet.prompts.map((p) => p.text)).toContain(await page.getByTestId('answer-prompt').textContent());
      expect(await page.getByTestId('answer-text').locator('script, iframe, img, [onerror]').count()).toBe(0);
      for (const link of await page.getByTestId('answer-text').locator('a').all()) {
        expect(await link.getAttribute('href')).toMatch(/^https?:\/\//);
        expect(await link.getAttribute('rel')).toContain('noopener');
      }
      await page.screenshot({ path: `${SHOTS}/run-answer.png`, fullPage: true });
      await page.getByRole('button', { name: 'Show raw text' }).click();
      expect(((await page.locator('pre.answer-raw').textContent()) ?? '').length).toBeGreaterThan(20);
      await page.getByRole('link', { name: 'Back to the run' }).click();
      await page.waitForURL(new RegExp(`/runs/${runId}$`));
    }, 'runs-owner');
  });

  it('works without the push channel (polling) and lets an analyst cancel a run', async () => {
    await withPage(async (page, context) => {
      // The same build with `websocketUrl: null`, as when the push endpoint is unavailable.
      await context.route('**/config.json', async (route) => {
        const response = await route.fetch();
        const config = (await response.json()) as Record<string, unknown>;
        await route.fulfill({ response, json: { ...config, websocketUrl: null } });
      });
      const push = watchPush(page);
      await signIn(page, stack.url, 'analyst@demo.promptpulse.local', 'demo-analyst-pass');
      await expect
        .poll(() => page.getByTestId('current-brand').textContent(), { timeout: 15_000 })
        .toBe('Acme Analytics');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
      await expect.poll(() => page.getByRole('table', { name: 'Runs' }).isVisible(), { timeout: 15_000 }).toBe(true);
      const recorded = await recordRunProgress(page);
      await page.getByRole('button', { name: 'Run now', exact: true }).click();
      await page.waitForURL(/\/runs\/run_[0-9a-z]{26}$/, { timeout: 20_000 });
      const runId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
      await expect.poll(() => page.getByText('Refreshing every 3 s').isVisible(), { timeout: 15_000 }).toBe(true);

      await page.getByRole('button', { name: 'Cancel run' }).click();
      const status = await waitForTerminalStatus(page);
      expect(status).toBe('cancelled');
      expect(push.sockets).toBe(0);
      expect((await recorded()).statuses).toContain('cancelled');

      const run = RunSchema.parse(await apiGet(await pageAccessToken(page), `/runs/${runId}`));
      expect(run.status).toBe('cancelled');
      expect(run.cancelRequested).toBe(true);
      expect(run.counts.succeeded + run.counts.failed + run.counts.skipped).toBe(run.counts.planned);
      await expect
        .poll(() => page.getByTestId('run-progress').textContent(), { timeout: 10_000 })
        .toBe(`${run.counts.planned} / ${run.counts.planned}`);
      expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/run-cancelled.png`, fullPage: true });
    }, 'runs-analyst');
  });

  it('shows runs and answers to a viewer without Run now or Cancel run', async () => {
    await withPage(async (page) => {
      await signIn(page, stack.url, 'viewer@demo.promptpulse.local', 'demo-viewer-pass');
      await expect.poll(() => page.getByTestId('user-role').textContent(), { timeout: 15_000 }).toBe('Viewer');
      await page.goto(`${stack.url}/runs`);
      const rows = page.getByRole('table', { name: 'Runs' }).getByTestId('run-row');
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      expect(await page.getByRole('button', { name: /Run now/ }).count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/runs-history.png`, fullPage: true });
      // The oldest run is the owner's finished one.
      await rows.last().getByRole('link', { name: 'Details' }).click();
      await page.waitForURL(/\/runs\/run_/);
      await expect
        .poll(() => page.getByTestId('run-status').textContent(), { timeout: 15_000 })
        .toMatch(/succeeded|partial/);
      expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
      await page.getByRole('checkbox', { name: 'Failed only' }).check();
      await expect.poll(() => new URL(page.url()).searchParams.get('items')).toBe('failed');
      await page.getByRole('checkbox', { name: 'Failed only' }).uncheck();
      await page
        .getByRole('link', { name: /^View answer/ })
        .first()
        .click();
      await page.waitForURL(/\/answers\//, { timeout: 15_000 });
      await expect.poll(() => page.getByTestId('answer-provider').isVisible(), { timeout: 15_000 }).toBe(true);
    }, 'runs-viewer');
  });

  it('explains a run refused by the spend cap, naming the cap, and sends nothing', async () => {
    await withPage(async (page) => {
      await signIn(page, stack.url, 'admin@demo.promptpulse.local', 'demo-admin-pass');
      await expect
        .poll(() => page.getByTestId('current-brand').textContent(), { timeout: 15_000 })
        .toBe('Acme Analytics');
      const token = await pageAccessToken(page);
      const before = WorkspaceSettingsSchema.parse(await apiGet(token, '/workspaces/current/settings'));
      const lowered = WorkspaceSettingsSchema.parse(
        await apiPut(token, '/workspaces/current/spend-caps', { ...before.spendCaps, usdPerDay: 0.01 }, before.version),
      );
      const runsBefore = pageOf(RunSchema.pick({ id: true })).parse(await apiGet(token, '/runs')).items.length;
      try {
        await page.getByRole('button', { name: 'Run now', exact: true }).click();
        const alert = page.getByRole('alert').filter({ hasText: 'spend cap' });
        await expect.poll(() => alert.isVisible(), { timeout: 15_000 }).toBe(true);
        expect(await alert.textContent()).toContain('nothing was sent to any provider');
        expect(await page.getByTestId('spend-cap-details').textContent()).toContain('USD per day');
        expect(await page.getByTestId('spend-cap-details').textContent()).toContain('$0.01');
        expect(await alert.getByRole('link', { name: /Review the spend caps/ }).count()).toBe(1);
        expect(page.url()).toMatch(/\/actions$/);
        await page.screenshot({ path: `${SHOTS}/run-spend-cap.png`, fullPage: true });
        const runsAfter = pageOf(RunSchema.pick({ id: true })).parse(await apiGet(token, '/runs')).items.length;
        expect(runsAfter).toBe(runsBefore);
      } finally {
        await apiPut(token, '/workspaces/current/spend-caps', before.spendCaps, lowered.version);
      }
    }, 'runs-spend-cap');
  });
});
