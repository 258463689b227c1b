import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { type Action, ActionDetailSchema, ActionSchema } from '../../../shared/contracts/actions.ts';
import { BrandSchema } from '../../../shared/contracts/brands.ts';
import { daysAgo, plantAnswerHistory } from '../../support/actions-fixtures.ts';
import { call } from '../../support/api.ts';
import { signInWithPassword } from '../../support/oidc-flow.ts';
import { DEMO, freshAccount, ownerOfNewWorkspace, tokenFor } from '../../support/sessions.ts';

const stack = inject('stack');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the engine until it has raised something (the aggregation consumer counts planted answers in ~1 s). */
async function generateUntilActions(token: string, brandId: string, timeoutMs = 60_000): Promise<Action[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const generated = await call(stack.apiUrl, 'POST', `/brands/${brandId}/actions/generate`, { token });
    expect(generated.status, JSON.stringify(generated.json)).toBe(200);
    const list = await call(stack.apiUrl, 'GET', `/actions?brandId=${brandId}`, { token });
    expect(list.status, JSON.stringify(list.json)).toBe(200);
    if (list.json.items.length > 0) return list.json.items.map((a: unknown) => ActionSchema.parse(a));
    if (Date.now() > deadline) throw new Error(`no action raised: ${JSON.stringify(generated.json)}`);
    await sleep(1000);
  }
}

let hubOwnerToken = '';

