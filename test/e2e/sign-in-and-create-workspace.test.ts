import '../../local/env-defaults.ts';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { launchChromium } from '../support/browser.ts';
import { signIn } from '../support/e2e-page.ts';

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

describe('PromptPulse in a real browser', () => {
  it('signs a newcomer in, creates their workspace and shows the app shell', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await signIn(page, stack.url, 'newcomer@demo.promptpulse.local', 'demo-newcomer-pass');

      await page.getByLabel('Workspace name').fill('E2E Labs');
      await page.getByRole('button', { name: 'Create workspace' }).click();

      await expect
        .poll(() => page.getByTestId('workspace-name').textContent(), { timeout: 15_000 })
        .toContain('E2E Labs');
      const nav = page.getByRole('navigation', { name: 'Main' });
      for (const area of ['Action Hub', 'Analytics', 'Signals', 'Runs', 'Admin']) {
        expect(await nav.getByRole('link', { name: area }).isVisible(), area).toBe(true);
      }
      await nav.getByRole('link', { name: 'Analytics' }).click();
      await page.waitForURL(/\/analytics$/);
      await page.screenshot({ path: `${SHOTS}/newcomer-shell.png`, fullPage: true });

      // A reload keeps the session and the workspace (tokens now carry the tenant claim).
      await page.reload();
      await expect
        .poll(() => page.getByTestId('workspace-name').textContent(), { timeout: 15_000 })
        .toContain('E2E Labs');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect
        .poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible(), { timeout: 15_000 })
        .toBe(true);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows the seeded demo workspace to its owner, without the first-run screen', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page, stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
      await expect
        .poll(() => page.getByTestId('workspace-name').textContent(), { timeout: 15_000 })
        .toContain('Acme Demo');
      expect(await page.getByLabel('Workspace name').count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/owner-shell.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('tells a user who mistypes their password, without leaving the sign-in page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(stack.url);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/oidc\/interaction\//);
      await page.getByLabel('Email').fill('owner@demo.promptpulse.local');
      await page.getByLabel('Password').fill('wrong-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Incorrect email or password');
    } finally {
      await context.close();
    }
  });
});
