import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient, createSfnClient } from '../../../functions/adapters/aws/clients.ts';
import {
  DynamoDbBrandRepository,
  DynamoDbScheduleIndex,
} from '../../../functions/adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbRunRepository } from '../../../functions/adapters/aws/dynamodb-run-repository.ts';
import { DynamoDbWorkspaceRepository } from '../../../functions/adapters/aws/dynamodb-workspace-repository.ts';
import { SfnWorkflowStarter } from '../../../functions/adapters/aws/sfn-workflow-starter.ts';
import { ulidGenerator } from '../../../functions/adapters/system.ts';
import { runDueSchedules } from '../../../shared/use-cases/schedules.ts';
import { call } from '../../support/api.ts';
import { waitForRun } from '../../support/runs.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

const stack = inject('stack');
let token = '';
let tenantId = '';

const setFaults = (faults: unknown) =>
  fetch(`${stack.simulatorUrl}/_control/faults`, { method: 'PUT', body: JSON.stringify(faults) });

async function brandWithRunSettings(name: string, providers: unknown[], schedule: unknown = { kind: 'manual' }) {
  const brand = await call(stack.apiUrl, 'POST', '/brands', {
    token,
    body: { name, category: 'Product analytics', competitors: [{ name: `${name} Rival` }] },
  });
  const prompts = [
    'Which product analytics tool is best for startups?',
    'How do I measure retention?',
    'Best funnel analysis tools?',
  ];
  await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/prompt-set`, {
    token,
    headers: { 'if-match': '"0"' },
    body: { prompts: prompts.map((text) => ({ text })) },
  });
  const settings = await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/run-settings`, {
    token,
    headers: { 'if-match': '"0"' },
    body: { providers, samplesPerPrompt: 2, schedule },
  });
  expect(settings.status, JSON.stringify(settings.json)).toBe(200);
  return brand.json.id as string;
}

beforeAll(async () => {
  const account = await freshAccount(stack, 'runs');
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Run Labs');
  token = owner.token;
  tenantId = owner.tenantId;
});

afterAll(async () => {
  await setFaults({});
});

