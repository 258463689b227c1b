import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/aws/clients.ts';
import { DynamoDbBrandRepository } from '../../../functions/adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbModelCatalogueStore } from '../../../functions/adapters/aws/dynamodb-model-catalogue.ts';
import { DynamoDbRunRepository } from '../../../functions/adapters/aws/dynamodb-run-repository.ts';
import { DynamoDbWorkspaceRepository } from '../../../functions/adapters/aws/dynamodb-workspace-repository.ts';
import { createModelListers } from '../../../functions/adapters/providers/model-listing.ts';
import { ulidGenerator } from '../../../functions/adapters/system.ts';
import { findModel, offeredModels, utcDay } from '../../../shared/domain/model-catalogue.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import { listModelNotices, migrateModel, refreshCatalogue } from '../../../shared/use-cases/model-catalogue.ts';
import { runDueSchedules } from '../../../shared/use-cases/schedules.ts';
import { call } from '../../support/api.ts';
import { waitForRun } from '../../support/runs.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

const stack = inject('stack');
const TABLE = 'promptpulse-main';
Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
const brands = new DynamoDbBrandRepository(db, TABLE);
const listers = () =>
  createModelListers({
    providers: {
      openai: { apiKey: null, baseUrl: null },
      anthropic: { apiKey: null, baseUrl: null },
      gemini: { apiKey: null, baseUrl: null },
      perplexity: { apiKey: null, baseUrl: null },
    },
    simulatorUrl: stack.simulatorUrl,
    timeoutMs: 10_000,
  });
const setModelFaults = (faults: unknown) =>
  fetch(`${stack.simulatorUrl}/_control/models`, { method: 'PUT', body: JSON.stringify(faults) });
const clock = { now: () => new Date() };
const noOverrides = { pinned: [], hidden: [] };

afterAll(async () => {
  await setModelFaults({});
});

describe('refresh from the simulator’s models endpoints', () => {
  // A key of its own: this test's catalogue never replaces the one the stack serves.
  const store = new DynamoDbModelCatalogueStore(db, TABLE, { pk: 'CATALOGUE#TEST', sk: `RUN#${Date.now()}` });

  it('lists every provider, keeps chat models only, and offers no retired model', async () => {
    const catalogue = await refreshCatalogue({ catalogue: store, listers: listers(), clock, overrides: noOverrides });
    for (const provider of ['openai', 'anthropic', 'gemini', 'perplexity'] as const) {
      expect(catalogue.refresh[provider]).toMatchObject({ outcome: 'ok', message: null });
      expect(catalogue.refresh[provider]?.listed).toBeGreaterThan(0);
    }
    expect(findModel(catalogue, 'openai', 'text-embedding-3-small')).toBeNull();
    expect(findModel(catalogue, 'openai', 'gpt-6-luna')?.listedAt).toBe(catalogue.updatedAt);
    // The simulator reports gpt-5's shutdown date; Anthropic reports web-search support per model.
    expect(findModel(catalogue, 'openai', 'gpt-5')?.lifecycle).toMatchObject({
      status: 'deprecated',
      retiresOn: '2026-12-11',
    });
    expect(findModel(catalogue, 'anthropic', 'claude-haiku-4-5')?.surfaces).toContain('api_web_search');
    const today = utcDay(new Date());
    const anthropic = offeredModels(catalogue, 'anthropic', today).map((m) => m.id);
    expect(anthropic).toContain('claude-sonnet-4-6');
    expect(anthropic).not.toContain('claude-sonnet-4-5');
    expect(await store.get()).toEqual(catalogue);
  });

  it('keeps the last good list of a provider whose endpoint fails or answers an unknown shape, and says so', async () => {
    const good = await store.get();
    await setModelFaults({ openai: 'error', gemini: 'odd' });
    const next = await refreshCatalogue({ catalogue: store, listers: listers(), clock, overrides: noOverrides });
    await setModelFaults({});
    expect(next.refresh.openai).toMatchObject({ outcome: 'failed', lastGoodAt: good?.refresh.openai?.at });
    expect(next.refresh.openai?.message).toMatch(/kept the last good list: HTTP 503/);
    expect(next.refresh.gemini?.message).toMatch(/unknown response shape/);
    expect(next.refresh.anthropic).toMatchObject({ outcome: 'ok' });
    for (const provider of ['openai', 'gemini'] as const) {
      const before = good?.models.filter((m) => m.provider === provider) ?? [];
      expect(next.models.filter((m) => m.provider === provider)).toEqual(before);
      expect(before.length).toBeGreaterThan(0);
    }
  });

  it('shows a failed refresh of the service catalogue in GET /model-catalogue (Admin › Operations), then recovers', async () => {
    const account = await freshAccount(stack, 'catalogue-ops');
    const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Catalogue Ops');
    const service = new DynamoDbModelCatalogueStore(db, TABLE);
    await setModelFaults({ anthropic: 'odd' });
    await refreshCatalogue({ catalogue: service, listers: listers(), clock, overrides: noOverrides });
    await setModelFaults({});
    const failed = await call(stack.apiUrl, 'GET', '/model-catalogue', { token: owner.token });
    expect(failed.status).toBe(200);
    expect(failed.json.refresh.anthropic).toMatchObject({ outcome: 'failed' });
    expect(failed.json.refresh.anthropic.message).toMatch(/unknown response shape/);
    const offered = failed.json.providers.find((p: { provider: string }) => p.provider === 'anthropic');
    expect(offered.models.map((m: { id: string }) => m.id)).toContain('claude-sonnet-4-6');
    await refreshCatalogue({ catalogue: service, listers: listers(), clock, overrides: noOverrides });
    const ok = await call(stack.apiUrl, 'GET', '/model-catalogue', { token: owner.token });
    expect(ok.json.refresh.anthropic).toMatchObject({ outcome: 'ok', message: null });
  });
});

