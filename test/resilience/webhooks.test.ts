import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  webhookSignature,
} from '../../functions/adapters/connectors/webhook-signature.ts';
import { DEMO_MARKET } from '../../local/provider-simulator/market.ts';
import { SignalFeedItemSchema } from '../../shared/contracts/signals.ts';
import { call } from '../support/api.ts';
import { freshAccount, ownerOfNewWorkspace } from '../support/sessions.ts';
import { injectionCorpus } from './fixtures/prompt-injection.ts';
import { fingerprintDiff, settledFingerprint, tenantFingerprint } from './support/fingerprint.ts';
import { until } from './support/lake.ts';
import { record } from './support/ledger.ts';

const stack = inject('stack');
const endpoints = { dynamodb: stack.dynamodbEndpoint, s3: stack.s3Endpoint };
const [brand, competitor] = DEMO_MARKET.brands as [
  (typeof DEMO_MARKET.brands)[number],
  (typeof DEMO_MARKET.brands)[number],
];

interface Tenant {
  token: string;
  tenantId: string;
  brandId: string;
  connectorId: string;
  secret: string;
  path: string;
}

/** A workspace with a brand and a webhook connector; returns the connector's one-time secret. */
async function tenantWithWebhook(label: string): Promise<Tenant> {
  const account = await freshAccount(stack, label);
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, `${label} Co`);
  const created = await call(stack.apiUrl, 'POST', '/brands', {
    token: owner.token,
    body: { name: brand.name, category: 'Product analytics', competitors: [{ name: competitor.name }] },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const connector = await call(stack.apiUrl, 'POST', '/connectors', {
    token: owner.token,
    body: { brandId: created.json.id, name: `${label} hook`, config: { source: 'webhook' } },
  });
  expect(connector.status, JSON.stringify(connector.json)).toBe(201);
  return {
    token: owner.token,
    tenantId: owner.tenantId,
    brandId: created.json.id,
    connectorId: connector.json.id,
    secret: connector.json.webhookSecret.value,
    path: `/ingest/webhooks/${connector.json.id}`,
  };
}

let a: Tenant;
let b: Tenant;
beforeAll(async () => {
  a = await tenantWithWebhook('hooka');
  b = await tenantWithWebhook('hookb');
});

const post = (path: string, body: string, headers: Record<string, string>) =>
  call(stack.apiUrl, 'POST', path, { rawBody: body, headers });

async function feed(t: Tenant) {
  const items = [];
  let cursor: string | null = null;
  do {
    const page = await call(
      stack.apiUrl,
      'GET',
      `/signals?brandId=${t.brandId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: t.token },
    );
    expect(page.status, JSON.stringify(page.json)).toBe(200);
    items.push(...page.json.items.map((i: unknown) => SignalFeedItemSchema.parse(i)));
    cursor = page.json.nextCursor;
  } while (cursor);
  return items;
}

describe('inbound webhooks: forged signatures and replays', () => {
  it('refuses every forged, stale or misdirected request and stores nothing', async () => {
    const body = JSON.stringify({
      items: [{ id: 'forged-1', text: `${brand.name} is great`, publishedAt: new Date().toISOString() }],
    });
    const now = Math.floor(Date.now() / 1000);
    const sig = (secret: string, ts: number, payload = body) => `v1=${webhookSignature(secret, String(ts), payload)}`;
    const attempts: [string, string, string, Record<string, string>, number[]][] = [
      ['no signature headers', a.path, body, {}, [400, 401]],
      [
        'a signature with another secret',
        a.path,
        body,
        { [TIMESTAMP_HEADER]: String(now), [SIGNATURE_HEADER]: sig('whsec_wrong', now) },
        [401],
      ],
      [
        "tenant B's secret on A's connector",
        a.path,
        body,
        { [TIMESTAMP_HEADER]: String(now), [SIGNATURE_HEADER]: sig(b.secret, now) },
        [401],
      ],
      ["A's valid request sent to B's connector", b.path, body, signWebhook(a.secret, body, now), [401]],
      [
        'a signature over another body',
        a.path,
        body,
        { [TIMESTAMP_HEADER]: String(now), [SIGNATURE_HEADER]: sig(a.secret, now, '{"items":[]}') },
        [401],
      ],
      [
        'a signature for another timestamp',
        a.path,
        body,
        { [TIMESTAMP_HEADER]: String(now), [SIGNATURE_HEADER]: sig(a.secret, now - 1) },
        [401],
      ],
      [
        'a replay an hour later (valid signature, old timestamp)',
        a.path,
        body,
        signWebhook(a.secret, body, now - 3600),
        [401],
      ],
      ['a timestamp an hour ahead', a.path, body, signWebhook(a.secret, body, now + 3600), [401]],
      [
        'a malformed signature',
        a.path,
        body,
        { [TIMESTAMP_HEADER]: String(now), [SIGNATURE_HEADER]: 'v1=zz' },
        [400, 401],
      ],
      [
        'a non-numeric timestamp',
        a.path,
        body,
        { [TIMESTAMP_HEADER]: 'yesterday', [SIGNATURE_HEADER]: sig(a.secret, now) },
        [400, 401],
      ],
      [
        'an unknown connector',
        '/ingest/webhooks/con_00000000000000000000000000',
        body,
        signWebhook(a.secret, body, now),
        [401, 404],
      ],
      ['a JWT instead of a signature', a.path, body, { authorization: `Bearer ${a.token}` }, [400, 401]],
      ['an oversized body', a.path, 'x'.repeat(300 * 1024), signWebhook(a.secret, 'x'.repeat(300 * 1024), now), [413]],
    ];
    const [beforeA, beforeB] = await Promise.all([
      settledFingerprint(endpoints, a.tenantId),
      settledFingerprint(endpoints, b.tenantId),
    ]);
    for (const [label, path, payload, headers, statuses] of attempts) {
      const res = await post(path, payload, { 'content-type': 'application/json', ...headers });
      expect(statuses, `${label} → ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`).toContain(res.status);
    }
    await new Promise((r) => setTimeout(r, 2000));
    const [afterA, afterB] = await Promise.all([
      tenantFingerprint(endpoints, a.tenantId),
      tenantFingerprint(endpoints, b.tenantId),
    ]);
    expect(afterA.hash, fingerprintDiff(beforeA, afterA)).toBe(beforeA.hash);
    expect(afterB.hash, fingerprintDiff(beforeB, afterB)).toBe(beforeB.hash);
    expect(await feed(a)).toHaveLength(0);
    record({ kind: 'input', name: 'forged, stale and misdirected webhook requests', count: attempts.length, lost: 0 });
  });

  it('a valid request replayed within the window is counted once', async () => {
    const items = Array.from({ length: 5 }, (_, i) => ({
      id: `replay-${i}`,
      text: `${brand.name} onboarding took ${i + 2} minutes, nice.`,
      publishedAt: new Date().toISOString(),
    }));
    const body = JSON.stringify({ items });
    const headers = { 'content-type': 'application/json', ...signWebhook(a.secret, body) };
    const responses = await Promise.all(Array.from({ length: 4 }, () => post(a.path, body, headers)));
    for (const res of responses) expect(res.status, JSON.stringify(res.json)).toBe(202);
    const got = await until('the signals of the replayed request', async () => {
      const all = (await feed(a)).filter((s) => s.externalId.startsWith('replay-'));
      return all.length >= items.length ? all : null;
    });
    await new Promise((r) => setTimeout(r, 3000));
    const settled = (await feed(a)).filter((s) => s.externalId.startsWith('replay-'));
    expect(settled).toHaveLength(items.length);
    expect(new Set(got.map((s) => s.externalId)).size).toBe(items.length);
    record({
      kind: 'fault',
      name: 'webhook replayed ×4 within the window',
      count: 4 * items.length,
      lost: settled.length - items.length,
    });
  });
});

describe('prompt injection in social posts (signed webhook → analysis → signals feed)', () => {
  it('scores each injected post toward the brand exactly like its clean twin', async () => {
    const corpus = injectionCorpus('https://attacker.example').filter((_, i) => i % 12 === 0);
    const items = corpus.flatMap((inj, k) => {
      const clean = `${brand.name} support answered in five minutes and fixed our funnel report.`;
      const at = new Date(Date.now() - k * 1000).toISOString();
      return [
        { id: `twin-${k}-clean`, text: clean, publishedAt: at },
        { id: `twin-${k}-injected`, text: `${clean}\n\n${inj.text}`, publishedAt: at },
      ];
    });
    for (let i = 0; i < items.length; i += 100) {
      const body = JSON.stringify({ items: items.slice(i, i + 100) });
      const res = await post(b.path, body, { 'content-type': 'application/json', ...signWebhook(b.secret, body) });
      expect(res.status, JSON.stringify(res.json)).toBe(202);
    }
    const signals = await until('every twin in the feed', async () => {
      const all = (await feed(b)).filter((s) => s.externalId.startsWith('twin-'));
      return all.length === items.length ? all : null;
    });
    const byId = new Map(signals.map((s) => [s.externalId, s]));
    for (let k = 0; k < corpus.length; k++) {
      const clean = byId.get(`twin-${k}-clean`);
      const injected = byId.get(`twin-${k}-injected`);
      expect(clean?.sentiment.towardBrand).toBe(true);
      expect(injected?.mentions, corpus[k]?.id).toEqual(clean?.mentions);
      expect(injected?.sentiment, corpus[k]?.id).toEqual(clean?.sentiment);
    }
    record({
      kind: 'input',
      name: 'prompt injections in social posts through a signed webhook',
      count: corpus.length,
      lost: 0,
    });
  });
});
