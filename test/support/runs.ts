import { expect } from 'vitest';
import { type Run, RunSchema, TERMINAL_RUN_STATUSES } from '../../shared/contracts/runs.ts';
import { call } from './api.ts';

/** Polls a run until it reaches a terminal status (or fails the test with its last counts). */
export async function waitForRun(apiUrl: string, token: string, runId: string, timeoutMs = 120_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = RunSchema.parse((await call(apiUrl, 'GET', `/runs/${runId}`, { token })).json);
    if (TERMINAL_RUN_STATUSES.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status}: ${JSON.stringify(run.counts)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A brand with competitors, two prompts and one provider (3 samples: 6 answers a run), in the caller's
 * workspace; returns its id. The shape the analytics tests reason about.
 */
export async function brandWithTwoPrompts(apiUrl: string, token: string): Promise<string> {
  const brand = await call(apiUrl, 'POST', '/brands', {
    token,
    body: {
      name: 'Acme Analytics',
      category: 'Product analytics',
      competitors: [{ name: 'Northwind Insights' }, { name: 'Globex Metrics' }],
    },
  });
  expect(brand.status, JSON.stringify(brand.json)).toBe(201);
  await call(apiUrl, 'PUT', `/brands/${brand.json.id}/prompt-set`, {
    token,
    headers: { 'if-match': '"0"' },
    body: {
      prompts: [
        { text: 'What is the best product analytics tool?' },
        { text: 'Which analytics tool has the best funnels?' },
      ],
    },
  });
  await call(apiUrl, 'PUT', `/brands/${brand.json.id}/run-settings`, {
    token,
    headers: { 'if-match': '"0"' },
    body: {
      providers: [{ provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' }],
      samplesPerPrompt: 3,
      schedule: { kind: 'manual' },
    },
  });
  return brand.json.id;
}

/** Starts a run of the brand and waits for it to finish. */
export async function runToCompletion(apiUrl: string, token: string, brandId: string): Promise<Run> {
  const started = await call(apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
  expect(started.status, JSON.stringify(started.json)).toBe(202);
  return waitForRun(apiUrl, token, started.json.runId);
}
