import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CrmReceiver, startCrmReceiver } from '../../../local/crm-receiver/index.ts';
import { BrandSchema } from '../../../shared/contracts/brands.ts';
import { DeliverySchema } from '../../../shared/contracts/integrations.ts';
import { daysAgo, plantAnswerHistory } from '../../support/actions-fixtures.ts';
import { call } from '../../support/api.ts';
import { DEMO, freshAccount, ownerOfNewWorkspace, tokenFor } from '../../support/sessions.ts';

const stack = inject('stack');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECRET = 'integration-test-secret-0123456789';

let crm: CrmReceiver;
beforeAll(async () => {
  crm = await startCrmReceiver({ secret: SECRET });
});
afterAll(async () => {
  await crm?.stop();
});

describe('integration URLs obey the outbound rules (docs/security.md), naming the field', () => {
  it('refuses non-https, private, link-local/metadata and IPv4-mapped targets, and non-members cannot configure', async () => {
    const owner = await tokenFor(stack.url, ...DEMO.owner);
    const analyst = await tokenFor(stack.url, ...DEMO.analyst);
    const base = { name: 'Bad target', kind: 'webhook', secret: SECRET };
    for (const url of [
      'http://crm.example.com/hook',
      'https://10.0.0.5/hook',
      'https://172.16.3.4/hook',
      'https://192.168.1.10/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::ffff:10.0.0.1]/hook',
      'https://[fd00::1]/hook',
      'https://user:pass@crm.example.com/hook',
      'not a url',
    ]) {
      const res = await call(stack.apiUrl, 'POST', '/integrations', { token: owner, body: { ...base, url } });
      expect(res.status, `${url}: ${JSON.stringify(res.json)}`).toBe(400);
      expect(JSON.stringify(res.json.error.details), url).toContain('url');
    }
    const shortSecret = await call(stack.apiUrl, 'POST', '/integrations', {
      token: owner,
      body: { ...base, url: crm.webhookUrl, secret: 'short' },
    });
    expect(shortSecret.status).toBe(400);
    expect(JSON.stringify(shortSecret.json.error.details)).toContain('secret');
    const badKind = await call(stack.apiUrl, 'POST', '/integrations', {
      token: owner,
      body: { ...base, url: crm.webhookUrl, kind: 'zapier' },
    });
    expect(badKind.status).toBe(400);
    expect(JSON.stringify(badKind.json.error.details)).toContain('kind');
    // Analysts work actions but do not configure where data leaves PromptPulse.
    const denied = await call(stack.apiUrl, 'POST', '/integrations', {
      token: analyst,
      body: { ...base, url: crm.webhookUrl },
    });
    expect(denied.status).toBe(403);
    // Nothing was stored by any refused request.
    const list = await call(stack.apiUrl, 'GET', '/integrations', { token: owner });
    expect(list.json.items.map((i: { name: string }) => i.name)).not.toContain('Bad target');
  });
});