describe('fan-out under provider faults', () => {
  it('survives throttling and 5xx storms, records every non-retryable failure, and never duplicates an answer', async () => {
    const brandId = await brandWithRunSettings('Stormy', [
      { provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' },
      { provider: 'anthropic', model: 'claude-haiku-4-5', surface: 'api' },
    ]);
    await setFaults({
      openai: {
        throttleRate: 0.4,
        retryAfterSeconds: 0,
        serverErrorRate: 0.1,
        unavailableRate: 0.1,
        malformedRate: 0.05,
      },
      anthropic: { refusalRate: 1 },
    });
    const started = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
    expect(started.status).toBe(202);
    const run = await waitForRun(stack.apiUrl, token, started.json.runId);
    await setFaults({});

    expect(run.status).toBe('partial');
    expect(run.counts.planned).toBe(12);
    expect(run.counts.succeeded + run.counts.failed + run.counts.skipped).toBe(run.counts.planned);
    expect(run.perProvider.openai?.succeeded).toBe(6);
    expect(run.perProvider.anthropic?.failed).toBe(6);
    expect(run.errors.every((e) => e.provider === 'anthropic' && e.error === 'ProviderRefusedError')).toBe(true);

    const items = (await call(stack.apiUrl, 'GET', `/runs/${run.id}/items?limit=100`, { token })).json.items;
    const answered = items.filter((i: { status: string }) => i.status === 'succeeded');
    expect(new Set(answered.map((i: { answerId: string }) => i.answerId)).size).toBe(answered.length);
    const retried = items.filter((i: { attempts: number }) => i.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
  });

  it('refuses a run that would exceed a spend cap before any call, naming the cap', async () => {
    const brandId = await brandWithRunSettings('Capped', [
      { provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' },
    ]);
    const settings = (await call(stack.apiUrl, 'GET', '/workspaces/current/settings', { token })).json;
    await call(stack.apiUrl, 'PUT', '/workspaces/current/spend-caps', {
      token,
      headers: { 'if-match': `"${settings.version}"` },
      body: { ...settings.spendCaps, callsPerDay: 1, callsPerMonth: 1000 },
    });
    const before = (await (await fetch(`${stack.simulatorUrl}/_control/stats`)).json()).openai.requests;
    const refused = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'spend_cap_exceeded', details: { cap: 'callsPerDay' } });
    expect(refused.json.error.message).toMatch(/calls cap per day/);
    expect((await (await fetch(`${stack.simulatorUrl}/_control/stats`)).json()).openai.requests).toBe(before);
    const latest = (await call(stack.apiUrl, 'GET', '/workspaces/current/settings', { token })).json;
    await call(stack.apiUrl, 'PUT', '/workspaces/current/spend-caps', {
      token,
      headers: { 'if-match': `"${latest.version}"` },
      body: settings.spendCaps,
    });
  });
});

describe('cancel', () => {
  it('stops asking, finalizes as cancelled and accounts for every item', async () => {
    const brandId = await brandWithRunSettings('Slowpoke', [
      { provider: 'gemini', model: 'gemini-3.5-flash-lite', surface: 'api' },
    ]);
    await setFaults({ gemini: { latencyMs: { mean: 1500, jitter: 100 } } });
    const started = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
    await new Promise((r) => setTimeout(r, 300));
    const cancelled = await call(stack.apiUrl, 'POST', `/runs/${started.json.runId}/cancel`, { token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.cancelRequested).toBe(true);
    const run = await waitForRun(stack.apiUrl, token, started.json.runId);
    await setFaults({});
    expect(run.status).toBe('cancelled');
    expect(run.counts.succeeded + run.counts.failed + run.counts.skipped).toBe(run.counts.planned);
    const again = await call(stack.apiUrl, 'POST', `/runs/${run.id}/cancel`, { token });
    expect(again.status).toBe(409);
    // The brand's run slot is free again.
    const next = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
    expect(next.status).toBe(202);
    await waitForRun(stack.apiUrl, token, next.json.runId);
  });
});

describe('schedules', () => {
  it('starts a due scheduled run exactly once, even when two ticks race', async () => {
    // A workspace of its own: the trial plan's 3 brands are used up above.
    const account = await freshAccount(stack, 'schedules');
    token = (await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Clock Co')).token;
    const brandId = await brandWithRunSettings(
      'Clockwork',
      [{ provider: 'perplexity', model: 'sonar', surface: 'api_web_search' }],
      {
        kind: 'cron',
        expression: '*/5 * * * *',
        timeZone: 'UTC',
      },
    );
    const settings = (await call(stack.apiUrl, 'GET', `/brands/${brandId}/run-settings`, { token })).json;
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
    const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
    const runs = new DynamoDbRunRepository(db, 'promptpulse-main');
    const deps = {
      runs,
      usage: runs,
      brands: new DynamoDbBrandRepository(db, 'promptpulse-main'),
      workspaces: new DynamoDbWorkspaceRepository(db, 'promptpulse-main'),
      schedules: new DynamoDbScheduleIndex(db, 'promptpulse-main'),
      workflow: new SfnWorkflowStarter(
        createSfnClient({
          AWS_REGION: 'us-east-1',
          SFN_ENDPOINT: `${stack.url.replace('localhost', '127.0.0.1')}/stepfunctions`,
        }),
        'arn:aws:states:us-east-1:000000000000:stateMachine:promptpulse-prompt-fanout',
      ),
      ids: ulidGenerator,
      clock: { now: () => new Date(new Date(settings.nextRunAt).getTime() + 1000) },
    };
    const [first, second] = await Promise.all([runDueSchedules(deps), runDueSchedules(deps)]);
    const started = [...first.started, ...second.started];
    expect(started).toHaveLength(1);
    const run = await waitForRun(stack.apiUrl, token, started[0]!);
    expect(run).toMatchObject({ trigger: 'schedule', brandId, status: 'succeeded' });
    const moved = (await call(stack.apiUrl, 'GET', `/brands/${brandId}/run-settings`, { token })).json;
    expect(new Date(moved.nextRunAt).getTime()).toBeGreaterThan(new Date(settings.nextRunAt).getTime());
    expect(tenantId).toMatch(/^ws_/);
  });
});
