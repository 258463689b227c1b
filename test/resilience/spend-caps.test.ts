import { beforeAll, describe, expect, inject, it } from 'vitest';
import { call } from '../support/api.ts';
import { waitForRun } from '../support/runs.ts';
import { freshAccount, ownerOfNewWorkspace } from '../support/sessions.ts';
import { record } from './support/ledger.ts';
import { simulatorStats } from './support/world.ts';

const stack = inject('stack');
/** Concurrent "Run now" clicks per brand. */
const CLICKS = 6;
let token = '';
const brandIds: string[] = [];

beforeAll(async () => {
  const account = await freshAccount(stack, 'spendcaps');
  token = (await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Cap Co')).token;
  // The trial plan's three brands, each a two-call run (2 prompts × 1 provider × 1 sample).
  for (const name of ['Cap One', 'Cap Two', 'Cap Three']) {
    const brand = await call(stack.apiUrl, 'POST', '/brands', { token, body: { name, category: 'Spend testing' } });
    expect(brand.status, JSON.stringify(brand.json)).toBe(201);
    await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/prompt-set`, {
      token,
      headers: { 'if-match': '"0"' },
      body: { prompts: [{ text: `Is ${name} worth it?` }, { text: `Who competes with ${name}?` }] },
    });
    await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/run-settings`, {
      token,
      headers: { 'if-match': '"0"' },
      body: {
        providers: [{ provider: 'anthropic', model: 'claude-haiku-4-5', surface: 'api' }],
        samplesPerPrompt: 1,
        schedule: { kind: 'manual' },
      },
    });
    brandIds.push(brand.json.id);
  }
});

describe('spend caps under concurrent "Run now" clicks', () => {
  it('admits only the runs the cap pays for, however many clicks race, and no provider call beyond it', async () => {
    const settings = (await call(stack.apiUrl, 'GET', '/workspaces/current/settings', { token })).json;
    // Room for exactly one two-call run.
    const cap = 3;
    const saved = await call(stack.apiUrl, 'PUT', '/workspaces/current/spend-caps', {
      token,
      headers: { 'if-match': `"${settings.version}"` },
      body: { ...settings.spendCaps, callsPerDay: cap },
    });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    const before = (await simulatorStats(stack)).anthropic?.requests ?? 0;

    const clicks = await Promise.all(
      brandIds.flatMap((brandId) =>
        Array.from({ length: CLICKS }, () => call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token })),
      ),
    );
    const accepted = clicks.filter((c) => c.status === 202);
    const refusals = clicks.filter((c) => c.status !== 202).map((c) => `${c.status} ${c.json?.error?.code}`);
    for (const refusal of refusals) expect(refusal).toMatch(/^409 (spend_cap_exceeded|run_in_progress)$/);
    const runs = await Promise.all(accepted.map((c) => waitForRun(stack.apiUrl, token, c.json.runId)));
    const calls = ((await simulatorStats(stack)).anthropic?.requests ?? 0) - before;
    const planned = runs.reduce((n, r) => n + r.counts.planned, 0);

    console.log(
      `spend caps: ${clicks.length} concurrent clicks → ${accepted.length} run(s) accepted (${planned} calls planned, ${calls} made, cap ${cap}); refusals: ${[...new Set(refusals)].join(', ')}`,
    );
    expect(planned).toBeLessThanOrEqual(cap);
    expect(calls).toBeLessThanOrEqual(cap);
    expect(accepted.length).toBe(1);
    // The usage the workspace is charged equals the calls made once the run is over (the reservation is given back).
    const after = (await call(stack.apiUrl, 'GET', '/workspaces/current/settings', { token })).json;
    const next = await call(stack.apiUrl, 'POST', `/brands/${brandIds[0]}/runs`, { token });
    expect(next.status).toBe(409);
    expect(next.json.error.details).toMatchObject({ cap: 'callsPerDay', used: runs[0]?.counts.succeeded });
    // Raising the cap makes the workspace usable again without repair.
    await call(stack.apiUrl, 'PUT', '/workspaces/current/spend-caps', {
      token,
      headers: { 'if-match': `"${after.version}"` },
      body: settings.spendCaps,
    });
    const again = await call(stack.apiUrl, 'POST', `/brands/${brandIds[1]}/runs`, { token });
    expect(again.status, JSON.stringify(again.json)).toBe(202);
    await waitForRun(stack.apiUrl, token, again.json.runId);
    record({
      kind: 'input',
      name: `"Run now" × ${clicks.length} concurrently against a spend cap`,
      count: clicks.length,
      lost: Math.max(0, calls - cap),
    });
  });
});