describe('delivery through the local bus: signed POSTs, retries with backoff, dead letters, re-drive', () => {
  it('a CRM that is down ends in the dead-letter list with the reason; re-drive delivers it signed', {
    timeout: 180_000,
  }, async () => {
    const account = await freshAccount(stack, 'crm-down');
    const { token, tenantId } = await ownerOfNewWorkspace(
      stack.url,
      stack.apiUrl,
      account.email,
      account.password,
      'CRM Co',
    );
    const created = await call(stack.apiUrl, 'POST', '/brands', {
      token,
      body: { name: 'Acme Analytics', category: 'Product analytics', competitors: [{ name: 'Northwind Insights' }] },
    });
    expect(created.status).toBe(201);
    const brand = BrandSchema.parse(created.json);

    const integration = await call(stack.apiUrl, 'POST', '/integrations', {
      token,
      body: { name: 'Test CRM', kind: 'webhook', url: crm.webhookUrl, secret: SECRET },
    });
    expect(integration.status, JSON.stringify(integration.json)).toBe(201);
    expect(integration.json).not.toHaveProperty('secret');
    expect(integration.json.secretHint).toBe('…6789');
    const integrationId = integration.json.id as string;

    // "Send test event": one attempt now, recorded; the receiver checks the HMAC signature.
    const test = await call(stack.apiUrl, 'POST', `/integrations/${integrationId}/test`, { token });
    expect(test.status, JSON.stringify(test.json)).toBe(200);
    expect(DeliverySchema.parse(test.json).status).toBe('delivered');
    expect(crm.received().at(-1)).toMatchObject({ signatureValid: true, eventType: 'action.created' });

    // The CRM goes down; the engine raises an action; the bus retries, then dead-letters.
    crm.setDown(503);
    await plantAnswerHistory({
      kinesisEndpoint: stack.kinesisEndpoint,
      tenantId,
      brand,
      day: daysAgo(1),
      count: 40,
      brandMentions: 3,
      competitorMentions: 32,
      tag: 'crmdown',
    });
    for (let i = 0; i < 60; i++) {
      const generated = await call(stack.apiUrl, 'POST', `/brands/${brand.id}/actions/generate`, { token });
      if (generated.json.created > 0) break;
      await sleep(1000);
    }
    const actions = await call(stack.apiUrl, 'GET', `/actions?brandId=${brand.id}`, { token });
    expect(actions.json.items.length).toBeGreaterThan(0);
    const actionId = actions.json.items[0].id as string;

    let dead: ReturnType<typeof DeliverySchema.parse> | undefined;
    for (let i = 0; i < 90 && !dead; i++) {
      const log = await call(stack.apiUrl, 'GET', `/integrations/${integrationId}/deliveries?status=dead_lettered`, {
        token,
      });
      dead = log.json.items
        .map((d: unknown) => DeliverySchema.parse(d))
        .find((d: { actionId: string | null }) => d.actionId === actionId);
      if (!dead) await sleep(500);
    }
    expect(dead, 'a dead-lettered delivery of the new action').toBeDefined();
    if (!dead) return;
    expect(dead.attempts.length).toBe(4);
    expect(dead.attempts.every((a) => a.httpStatus === 503)).toBe(true);
    expect(dead.reason).toMatch(/Gave up after 4 attempts: HTTP 503/);
    // Backoff: the waits between attempts grow (1 s, 2 s, 4 s by default).
    const times = dead.attempts.map((a) => Date.parse(a.at));
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    expect(gaps[1]).toBeGreaterThan(gaps[0] ?? 0);
    expect(gaps[2]).toBeGreaterThan(gaps[1] ?? 0);
    // The action's sync status shows it.
    const detail = await call(stack.apiUrl, 'GET', `/actions/${actionId}`, { token });
    expect(detail.json.sync).toContainEqual(expect.objectContaining({ integrationId, status: 'dead_lettered' }));

    // Re-drive while still down: still dead-lettered, one more attempt recorded.
    const stillDown = await call(stack.apiUrl, 'POST', `/integrations/${integrationId}/deliveries/${dead.id}/redrive`, {
      token,
    });
    expect(stillDown.json.status).toBe('dead_lettered');
    expect(stillDown.json.attempts.length).toBe(5);

    // The CRM is back: re-drive delivers the same body, freshly signed.
    crm.setDown(null);
    const redriven = await call(stack.apiUrl, 'POST', `/integrations/${integrationId}/deliveries/${dead.id}/redrive`, {
      token,
    });
    expect(redriven.status, JSON.stringify(redriven.json)).toBe(200);
    expect(redriven.json.status).toBe('delivered');
    const task = crm.received().find((t) => t.actionId === actionId);
    expect(task).toMatchObject({ signatureValid: true, eventType: 'action.created', deliveryId: dead.id });
    // A delivered one cannot be re-driven again.
    const again = await call(stack.apiUrl, 'POST', `/integrations/${integrationId}/deliveries/${dead.id}/redrive`, {
      token,
    });
    expect(again.status).toBe(409);

    // A status change is delivered as action.updated.
    const current = await call(stack.apiUrl, 'GET', `/actions/${actionId}`, { token });
    const progressed = await call(stack.apiUrl, 'PATCH', `/actions/${actionId}`, {
      token,
      headers: { 'if-match': `"${current.json.version}"` },
      body: { status: 'in_progress' },
    });
    expect(progressed.status).toBe(200);
    for (let i = 0; i < 40 && !crm.received().some((t) => t.actionId === actionId && t.status === 'in_progress'); i++) {
      await sleep(250);
    }
    expect(crm.received().find((t) => t.actionId === actionId && t.status === 'in_progress')).toMatchObject({
      eventType: 'action.updated',
      signatureValid: true,
    });

    // Other tenants cannot read this delivery log.
    const owner = await tokenFor(stack.url, ...DEMO.owner);
    const foreign = await call(stack.apiUrl, 'GET', `/integrations/${integrationId}/deliveries`, { token: owner });
    expect(foreign.status).toBe(404);
  });
});
