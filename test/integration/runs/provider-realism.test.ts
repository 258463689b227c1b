import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call } from '../../support/api.ts';
import { waitForRun } from '../../support/runs.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

/**
 * Runs against the realistic simulator (its default behaviour: Gemini thinking and grounding redirects, Anthropic
 * interleaved and paused turns, quota errors on demand), through the real workflow, API and DynamoDB.
 */
const stack = inject('stack');
let token = '';

const setFaults = (faults: unknown) =>
  fetch(`${stack.simulatorUrl}/_control/faults`, { method: 'PUT', body: JSON.stringify(faults) });
const stats = async () => (await fetch(`${stack.simulatorUrl}/_control/stats`)).json();

let brandId = '';

/** Points the workspace's one brand at these providers and runs it (plans allow few brands: one is reused). */
async function brandRunning(_label: string, providers: unknown[], samplesPerPrompt = 2) {
  if (!brandId) {
    const brand = await call(stack.apiUrl, 'POST', '/brands', {
      token,
      body: { name: 'Realism', category: 'Product analytics', competitors: [{ name: 'Northwind Insights' }] },
    });
    expect(brand.status, JSON.stringify(brand.json)).toBe(201);
    brandId = brand.json.id;
    await call(stack.apiUrl, 'PUT', `/brands/${brandId}/prompt-set`, {
      token,
      headers: { 'if-match': '"0"' },
      body: {
        prompts: ['Which product analytics tool is best for startups?', 'Best funnel analysis tools?'].map((text) => ({
          text,
        })),
      },
    });
  }
  const current = await call(stack.apiUrl, 'GET', `/brands/${brandId}/run-settings`, { token });
  const version = current.status === 200 ? current.json.version : 0;
  const settings = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/run-settings`, {
    token,
    headers: { 'if-match': `"${version}"` },
    body: { providers, samplesPerPrompt, schedule: { kind: 'manual' } },
  });
  expect(settings.status, JSON.stringify(settings.json)).toBe(200);
  const started = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
  expect(started.status, JSON.stringify(started.json)).toBe(202);
  return waitForRun(stack.apiUrl, token, started.json.runId);
}

async function answersOf(runId: string) {
  const items = (await call(stack.apiUrl, 'GET', `/runs/${runId}/items?limit=100`, { token })).json.items as {
    status: string;
    answerId: string | null;
    attempts: number;
    error: { name: string; message: string } | null;
  }[];
  const answers = await Promise.all(
    items
      .filter((i) => i.answerId)
      .map(async (i) => (await call(stack.apiUrl, 'GET', `/answers/${i.answerId}`, { token })).json),
  );
  return { items, answers };
}

beforeAll(async () => {
  const account = await freshAccount(stack, 'realism');
  token = (await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Realism')).token;
});

afterAll(async () => {
  await setFaults({});
});

describe('the fan-out against the realistic simulator', () => {
  it('Gemini (a current thinking model, thinking budgeted) answers with citations resolved from grounding redirects, asked once each', async () => {
    await setFaults({});
    const before = (await stats()).gemini;
    const run = await brandRunning('Grounded', [
      // gemini-2.5-pro retired on 2026-12-01 (model catalogue); its successor thinks too.
      { provider: 'gemini', model: 'gemini-3.8-flash', surface: 'api_web_search' },
    ]);
    const after = (await stats()).gemini;
    expect(run.status).toBe('succeeded');
    expect(after.requests - before.requests).toBe(run.counts.planned);
    expect(after.redirects - before.redirects).toBeGreaterThan(0);
    const { answers } = await answersOf(run.id);
    const urls = answers.flatMap((a) => (a.citations as { url: string }[]).map((c) => c.url));
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.some((url: string) => url.includes('vertexaisearch'))).toBe(false);
    for (const answer of answers) expect(answer.truncated).toBe(false);
  });

  it('Anthropic paused turns are continued (not re-asked) and every half of the answer is kept', async () => {
    await setFaults({ anthropic: { pauseTurnRate: 1, searchErrorRate: 0 } });
    const before = (await stats()).anthropic;
    const run = await brandRunning('Paused', [
      { provider: 'anthropic', model: 'claude-haiku-4-5', surface: 'api_web_search' },
    ]);
    const after = (await stats()).anthropic;
    expect(run.status).toBe('succeeded');
    // One paused call plus one continuation per item, nothing more.
    expect(after.pausedTurns - before.pausedTurns).toBe(run.counts.planned);
    expect(after.requests - before.requests).toBe(2 * run.counts.planned);
    const { answers } = await answersOf(run.id);
    for (const answer of answers) {
      expect(answer.text).not.toMatch(/I'll search/);
      expect(answer.text.split('\n\n').length).toBeGreaterThan(1);
      expect(answer.retrievedSources.length).toBeGreaterThan(0);
    }
  });

  it('a billing quota error ends the items with the reason, pauses the provider, and the next run calls nothing', async () => {
    await setFaults({ openai: { quotaRate: 1 } });
    const before = (await stats()).openai;
    const run = await brandRunning('Broke', [{ provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' }], 3);
    const middle = (await stats()).openai;
    expect(run.status).toBe('failed');
    expect(run.counts.failed).toBe(run.counts.planned);
    // Items in flight when the first quota error came back may have asked once; none was retried.
    expect(middle.quota - before.quota).toBeLessThanOrEqual(run.counts.planned);
    const { items } = await answersOf(run.id);
    for (const item of items) {
      expect(item.attempts).toBe(1);
      expect(item.error?.name).toBe('ProviderQuotaError');
    }
    expect(run.errors.some((e: { message: string }) => /paused for this workspace/.test(e.message))).toBe(
      middle.quota - before.quota < run.counts.planned,
    );

    await setFaults({});
    const again = await brandRunning('Still broke', [{ provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' }]);
    expect((await stats()).openai.requests).toBe(middle.requests);
    expect(again.status).toBe('failed');
    expect(again.errors[0]?.message).toMatch(/OpenAI is paused for this workspace/);
  });
});
