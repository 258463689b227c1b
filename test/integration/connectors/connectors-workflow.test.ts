import { createHmac } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signWebhook } from '../../../functions/adapters/connectors/webhook-signature.ts';
import { createConnectorDeps } from '../../../functions/handlers/connectors/deps.ts';
import { connectorIngestSteps } from '../../../functions/handlers/connectors/steps.ts';
import { CONNECTOR_STATE_MACHINE_ARN } from '../../../local/connector-replay/local.ts';
import {
  type ConnectorReplay,
  REPLAY_CREDENTIALS,
  startConnectorReplay,
} from '../../../local/connector-replay/server.ts';
import { localS3Client } from '../../../local/emulators/s3.ts';
import { parseCanonicalEvent } from '../../../shared/events/schemas.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';
import { call } from '../../support/api.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

/**
 * The connector-ingest workflow end to end on the local stack (real Step Functions emulator running the ASL, DynamoDB
 * Local, kinesalite, the lake writer on s3rver), the admin API, and the signed webhook through the local gateway.
 */

const stack = inject('stack');
const sfn = new SFNClient({
  region: 'us-east-1',
  endpoint: `${stack.url.replace('localhost', '127.0.0.1')}/stepfunctions`,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const s3 = localS3Client(stack.s3Endpoint);
let replay: ConnectorReplay;
const T = { token: '', tenantId: '', brandId: '' };

/** Starts an ingest execution and waits until no ingest execution is running (the API's "poll now" starts one too). */
async function runIngest(): Promise<void> {
  await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: CONNECTOR_STATE_MACHINE_ARN,
      name: `test-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`,
      input: '{}',
    }),
  );
  for (const deadline = Date.now() + 240_000; Date.now() < deadline; ) {
    const { executions = [] } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: CONNECTOR_STATE_MACHINE_ARN }),
    );
    if (executions.every((e) => e.status !== 'RUNNING')) {
      expect(executions.filter((e) => e.status === 'FAILED')).toEqual([]);
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the ingest executions did not finish');
}

const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(stack.apiUrl, method, path, {
    token: T.token,
    ...(body !== undefined ? { body } : {}),
    ...(headers ? { headers } : {}),
  });

async function createConnector(name: string, config: Record<string, unknown>) {
  const res = await api('POST', '/connectors', { brandId: T.brandId, name, intervalMinutes: 30, config });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

async function connector(id: string) {
  const res = await api('GET', `/connectors/${id}`);
  expect(res.status).toBe(200);
  return res.json;
}

/** signal.observed events of this tenant in the lake, by event id. */
async function lakeSignals(): Promise<Map<string, Record<string, unknown>>> {
  const prefix = `tenants/${T.tenantId}/events/type=promptpulse.signal.observed/`;
  const events = new Map<string, Record<string, unknown>>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: RESOURCE_NAMES.lakeBucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const body = await s3.send(new GetObjectCommand({ Bucket: RESOURCE_NAMES.lakeBucket, Key: object.Key }));
      const bytes = Buffer.from(
        await (body.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
      for (const line of gunzipSync(bytes).toString('utf8').split('\n').filter(Boolean)) {
        const parsed = parseCanonicalEvent(line);
        if (parsed.ok && parsed.event.type === 'promptpulse.signal.observed') {
          events.set(parsed.event.id, parsed.event as unknown as Record<string, unknown>);
        }
      }
    }
    token = page.NextContinuationToken;
  } while (token);
  return events;
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  replay = await startConnectorReplay();
  const account = await freshAccount(stack, 'connectors');
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Connectors Co');
  T.token = owner.token;
  T.tenantId = owner.tenantId;
  const brand = await api('POST', '/brands', {
    name: 'Acme Analytics',
    category: 'Product analytics',
    aliases: [{ value: 'Acme', caseSensitive: true, ambiguous: false }],
    competitors: [{ name: 'Northwind Insights', aliases: [], ownedDomains: ['northwindinsights.com'] }],
    topics: [],
  });
  expect(brand.status, JSON.stringify(brand.json)).toBe(201);
  T.brandId = brand.json.id;
}, 120_000);

afterAll(async () => {
  await replay?.stop();
  sfn.destroy();
  s3.destroy();
});