describe('retired models in settings and runs, and the move to the successor', () => {
  let token = '';
  let tenantId = '' as TenantId;
  let brandId = '';

  beforeAll(async () => {
    const account = await freshAccount(stack, 'catalogue');
    const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Model Movers');
    token = owner.token;
    tenantId = owner.tenantId as TenantId;
    const brand = await call(stack.apiUrl, 'POST', '/brands', {
      token,
      body: { name: 'Retiree', category: 'Product analytics', competitors: [{ name: 'Retiree Rival' }] },
    });
    brandId = brand.json.id;
    await call(stack.apiUrl, 'PUT', `/brands/${brandId}/prompt-set`, {
      token,
      headers: { 'if-match': '"0"' },
      body: { prompts: [{ text: 'Which product analytics tool is best?' }] },
    });
  });

  it('refuses run settings naming a retired model, naming the successor', async () => {
    const refused = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/run-settings`, {
      token,
      headers: { 'if-match': '"0"' },
      body: {
        providers: [{ provider: 'anthropic', model: 'claude-sonnet-4-5', surface: 'api' }],
        samplesPerPrompt: 1,
        schedule: { kind: 'manual' },
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('model_retired');
    expect(JSON.stringify(refused.json.error.details)).toMatch(/retired on 2026-11-30; use claude-sonnet-4-6/);
  });

  it('refuses a run of settings stored before the retirement, warns before it, and moves the brand on one click', async () => {
    // Settings saved while claude-sonnet-4-5 was still offered (written as the API did then).
    await brands.putRunSettings(
      tenantId,
      {
        brandId,
        providers: [{ provider: 'anthropic', model: 'claude-sonnet-4-5', surface: 'api', enabled: true }],
        samplesPerPrompt: 1,
        schedule: { kind: 'daily', time: '06:00', timeZone: 'UTC' },
        nextRunAt: '2099-01-01T06:00:00.000Z',
        version: 1,
        updatedAt: '2026-11-01T00:00:00.000Z',
      },
      {
        id: `aud_${ulidGenerator.next()}`,
        at: '2026-11-01T00:00:00.000Z',
        actor: { userId: 'test', email: null },
        action: 'run_settings.updated',
        target: { type: 'brand', id: brandId },
        summary: 'fixture',
        changes: [],
      },
    );
    const refused = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'model_retired',
      details: { model: 'claude-sonnet-4-5', successor: 'claude-sonnet-4-6', retiredOn: '2026-11-30' },
    });
    expect(refused.json.error.message).toMatch(/claude-sonnet-4-6/);

    // Its schedule fires, and the scheduled run is refused the same way (recorded as a skip, nothing started).
    const runs = new DynamoDbRunRepository(db, TABLE);
    const tick = await runDueSchedules({
      runs,
      usage: runs,
      brands,
      workspaces: new DynamoDbWorkspaceRepository(db, TABLE),
      // Only this brand's slot: the shared stack's other scheduled brands are not this test's to start.
      schedules: {
        due: async () => [{ tenantId, brandId, nextRunAt: '2099-01-01T06:00:00.000Z' }],
        advance: async () => true,
      },
      workflow: { startRun: async () => expect.unreachable('no run may start') },
      ids: ulidGenerator,
      clock: { now: () => new Date('2099-01-01T06:00:01.000Z') },
    });
    expect(tick.skipped).toContainEqual({ brandId, reason: 'model_retired' });
    expect(tick.started).toEqual([]);

    // The notices, on days chosen by an injected clock.
    const tenant = { tenantId, userId: 'owner', email: 'owner@example.com', role: 'owner' as const, claimedRole: null };
    const at = (day: string) => ({ brands, clock: { now: () => new Date(`${day}T12:00:00Z`) }, ids: ulidGenerator });
    expect(await listModelNotices(at('2026-10-30'), tenant)).toEqual([]);
    expect((await listModelNotices(at('2026-11-01'), tenant))[0]).toMatchObject({ level: '30', brandIds: [brandId] });
    expect((await listModelNotices(at('2026-11-25'), tenant))[0]).toMatchObject({ level: '7', daysLeft: 5 });
    const api = await call(stack.apiUrl, 'GET', '/model-notices', { token });
    expect(api.json.notices[0]).toMatchObject({
      model: 'claude-sonnet-4-5',
      level: 'retired',
      successor: 'claude-sonnet-4-6',
    });

    // One click: POST /model-migrations moves every brand using it.
    const moved = await call(stack.apiUrl, 'POST', '/model-migrations', {
      token,
      body: { provider: 'anthropic', from: 'claude-sonnet-4-5' },
    });
    expect(moved.status, JSON.stringify(moved.json)).toBe(200);
    expect(moved.json).toMatchObject({
      to: 'claude-sonnet-4-6',
      brands: [{ brandId, promptSetVersion: 2, runSettingsVersion: 2 }],
    });
    const settings = (await call(stack.apiUrl, 'GET', `/brands/${brandId}/run-settings`, { token })).json;
    expect(settings.providers).toEqual([
      { provider: 'anthropic', model: 'claude-sonnet-4-6', surface: 'api', enabled: true },
    ]);
    expect(settings.schedule).toEqual({ kind: 'daily', time: '06:00', timeZone: 'UTC' });
    const versions = (await call(stack.apiUrl, 'GET', `/brands/${brandId}/prompt-set/versions`, { token })).json;
    expect(versions.items[0]).toMatchObject({
      version: 2,
      note: 'Model change: anthropic claude-sonnet-4-5 → claude-sonnet-4-6',
    });
    const audit = (await call(stack.apiUrl, 'GET', '/audit', { token })).json.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toContain('run_settings.model_migrated');
    expect(audit.filter((a: string) => a === 'prompt_set.version_created')).toHaveLength(2);
    // A second click changes nothing.
    expect(
      (await migrateModel(at('2026-12-07'), tenant, { provider: 'anthropic', from: 'claude-sonnet-4-5' })).brands,
    ).toEqual([]);
    expect((await call(stack.apiUrl, 'GET', '/model-notices', { token })).json.notices).toEqual([]);

    // The next run asks the successor, on the new prompt-set version: trends show the boundary there.
    const started = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const run = await waitForRun(stack.apiUrl, token, started.json.runId);
    expect(run).toMatchObject({ status: 'succeeded', promptSetVersion: 2 });
    const items = (await call(stack.apiUrl, 'GET', `/runs/${run.id}/items`, { token })).json.items;
    const answer = (await call(stack.apiUrl, 'GET', `/answers/${items[0].answerId}`, { token })).json;
    // The exact id the provider reported is kept next to the id asked for.
    expect(answer).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      modelVersion: 'claude-sonnet-4-6',
    });
  });
});