describe('Action Hub on the local stack (real emulators)', () => {
  it('planted history raises a content gap; the lifecycle works with roles, ETags and audit', {
    timeout: 180_000,
  }, async () => {
    // A workspace of its own (planted history must not change the demo brand's totals other tests check), with an
    // analyst and a viewer invited the way the product invites people.
    const account = await freshAccount(stack, 'actions-owner');
    const workspace = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Hub Co');
    const owner = workspace.token;
    hubOwnerToken = owner;
    const member = async (role: 'analyst' | 'viewer') => {
      const email = `actions-${role}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`;
      const invited = await call(stack.apiUrl, 'POST', '/members', { token: owner, body: { email, role } });
      expect(invited.status, JSON.stringify(invited.json)).toBe(201);
      const password = readFileSync(join(stack.invitationsDir, email), 'utf8');
      return (await signInWithPassword(stack.url, email, password)).access_token;
    };
    const analyst = await member('analyst');
    const viewer = await member('viewer');
    const created = await call(stack.apiUrl, 'POST', '/brands', {
      token: owner,
      body: { name: 'Acme Analytics', category: 'Product analytics', competitors: [{ name: 'Northwind Insights' }] },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const brand = BrandSchema.parse(created.json);
    const brandId = brand.id;

    // Before any data, the engine raises nothing: too little data is reported, not turned into actions.
    const empty = await call(stack.apiUrl, 'POST', `/brands/${brandId}/actions/generate`, { token: analyst });
    expect(empty.json.created).toBe(0);
    expect(empty.json.insufficientData.length).toBeGreaterThan(0);

    // A clear gap on OpenAI over the 5 days ending two days ago: the competitor in 30 of 40 non-branded answers, the
    // brand in 4.
    await plantAnswerHistory({
      kinesisEndpoint: stack.kinesisEndpoint,
      tenantId: workspace.tenantId,
      brand,
      day: daysAgo(2),
      count: 40,
      brandMentions: 4,
      competitorMentions: 30,
      tag: 'lifecycle',
    });
    const actions = await generateUntilActions(analyst, brandId);
    expect(actions.map((a) => a.dedupeKey)).toContain('content_gap|provider=openai');
    // Ranked: priority never increases down the list.
    for (let i = 1; i < actions.length; i++) {
      expect(actions[i]?.priority).toBeLessThanOrEqual(actions[i - 1]?.priority ?? 0);
    }
    const top = actions[0] as Action;
    expect(top.status).toBe('open');
    expect(top.rationale.length).toBeGreaterThan(20);
    expect(top.confidence.n).toBeGreaterThan(0);

    // Re-running the engine does not create twins of open actions.
    const again = await call(stack.apiUrl, 'POST', `/brands/${brandId}/actions/generate`, { token: analyst });
    expect(again.status, JSON.stringify(again.json)).toBe(200);
    expect(again.json.created).toBe(0);
    const after = await call(stack.apiUrl, 'GET', `/actions?brandId=${brandId}&limit=100`, { token: owner });
    const keys = after.json.items.map((a: { dedupeKey: string }) => a.dedupeKey);
    expect(new Set(keys).size).toBe(keys.length);

    // Concurrent engine runs (after a run and from the hub at once) never create twins.
    await plantAnswerHistory({
      kinesisEndpoint: stack.kinesisEndpoint,
      tenantId: workspace.tenantId,
      brand,
      day: daysAgo(2),
      provider: 'anthropic',
      count: 40,
      brandMentions: 4,
      competitorMentions: 30,
      tag: 'concurrent',
    });
    const anthropicKey = 'content_gap|provider=anthropic';
    const countKey = async () =>
      (await call(stack.apiUrl, 'GET', `/actions?brandId=${brandId}&limit=100`, { token: owner })).json.items.filter(
        (a: { dedupeKey: string }) => a.dedupeKey === anthropicKey,
      ).length;
    for (let i = 0; i < 60 && (await countKey()) === 0; i++) {
      await Promise.all(
        [1, 2, 3].map(() => call(stack.apiUrl, 'POST', `/brands/${brandId}/actions/generate`, { token: analyst })),
      );
      await sleep(500);
    }
    expect(await countKey()).toBe(1);

    // Detail with ETag.
    const detail = await call(stack.apiUrl, 'GET', `/actions/${top.id}`, { token: viewer });
    expect(detail.status).toBe(200);
    ActionDetailSchema.parse(detail.json);
    expect(detail.headers.get('etag')).toBe(`"${top.version}"`);

    // Viewers read only.
    const denied = await call(stack.apiUrl, 'PATCH', `/actions/${top.id}`, {
      token: viewer,
      headers: { 'if-match': `"${top.version}"` },
      body: { status: 'in_progress' },
    });
    expect(denied.status).toBe(403);
    // If-Match is required, and a stale one is refused.
    const noMatch = await call(stack.apiUrl, 'PATCH', `/actions/${top.id}`, {
      token: analyst,
      body: { status: 'in_progress' },
    });
    expect(noMatch.status).toBe(428);
    const staleMatch = await call(stack.apiUrl, 'PATCH', `/actions/${top.id}`, {
      token: analyst,
      headers: { 'if-match': `"${top.version + 5}"` },
      body: { status: 'in_progress' },
    });
    expect(staleMatch.status).toBe(412);

    // Analyst: in progress, assigned to themselves, with a due date.
    const me = await call(stack.apiUrl, 'GET', '/me', { token: analyst });
    const progressed = await call(stack.apiUrl, 'PATCH', `/actions/${top.id}`, {
      token: analyst,
      headers: { 'if-match': `"${top.version}"` },
      body: { status: 'in_progress', ownerUserId: me.json.userId, dueDate: '2026-12-31' },
    });
    expect(progressed.status, JSON.stringify(progressed.json)).toBe(200);
    expect(progressed.json).toMatchObject({ status: 'in_progress', dueDate: '2026-12-31' });
    expect(progressed.json.owner.userId).toBe(me.json.userId);

    // Assigning a non-member names the field; dismissing without a reason names the field.
    const stranger = await call(stack.apiUrl, 'PATCH', `/actions/${top.id}`, {
      token: analyst,
      headers: { 'if-match': `"${progressed.json.version}"` },
      body: { ownerUserId: 'not-a-member' },
    });
    expect(stranger.status).toBe(400);
    expect(JSON.stringify(stranger.json.error.details)).toContain('ownerUserId');
    const noReason = await call(stack.apiUrl, 'PATCH', `/actions/${top.id}`, {
      token: analyst,
      headers: { 'if-match': `"${progressed.json.version}"` },
      body: { status: 'dismissed' },
    });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.json.error)).toContain('dismissReason');

    // Comments.
    const commented = await call(stack.apiUrl, 'POST', `/actions/${top.id}/comments`, {
      token: analyst,
      body: { text: 'Drafting the comparison page now.' },
    });
    expect(commented.status).toBe(201);
    expect(commented.json.comments.at(-1).text).toBe('Drafting the comparison page now.');
    const viewerComment = await call(stack.apiUrl, 'POST', `/actions/${top.id}/comments`, {
      token: viewer,
      body: { text: 'hi' },
    });
    expect(viewerComment.status).toBe(403);

    // Done: final, with a pending outcome check; a second transition is refused.
    const done = await call(stack.apiUrl, 'PATCH', `/actions/${top.id}`, {
      token: analyst,
      headers: { 'if-match': `"${commented.json.version}"` },
      body: { status: 'done' },
    });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    expect(done.json.closedAt).not.toBeNull();
    expect(done.json.outcome.status).toBe('pending');
    const reopen = await call(stack.apiUrl, 'PATCH', `/actions/${top.id}`, {
      token: analyst,
      headers: { 'if-match': `"${done.json.version}"` },
      body: { status: 'open' },
    });
    expect(reopen.status).toBe(409);

    // Another action dismissed with a reason does not come back on a re-run (cooldown).
    const second = after.json.items.find((a: { id: string; status: string }) => a.id !== top.id && a.status === 'open');
    if (second) {
      const dismissed = await call(stack.apiUrl, 'PATCH', `/actions/${second.id}`, {
        token: owner,
        headers: { 'if-match': `"${second.version}"` },
        body: { status: 'dismissed', dismissReason: 'We already cover this elsewhere' },
      });
      expect(dismissed.status).toBe(200);
      const rerun = await call(stack.apiUrl, 'POST', `/brands/${brandId}/actions/generate`, { token: owner });
      expect(rerun.json.suppressed).toContainEqual({ dedupeKey: second.dedupeKey, reason: 'cooldown' });
    }

    // Audit entries for the changes.
    const audit = await call(stack.apiUrl, 'GET', '/audit?limit=50', { token: owner });
    const mine = audit.json.items.filter((e: { target: { id: string } }) => e.target.id === top.id);
    expect(mine.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['action.status_changed', 'action.commented']),
    );

    // The target metric's series for the chart.
    const series = await call(stack.apiUrl, 'GET', `/actions/${top.id}/series`, { token: viewer });
    expect(series.status).toBe(200);
    expect(series.json.points.length).toBeGreaterThan(0);

    // Filters: status and owner.
    const inDone = await call(stack.apiUrl, 'GET', `/actions?status=done&brandId=${brandId}`, { token: viewer });
    expect(inDone.json.items.map((a: { id: string }) => a.id)).toContain(top.id);
    const byOwner = await call(stack.apiUrl, 'GET', `/actions?owner=${me.json.userId}`, { token: viewer });
    expect(byOwner.json.items.map((a: { id: string }) => a.id)).toEqual([top.id]);
    const bad = await call(stack.apiUrl, 'GET', '/actions?status=finished', { token: viewer });
    expect(bad.status).toBe(400);
  });

  it('another workspace never sees or changes these actions', async () => {
    const mine = await call(stack.apiUrl, 'GET', '/actions?limit=100', { token: hubOwnerToken });
    const ids: string[] = mine.json.items.map((a: { id: string }) => a.id);
    expect(ids.length).toBeGreaterThan(0);
    const other = await tokenFor(stack.url, ...DEMO.owner);
    const theirs = await call(stack.apiUrl, 'GET', '/actions?limit=100', { token: other });
    expect(theirs.json.items.map((a: { id: string }) => a.id).filter((id: string) => ids.includes(id))).toEqual([]);
    for (const id of ids.slice(0, 2)) {
      expect((await call(stack.apiUrl, 'GET', `/actions/${id}`, { token: other })).status).toBe(404);
      const patch = await call(stack.apiUrl, 'PATCH', `/actions/${id}`, {
        token: other,
        headers: { 'if-match': '"1"' },
        body: { status: 'in_progress' },
      });
      expect(patch.status).toBe(404);
      const comment = await call(stack.apiUrl, 'POST', `/actions/${id}/comments`, {
        token: other,
        body: { text: 'x' },
      });
      expect(comment.status).toBe(404);
    }
  });
});
