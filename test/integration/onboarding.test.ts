import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AuditEntrySchema,
  BrandSchema,
  MemberSchema,
  PromptSetDiffSchema,
  PromptSetVersionSchema,
  RunSettingsSchema,
  WorkspaceSettingsSchema,
} from '../../shared/contracts/index.ts';
import { call } from '../support/api.ts';
import { signInWithPassword } from '../support/oidc-flow.ts';
import { DEMO, freshAccount, ownerOfNewWorkspace, tokenFor } from '../support/sessions.ts';

const stack = inject('stack');
let owner: string;
let analyst: string;
let viewer: string;
let ownerEmail = '';

const brandBody = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  category: 'Project management software',
  aliases: [{ value: `${name} HQ` }],
  ownedDomains: [`${name.toLowerCase().replace(/\W+/g, '')}.example`],
  markets: ['en-US'],
  competitors: [{ name: 'Trello', aliases: [{ value: 'Trello Boards' }], ownedDomains: ['trello.com'] }],
  topics: [{ name: 'Remote teams' }, { name: 'Pricing' }],
  ...extra,
});

beforeAll(async () => {
  owner = await tokenFor(stack.url, ...DEMO.owner);
  analyst = await tokenFor(stack.url, ...DEMO.analyst);
  viewer = await tokenFor(stack.url, ...DEMO.viewer);
});

