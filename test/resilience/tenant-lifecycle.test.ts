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
});
