import type { Page } from 'playwright-core';

/** Signs in through the app's "Sign in" button and the local issuer's form, back to the app's origin. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === new URL(baseUrl).origin && !url.pathname.startsWith('/oidc'));
}

/** The access token the SPA holds (oidc-client-ts keeps the user in sessionStorage). */
export async function pageAccessToken(page: Page): Promise<string> {
  const token = await page.evaluate(() => {
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i);
      if (key?.startsWith('oidc.user:')) return JSON.parse(sessionStorage.getItem(key) ?? '{}').access_token ?? null;
    }
    return null;
  });
  if (typeof token !== 'string') throw new Error('no access token in the page');
  return token;
}