describe('brands', () => {
  it('creates, reads, updates with If-Match and refuses stale or missing versions', async () => {
    const created = await call(stack.apiUrl, 'POST', '/brands', { token: owner, body: brandBody('Taskly') });
    expect(created.status).toBe(201);
    const brand = BrandSchema.parse(created.json);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(brand.competitors[0]?.id).toMatch(/^cmp_/);

    const read = await call(stack.apiUrl, 'GET', `/brands/${brand.id}`, { token: viewer });
    expect(read.json).toEqual(created.json);

    const edit = {
      ...brandBody('Taskly'),
      category: 'Work management',
      competitors: [{ ...brand.competitors[0], name: 'Trello' }],
    };
    const missing = await call(stack.apiUrl, 'PUT', `/brands/${brand.id}`, { token: owner, body: edit });
    expect(missing.status).toBe(428);
    const updated = await call(stack.apiUrl, 'PUT', `/brands/${brand.id}`, {
      token: owner,
      body: edit,
      headers: { 'if-match': '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ category: 'Work management', version: 2 });
    expect(updated.json.competitors[0].id).toBe(brand.competitors[0]?.id);
    const stale = await call(stack.apiUrl, 'PUT', `/brands/${brand.id}`, {
      token: owner,
      body: edit,
      headers: { 'if-match': '"1"' },
    });
    expect(stale.json.error.code).toBe('version_mismatch');
    expect(stale.status).toBe(412);
  });

  it('refuses alias collisions, duplicate names and bad domains/locales, storing nothing', async () => {
    const collision = await call(stack.apiUrl, 'POST', '/brands', {
      token: owner,
      body: brandBody('Boardly', { competitors: [{ name: 'Rival', aliases: [{ value: 'Boardly' }] }] }),
    });
    expect(collision.status).toBe(400);
    expect(collision.json.error.code).toBe('alias_collision');
    const duplicate = await call(stack.apiUrl, 'POST', '/brands', {
      token: owner,
      body: brandBody('Dupes', { competitors: [{ name: 'Same' }, { name: 'same' }] }),
    });
    expect(duplicate.json.error.code).toBe('duplicate_name');
    const badFields = await call(stack.apiUrl, 'POST', '/brands', {
      token: owner,
      body: brandBody('Badly', { ownedDomains: ['not a domain'], markets: ['english'] }),
    });
    expect(badFields.status).toBe(400);
    expect(badFields.json.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['ownedDomains.0', 'markets.0']),
    );
    const list = await call(stack.apiUrl, 'GET', '/brands?limit=100', { token: owner });
    expect(list.json.items.map((b: { name: string }) => b.name)).not.toEqual(
      expect.arrayContaining(['Boardly', 'Dupes', 'Badly']),
    );
  });

  it('enforces the plan limit on brands and the unique brand name', async () => {
    const taken = await call(stack.apiUrl, 'POST', '/brands', { token: owner, body: brandBody('Acme Analytics') });
    expect(taken.status).toBe(409);
    expect(taken.json.error.code).toBe('brand_name_taken');
    // Trial plan: 3 brands. The demo has Acme Analytics (+ Taskly from above) — fill up, then one more.
    const results = [];
    for (const name of ['Filler One', 'Filler Two', 'Filler Three']) {
      results.push((await call(stack.apiUrl, 'POST', '/brands', { token: owner, body: brandBody(name) })).status);
    }
    expect(results.filter((s) => s === 201).length).toBeLessThanOrEqual(1);
    const last = await call(stack.apiUrl, 'POST', '/brands', { token: owner, body: brandBody('One Too Many') });
    expect(last.status).toBe(409);
    expect(last.json.error.code).toBe('plan_limit_reached');
  });

  it('pages through brands with a cursor that cannot be pointed at another tenant', async () => {
    const first = await call(stack.apiUrl, 'GET', '/brands?limit=1', { token: viewer });
    expect(first.json.items).toHaveLength(1);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await call(stack.apiUrl, 'GET', `/brands?limit=1&cursor=${first.json.nextCursor}`, {
      token: viewer,
    });
    expect(second.json.items[0].id).not.toBe(first.json.items[0].id);
    const forged = Buffer.from(JSON.stringify({ pk: 'ws_01aaaaaaaaaaaaaaaaaaaaaaaa#BRAND', sk: 'BRAND#x' })).toString(
      'base64url',
    );
    const refused = await call(stack.apiUrl, 'GET', `/brands?cursor=${forged}`, { token: viewer });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('invalid_cursor');
    expect((await call(stack.apiUrl, 'GET', '/brands?limit=500', { token: viewer })).status).toBe(400);
  });
});

describe('prompt sets', () => {
  let brandId: string;
  let topicId: string;
  beforeAll(async () => {
    const account = await freshAccount(stack, 'prompt-labs');
    const fresh = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Prompt Labs');
    ownerEmail = account.email;
    owner = fresh.token;
    const created = await call(stack.apiUrl, 'POST', '/brands', { token: owner, body: brandBody('Planwise') });
    brandId = created.json.id;
    topicId = created.json.topics[0].id;
  });

  it('versions every edit, derives the branded flag and diffs versions', async () => {
    expect((await call(stack.apiUrl, 'GET', `/brands/${brandId}/prompt-set`, { token: owner })).json.error.code).toBe(
      'no_prompt_set',
    );
    const v1 = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/prompt-set`, {
      token: owner,
      headers: { 'if-match': '"0"' },
      body: {
        prompts: [
          { text: 'What is the best project tool for remote teams?', topicId, intent: 'commercial' },
          { text: 'Is Planwise better than Trello?', intent: 'comparison' },
        ],
      },
    });
    expect(v1.status).toBe(201);
    const first = PromptSetVersionSchema.parse(v1.json);
    expect(first.version).toBe(1);
    expect(first.prompts.map((p) => p.branded)).toEqual([false, true]);
    expect(first.counts).toEqual({ total: 2, branded: 1, nonBranded: 1 });

    const [keep] = first.prompts;
    const v2 = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/prompt-set`, {
      token: owner,
      headers: { 'if-match': '"1"' },
      body: {
        prompts: [
          { ...keep, text: 'What is the best project tool for distributed teams?' },
          { text: 'How much does a project tool cost?' },
        ],
        note: 'reworded',
      },
    });
    expect(v2.status).toBe(201);
    const stale = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/prompt-set`, {
      token: owner,
      headers: { 'if-match': '"1"' },
      body: { prompts: [{ text: 'A lost update that must not land' }] },
    });
    expect(stale.status).toBe(412);

    const diff = PromptSetDiffSchema.parse(
      (await call(stack.apiUrl, 'GET', `/brands/${brandId}/prompt-set/diff?from=1&to=2`, { token: owner })).json,
    );
    expect(diff.changed).toHaveLength(1);
    expect(diff.changed[0]).toMatchObject({ id: keep?.id, fields: ['text'] });
    expect(diff.added.map((p) => p.text)).toEqual(['How much does a project tool cost?']);
    expect(diff.removed.map((p) => p.text)).toEqual(['Is Planwise better than Trello?']);

    const history = await call(stack.apiUrl, 'GET', `/brands/${brandId}/prompt-set/versions`, { token: owner });
    expect(history.json.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(history.json.items[0]).not.toHaveProperty('prompts');
    expect(
      (await call(stack.apiUrl, 'GET', `/brands/${brandId}/prompt-set/versions/1`, { token: owner })).json.prompts,
    ).toHaveLength(2);
  });

  it('refuses empty sets, unknown topics and duplicates with the prompt index', async () => {
    const empty = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/prompt-set`, {
      token: owner,
      headers: { 'if-match': '"2"' },
      body: { prompts: [] },
    });
    expect(empty.status).toBe(400);
    const bad = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/prompt-set`, {
      token: owner,
      headers: { 'if-match': '"2"' },
      body: {
        prompts: [
          { text: 'Which tool is best for agencies?', topicId: 'top_01aaaaaaaaaaaaaaaaaaaaaaaa' },
          { text: 'Which tool is best for agencies' },
        ],
      },
    });
    expect(bad.json.error).toMatchObject({ code: 'invalid_prompts' });
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toEqual([
      'prompts.0.topicId',
      'prompts.1.text',
    ]);
    expect((await call(stack.apiUrl, 'GET', `/brands/${brandId}/prompt-set`, { token: owner })).json.version).toBe(2);
  });

  it('exports CSV and imports it back; a CSV with bad rows names them and stores nothing', async () => {
    const exported = await fetch(`${stack.apiUrl}/brands/${brandId}/prompt-set/export`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = await exported.text();
    // RFC 4180 line ends (CRLF), as every CSV the shared writer produces.
    expect(csv.split('\r\n')[0]).toBe('text,topic,intent,locale,persona');

    const badCsv = 'text,topic,intent\n"Fine prompt about tools",Remote teams,commercial\nx,Nope,shopping\n';
    const refused = await call(stack.apiUrl, 'POST', `/brands/${brandId}/prompt-set/import`, {
      token: owner,
      rawBody: badCsv,
      contentType: 'text/csv',
      headers: { 'if-match': '"2"' },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('invalid_csv');
    expect(new Set(refused.json.error.details.map((d: { row: number }) => d.row))).toEqual(new Set([3]));
    expect(refused.json.error.details.map((d: { column: string }) => d.column)).toEqual(
      expect.arrayContaining(['topic', 'text', 'intent']),
    );

    const imported = await call(stack.apiUrl, 'POST', `/brands/${brandId}/prompt-set/import`, {
      token: owner,
      rawBody: `${csv}"Which project tool has the best Gantt charts?",Pricing,comparison,en-GB,a PMO lead\n`,
      contentType: 'text/csv',
      headers: { 'if-match': '"2"' },
    });
    expect(imported.status).toBe(201);
    expect(imported.json.version).toBe(3);
    expect(imported.json.prompts).toHaveLength(3);
    expect(imported.json.prompts[2]).toMatchObject({ locale: 'en-GB', persona: 'a PMO lead', intent: 'comparison' });
  });

  it('suggests prompts for review without adding any', async () => {
    const res = await call(stack.apiUrl, 'POST', `/brands/${brandId}/prompt-suggestions`, {
      token: owner,
      body: { personas: ['a startup founder'], count: 8 },
    });
    expect(res.status).toBe(200);
    expect(res.json.suggestions).toHaveLength(8);
    expect(res.json.suggestions.some((s: { branded: boolean }) => !s.branded)).toBe(true);
    expect(
      res.json.suggestions.some((s: { text: string; branded: boolean }) => s.text.includes('Trello') && s.branded),
    ).toBe(true);
    expect((await call(stack.apiUrl, 'GET', `/brands/${brandId}/prompt-set`, { token: owner })).json.version).toBe(3);
  });

  it('saves run settings with the next run computed in the time zone, refusing invalid schedules', async () => {
    const defaults = RunSettingsSchema.parse(
      (await call(stack.apiUrl, 'GET', `/brands/${brandId}/run-settings`, { token: owner })).json,
    );
    expect(defaults.version).toBe(0);
    const body = {
      providers: [{ provider: 'openai', model: 'gpt-4.1-mini', surface: 'api_web_search' }],
      samplesPerPrompt: 2,
      schedule: { kind: 'weekly', dayOfWeek: 'mon', time: '09:30', timeZone: 'Europe/Berlin' },
    };
    const saved = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/run-settings`, {
      token: owner,
      body,
      headers: { 'if-match': '"0"' },
    });
    expect(saved.status).toBe(200);
    const next = new Date(saved.json.nextRunAt);
    expect(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      }).format(next),
    ).toBe('Mon 09:30');
    for (const schedule of [
      { kind: 'cron', expression: '61 * * * *', timeZone: 'UTC' },
      { kind: 'daily', time: '25:00', timeZone: 'UTC' },
      { kind: 'daily', time: '09:00', timeZone: 'Mars/Olympus' },
    ]) {
      const res = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/run-settings`, {
        token: owner,
        body: { ...body, schedule },
        headers: { 'if-match': '"1"' },
      });
      expect(res.status, JSON.stringify(schedule)).toBe(400);
    }
    const badModel = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/run-settings`, {
      token: owner,
      body: { ...body, providers: [{ provider: 'perplexity', model: 'gpt-4o', surface: 'api' }] },
      headers: { 'if-match': '"1"' },
    });
    expect(badModel.status).toBe(400);
  });

  it('keeps spend caps consistent (daily ≤ monthly) and versioned', async () => {
    const current = WorkspaceSettingsSchema.parse(
      (await call(stack.apiUrl, 'GET', '/workspaces/current/settings', { token: owner })).json,
    );
    expect(current.planLimits.maxBrands).toBe(3);
    const caps = { ...current.spendCaps, usdPerDay: 5, usdPerMonth: 50 };
    const saved = await call(stack.apiUrl, 'PUT', '/workspaces/current/spend-caps', {
      token: owner,
      body: caps,
      headers: { 'if-match': `"${current.version}"` },
    });
    expect(saved.status).toBe(200);
    expect(saved.json.spendCaps.usdPerMonth).toBe(50);
    const inverted = await call(stack.apiUrl, 'PUT', '/workspaces/current/spend-caps', {
      token: owner,
      body: { ...caps, usdPerDay: 100 },
      headers: { 'if-match': `"${saved.json.version}"` },
    });
    expect(inverted.status).toBe(400);
  });
});