// The first execution also ingests the seeded demo connectors (~1,600 posts); the machine may be busy.
describe('connector ingest workflow on the local stack', { timeout: 240_000 }, () => {
  let feedId = '';
  let redditId = '';

  it('polls due connectors page by page, publishes analysed signal.observed events to the stream and the lake, and checkpoints', async () => {
    feedId = (await createConnector('TechWire', { source: 'rss', feedUrl: `${replay.endpoints.feeds}/techwire.xml` }))
      .id;
    redditId = (
      await createConnector('r/analytics', {
        source: 'reddit',
        mode: 'subreddit',
        subreddit: 'analytics',
        includeComments: false,
        backfillHours: 720,
      })
    ).id;
    await runIngest();
    const feed = await connector(feedId);
    const reddit = await connector(redditId);
    for (const c of [feed, reddit]) {
      expect(c.status).toBe('active');
      expect(c.itemsIngested).toBeGreaterThan(20);
      expect(c.lastSuccessAt).not.toBeNull();
      expect(Date.parse(c.nextRunAt)).toBeGreaterThan(Date.now() + 25 * 60_000);
    }
    // The feed keeps every item (no id → known by its content; unreadable date → flagged); Reddit skips deleted posts.
    expect(feed.skipped.missing_id ?? 0).toBe(0);
    expect(reddit.skipped.deleted).toBeGreaterThan(0);

    const total = feed.itemsIngested + reddit.itemsIngested;
    const events = await until('the signals in the lake', async () => {
      const found = await lakeSignals();
      return found.size >= total ? found : null;
    });
    expect(events.size).toBe(total);
    const byConnector = (id: string) =>
      [...events.values()].filter((e) => (e.data as { connectorId: string }).connectorId === id);
    expect(byConnector(feedId)).toHaveLength(feed.itemsIngested);
    expect(byConnector(redditId)).toHaveLength(reddit.itemsIngested);
    const data = byConnector(redditId).map(
      (e) => e.data as { entities: { entityId: string; mentioned: boolean }[]; sentiment: { label: string } },
    );
    expect(data.some((d) => d.entities.some((e) => e.entityId === T.brandId && e.mentioned))).toBe(true);
    expect(new Set(data.map((d) => d.sentiment.label)).has('negative')).toBe(true);
  });

  it('a rerun finds nothing new (the checkpoint holds) and republishes nothing', async () => {
    const before = [await connector(feedId), await connector(redditId)] as const;
    for (const id of [feedId, redditId]) expect((await api('POST', `/connectors/${id}/poll`)).status).toBe(200);
    await runIngest();
    const after = [await connector(feedId), await connector(redditId)];
    expect(after.map((c) => c.itemsIngested)).toEqual(before.map((c) => c.itemsIngested));
    expect(after.every((c, i) => c.lastRunAt > (before[i]?.lastRunAt ?? ''))).toBe(true);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await lakeSignals()).size).toBe(before[0].itemsIngested + before[1].itemsIngested);
  });

  it('a 401 marks the connector needs_attention with a clear message, and it is not retried until resumed', async () => {
    replay.setFaults({ feeds: { unauthorized: true } });
    expect((await api('POST', `/connectors/${feedId}/poll`)).status).toBe(200);
    await runIngest();
    const broken = await connector(feedId);
    expect(broken.status).toBe('needs_attention');
    expect(broken.statusMessage).toMatch(/credentials/);
    expect(broken.lastError.code).toBe('ConnectorCredentialsError');
    expect(broken.nextRunAt).toBeNull();
    const requests = replay.stats().feeds;
    await runIngest();
    await runIngest();
    expect(replay.stats().feeds).toBe(requests);
    expect((await api('POST', `/connectors/${feedId}/poll`)).status).toBe(409);

    replay.setFaults({ feeds: null });
    const resumed = await api('POST', `/connectors/${feedId}/resume`);
    expect(resumed.status).toBe(200);
    await runIngest();
    expect((await connector(feedId)).status).toBe('active');
  });

  it('an outage is retried briefly, then the connector backs off', async () => {
    replay.setFaults({ feeds: { outage: true } });
    expect((await api('POST', `/connectors/${feedId}/poll`)).status).toBe(200);
    const before = replay.stats().feeds;
    await runIngest();
    replay.setFaults({ feeds: null });
    const c = await connector(feedId);
    expect(c.status).toBe('backing_off');
    expect(c.lastError.code).toBe('ConnectorUnavailableError');
    expect(c.consecutiveFailures).toBe(1);
    expect(Date.parse(c.nextRunAt)).toBeGreaterThanOrEqual(Date.now() + 55_000);
    // The first try and the state machine's two retries, no more.
    expect(replay.stats().feeds - before).toBe(3);
  });

  it('a feed that cannot be parsed sets the connector to needs_attention with the reason; a windows-1252 feed publishes', async () => {
    const env = {
      TABLE_NAME: RESOURCE_NAMES.table,
      AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
      KINESIS_ENDPOINT: stack.kinesisEndpoint,
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      EVENT_STREAM_NAME: RESOURCE_NAMES.eventStream,
    };
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    const steps = connectorIngestSteps(createConnectorDeps(env).ingest);
    const html = (
      await createConnector('Not a feed', { source: 'rss', feedUrl: `${replay.endpoints.feeds}/broken.xml` })
    ).id;
    expect((await steps.IngestPage({ tenantId: T.tenantId, connectorId: html })).outcome).toBe('needs_attention');
    const failed = await connector(html);
    expect(failed.status).toBe('needs_attention');
    expect(failed.statusMessage).toMatch(/HTML page, not a feed/);
    expect(failed.lastError.code).toBe('ConnectorConfigError');

    const mercado = (
      await createConnector('Mercado', { source: 'rss', feedUrl: `${replay.endpoints.feeds}/mercado.xml` })
    ).id;
    const page = await steps.IngestPage({ tenantId: T.tenantId, connectorId: mercado });
    expect(page.outcome).toBe('published');
    if (page.outcome === 'published') expect(page.published).toBeGreaterThan(0);
  });

  it('saves the cursor only after the page was published (a failed publish leaves the checkpoint where it was)', async () => {
    const id = (
      await createConnector('Data Daily', { source: 'rss', feedUrl: `${replay.endpoints.feeds}/datadaily.atom` })
    ).id;
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    const env = {
      TABLE_NAME: RESOURCE_NAMES.table,
      AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
      KINESIS_ENDPOINT: stack.kinesisEndpoint,
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      X_BEARER_TOKEN: REPLAY_CREDENTIALS.x.bearerToken,
    };
    // The same steps the workflow runs, against the real table; the first publisher targets a stream that does not exist.
    const broken = connectorIngestSteps(createConnectorDeps({ ...env, EVENT_STREAM_NAME: 'no-such-stream' }).ingest);
    const working = connectorIngestSteps(
      createConnectorDeps({ ...env, EVENT_STREAM_NAME: RESOURCE_NAMES.eventStream }).ingest,
    );
    const { connectors } = createConnectorDeps({ ...env, EVENT_STREAM_NAME: RESOURCE_NAMES.eventStream }).admin;
    const input = { tenantId: T.tenantId, connectorId: id };

    await expect(broken.IngestPage(input)).rejects.toThrow();
    expect(await connectors.getCursor(T.tenantId as never, id)).toBeNull();

    const page = await working.IngestPage(input);
    expect(page.outcome).toBe('published');
    if (page.outcome !== 'published') return;
    expect(page.published).toBeGreaterThan(0);
    expect(await connectors.getCursor(T.tenantId as never, id)).toBeNull();
    const checkpoint = await working.Checkpoint({ ...input, page: 0, maxPages: 10, result: page });
    expect(await connectors.getCursor(T.tenantId as never, id)).toBe(page.cursor);
    expect((await connector(id)).itemsIngested).toBe(page.published);
    expect(checkpoint.more).toBe(!page.caughtUp);
  });
});