describe('members and audit', () => {
  it('invites a colleague who can then sign in with the temporary password and see the workspace', async () => {
    const email = `colleague-${Date.now()}@example.com`;
    const invited = await call(stack.apiUrl, 'POST', '/members', { token: owner, body: { email, role: 'analyst' } });
    expect(invited.status).toBe(201);
    expect(MemberSchema.parse(invited.json)).toMatchObject({ email, role: 'analyst', status: 'invited' });
    const again = await call(stack.apiUrl, 'POST', '/members', { token: owner, body: { email, role: 'viewer' } });
    expect(again.status).toBe(409);

    const password = readFileSync(join(stack.invitationsDir, email), 'utf8');
    expect(password).toEqual(expect.any(String));
    const tokens = await signInWithPassword(stack.url, email, password!);
    const me = await call(stack.apiUrl, 'GET', '/me', { token: tokens.access_token });
    expect(me.json.workspace).toMatchObject({ name: 'Prompt Labs', role: 'analyst' });
    const members = await call(stack.apiUrl, 'GET', '/members', { token: owner });
    expect(members.json.items.find((m: { email: string }) => m.email === email)).toMatchObject({ status: 'active' });
  });

  it('never removes or demotes the last owner, and lets owners change roles', async () => {
    const members = await call(stack.apiUrl, 'GET', '/members', { token: owner });
    const me = members.json.items.find((m: { role: string }) => m.role === 'owner');
    const demote = await call(stack.apiUrl, 'PATCH', `/members/${me.userId}`, {
      token: owner,
      body: { role: 'admin' },
      headers: { 'if-match': `"${me.version}"` },
    });
    expect(demote.status).toBe(409);
    expect(demote.json.error.code).toBe('last_owner');
    const remove = await call(stack.apiUrl, 'DELETE', `/members/${me.userId}`, { token: owner });
    expect(remove.status).toBe(409);
    const colleague = members.json.items.find((m: { role: string }) => m.role === 'analyst');
    const promote = await call(stack.apiUrl, 'PATCH', `/members/${colleague.userId}`, {
      token: owner,
      body: { role: 'admin' },
      headers: { 'if-match': `"${colleague.version}"` },
    });
    expect(promote.json).toMatchObject({ role: 'admin', version: colleague.version + 1 });
  });

  it('records every change in the audit log, readable by admins only', async () => {
    const log = await call(stack.apiUrl, 'GET', '/audit?limit=50', { token: owner });
    expect(log.status).toBe(200);
    const entries = log.json.items.map((e: unknown) => AuditEntrySchema.parse(e));
    const actions = entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'brand.created',
        'prompt_set.version_created',
        'run_settings.updated',
        'spend_caps.updated',
        'member.invited',
        'member.role_changed',
      ]),
    );
    expect(entries.every((e: { actor: { email: string } }) => e.actor.email === ownerEmail)).toBe(true);
    expect((await call(stack.apiUrl, 'GET', '/audit', { token: analyst })).status).toBe(403);
  });
});