describe('signed webhook through the local gateway', { timeout: 120_000 }, () => {
  let id = '';
  let secret = '';
  let secretId = '';
  const post = (body: string, headers: Record<string, string>) =>
    call(stack.apiUrl, 'POST', `/ingest/webhooks/${id}`, { rawBody: body, headers });
  const payload = (n: number) =>
    JSON.stringify({
      items: [
        {
          id: `ticket-${n}`,
          text: `Acme Analytics support was terrible today, the dashboards are broken (${n}).`,
          publishedAt: new Date().toISOString(),
          channel: 'support',
        },
      ],
    });

  beforeAll(async () => {
    const created = await createConnector('Support webhook', { source: 'webhook' });
    id = created.id;
    secret = created.webhookSecret.value;
    secretId = created.webhookSecret.id;
    expect(created.webhookSecret.url).toBe(`${stack.apiUrl}/ingest/webhooks/${id}`);
    expect(JSON.stringify(await connector(id))).not.toContain(secret);
  });

  it('accepts a signed post without a token, publishes it, and dedupes a resend of the same item', async () => {
    const body = payload(1);
    const res = await post(body, signWebhook(secret, body));
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    expect(res.json.accepted).toBe(1);
    const again = await post(body, signWebhook(secret, body));
    expect(again.status).toBe(202);
    const signals = await until('the webhook signal in the lake', async () => {
      const found = [...(await lakeSignals()).values()].filter(
        (e) => (e.data as { connectorId: string }).connectorId === id,
      );
      return found.length > 0 ? found : null;
    });
    await new Promise((r) => setTimeout(r, 2500));
    const settled = [...(await lakeSignals()).values()].filter(
      (e) => (e.data as { connectorId: string }).connectorId === id,
    );
    // Two deliveries, one event id: consumers count it once.
    expect(new Set(settled.map((e) => e.id)).size).toBe(1);
    expect(signals[0]?.data).toMatchObject({ source: 'webhook', externalId: 'ticket-1', channel: 'support' });
  });

  it('refuses bad signatures, stale timestamps, missing headers, oversized and invalid bodies — and stores nothing', async () => {
    const before = (await connector(id)).itemsIngested;
    const body = payload(2);
    const wrong = await post(body, signWebhook('whsec_wrong', body));
    expect(wrong.status).toBe(401);
    const tampered = await post(payload(3), signWebhook(secret, body));
    expect(tampered.status).toBe(401);
    const stale = await post(body, signWebhook(secret, body, Math.floor(Date.now() / 1000) - 3600));
    expect(stale.status).toBe(401);
    expect(stale.json.error.message).toMatch(/replay window/);
    const unsigned = await post(body, {});
    expect(unsigned.status).toBe(400);
    const huge = JSON.stringify({
      items: [{ id: 'x', text: 'a'.repeat(300_000), publishedAt: new Date().toISOString() }],
    });
    const oversized = await post(huge, signWebhook(secret, huge));
    expect(oversized.status).toBe(413);
    const invalidBody = JSON.stringify({ items: [{ id: 'y', text: 'no date' }] });
    const invalid = await post(invalidBody, signWebhook(secret, invalidBody));
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.details[0].path).toContain('publishedAt');
    const unknown = await call(stack.apiUrl, 'POST', '/ingest/webhooks/con_00000000000000000000000000', {
      rawBody: body,
      headers: signWebhook(secret, body),
    });
    expect(unknown.status).toBe(401);
    expect((await connector(id)).itemsIngested).toBe(before);
    const lake = [...(await lakeSignals()).values()].map((e) => (e.data as { externalId: string }).externalId);
    for (const n of [2, 3]) expect(lake).not.toContain(`ticket-${n}`);
  });

  it('rotates secrets: old and new both valid until the old one is revoked', async () => {
    const rotated = await api('POST', `/connectors/${id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const newSecret = rotated.json.webhookSecret.value as string;
    expect(rotated.json.webhookSecrets).toHaveLength(2);
    const body = payload(4);
    expect((await post(body, signWebhook(secret, body))).status).toBe(202);
    expect((await post(body, signWebhook(newSecret, body))).status).toBe(202);
    const revoked = await api('POST', `/connectors/${id}/rotate-secret`, {
      revoke: [secretId, rotated.json.webhookSecret.id],
    });
    expect(revoked.status).toBe(200);
    const newest = revoked.json.webhookSecret.value as string;
    expect((await post(body, signWebhook(secret, body))).status).toBe(401);
    expect((await post(body, signWebhook(newSecret, body))).status).toBe(401);
    expect((await post(body, signWebhook(newest, body))).status).toBe(202);
  });

  it('a paused webhook refuses signed posts with 409', async () => {
    expect((await api('POST', `/connectors/${id}/pause`)).status).toBe(200);
    const rotated = await api('POST', `/connectors/${id}/rotate-secret`, {});
    const body = payload(5);
    const res = await post(body, signWebhook(rotated.json.webhookSecret.value, body));
    expect(res.status).toBe(409);
    expect((await api('POST', `/connectors/${id}/resume`)).status).toBe(200);
  });

  it('a connector set to Standard Webhooks accepts what its reference library signs, and nothing else', async () => {
    const created = await createConnector('Listening tool', { source: 'webhook', scheme: 'standard' });
    const library = new Webhook(created.webhookSecret.value);
    const body = payload(6);
    const signed = (msgId: string, at: Date) => ({
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': library.sign(msgId, at, body),
    });
    const send = (headers: Record<string, string>) =>
      call(stack.apiUrl, 'POST', `/ingest/webhooks/${created.id}`, { rawBody: body, headers });
    const ok = await send(signed('msg_1', new Date()));
    expect(ok.status, JSON.stringify(ok.json)).toBe(202);
    expect(ok.json.accepted).toBe(1);
    // The PromptPulse convention with the same secret is not this connector's: refused like a wrong signature.
    expect((await send(signWebhook(created.webhookSecret.value, body))).status).toBe(401);
    expect((await send(signed('msg_2', new Date(Date.now() - 3600_000)))).status).toBe(401);
  });

  it("a listening tool's own JSON: the admin previews a field map, saves it, and the tool posts without a relay", async () => {
    const fieldMap = {
      items: 'mentions',
      fields: { id: 'id', text: 'description', publishedAt: 'published_at', channel: 'source.name' },
    };
    const native = (n: number) =>
      JSON.stringify({
        alert_id: 7,
        mentions: [
          {
            id: 8000 + n,
            description: `Acme Analytics support was terrible today (${n}).`,
            published_at: Math.floor(Date.now() / 1000),
            source: { name: 'forum.example.com' },
          },
          { id: 9000 + n, description: 'no date' },
        ],
      });
    const preview = await api('POST', '/connectors/webhook-preview', { fieldMap, sample: JSON.parse(native(1)) });
    expect(preview.status, JSON.stringify(preview.json)).toBe(200);
    expect(preview.json.items).toHaveLength(1);
    expect(preview.json.items[0]).toMatchObject({ id: '8001', channel: 'forum.example.com' });
    expect(preview.json.skipped).toEqual({ missing_date: 1 });
    expect(preview.json.problems[0]).toMatchObject({ index: 1, field: 'publishedAt' });
    const created = await createConnector('Listening tool (native JSON)', { source: 'webhook', fieldMap });
    const send = (body: string) =>
      call(stack.apiUrl, 'POST', `/ingest/webhooks/${created.id}`, {
        rawBody: body,
        headers: signWebhook(created.webhookSecret.value, body),
      });
    const ok = await send(native(2));
    expect(ok.status, JSON.stringify(ok.json)).toBe(202);
    expect(ok.json).toMatchObject({ accepted: 1, skipped: { missing_date: 1 } });
    const unreadable = await send(JSON.stringify({ mentions: [{ id: 1 }] }));
    expect(unreadable.status).toBe(400);
    expect(JSON.stringify(unreadable.json)).toMatch(/read no item/);
    // PromptPulse's own format is not what this connector reads any more.
    expect((await send(payload(8))).status).toBe(400);
  });

  it('a Stripe-style sender signs with the secret it generated, once given to the connector', async () => {
    const created = await createConnector('Stripe-style sender', { source: 'webhook', scheme: 'stripe' });
    const theirs = 'whsec_generatedBySenderNotByUs0123456789';
    const rotated = await api('POST', `/connectors/${created.id}/rotate-secret`, {
      value: theirs,
      revoke: [created.webhookSecret.id],
    });
    expect(rotated.status, JSON.stringify(rotated.json)).toBe(200);
    expect(JSON.stringify(await connector(created.id))).not.toContain(theirs);
    const body = payload(7);
    // Stripe's documented scheme: Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>" with the secret>.
    const stripe = (secret: string) => {
      const t = Math.floor(Date.now() / 1000);
      const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
      return { 'stripe-signature': `t=${t},v1=${v1}` };
    };
    const send = (headers: Record<string, string>) =>
      call(stack.apiUrl, 'POST', `/ingest/webhooks/${created.id}`, { rawBody: body, headers });
    expect((await send(stripe(theirs))).status).toBe(202);
    expect((await send(stripe(created.webhookSecret.value))).status).toBe(401);
    const short = await api('POST', `/connectors/${created.id}/rotate-secret`, { value: 'short' });
    expect(short.status).toBe(400);
  });
});
