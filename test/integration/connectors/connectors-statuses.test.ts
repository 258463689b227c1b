import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createConnectorDeps } from '../../../functions/handlers/connectors/deps.ts';
import { connectorIngestSteps } from '../../../functions/handlers/connectors/steps.ts';
import {
  type ConnectorReplay,
  REPLAY_CREDENTIALS,
  startConnectorReplay,
} from '../../../local/connector-replay/server.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';
import { call } from '../../support/api.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

/**
 * What a user sees when a platform says no, through the workflow's own steps against the real table (DynamoDB Local)
 * and a replay server behaving as the platform does: X's monthly cap pauses the connector with the reason instead of
 * recording successes; a query X refuses needs attention with X's message and is not polled again; a Meta token for
 * another Page needs attention with a message that says so.
 */

const stack = inject('stack');
let replay: ConnectorReplay;
const T = { token: '', tenantId: '', brandId: '' };

const api = (method: string, path: string, body?: unknown) =>
  call(stack.apiUrl, method, path, { token: T.token, ...(body !== undefined ? { body } : {}) });

async function createConnector(name: string, config: Record<string, unknown>) {
  const res = await api('POST', '/connectors', { brandId: T.brandId, name, intervalMinutes: 15, config });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.id as string;
}

async function connector(id: string) {
  const res = await api('GET', `/connectors/${id}`);
  expect(res.status).toBe(200);
  return res.json;
}

function steps() {
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  return connectorIngestSteps(
    createConnectorDeps({
      TABLE_NAME: RESOURCE_NAMES.table,
      AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
      KINESIS_ENDPOINT: stack.kinesisEndpoint,
      EVENT_STREAM_NAME: RESOURCE_NAMES.eventStream,
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      X_API_URL: replay.endpoints.xApi,
      X_BEARER_TOKEN: REPLAY_CREDENTIALS.x.bearerToken,
      META_GRAPH_URL: replay.endpoints.metaGraph,
      META_ACCESS_TOKEN: REPLAY_CREDENTIALS.meta.accessToken,
    }).ingest,
  );
}

beforeAll(async () => {
  // A plan with a tiny monthly cap: one page of posts spends it.
  replay = await startConnectorReplay({ xPlan: { monthlyPostCap: 3 } });
  const account = await freshAccount(stack, 'connector-statuses');
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Statuses Co');
  T.token = owner.token;
  T.tenantId = owner.tenantId;
  const brand = await api('POST', '/brands', {
    name: 'Acme Analytics',
    category: 'Product analytics',
    aliases: [],
    competitors: [],
    topics: [],
  });
  expect(brand.status, JSON.stringify(brand.json)).toBe(201);
  T.brandId = brand.json.id;
}, 120_000);

afterAll(async () => {
  await replay?.stop();
});

describe('connector statuses from the platforms’ own answers', { timeout: 120_000 }, () => {
  it('the X monthly cap pauses the connector with the reason; it is not recorded as a success', async () => {
    const id = await createConnector('X capped', { source: 'x', query: 'Acme', backfillHours: 168 });
    const run = steps();
    const input = { tenantId: T.tenantId, connectorId: id };
    const first = await run.IngestPage(input);
    expect(first.outcome).toBe('published');
    if (first.outcome === 'published') await run.Checkpoint({ ...input, page: 0, maxPages: 10, result: first });
    const afterFirst = await connector(id);
    const capped = await run.IngestPage(input);
    expect(capped.outcome).toBe('paused');
    const paused = await connector(id);
    expect(paused.status).toBe('paused');
    expect(paused.nextRunAt).toBeNull();
    expect(paused.statusMessage).toMatch(/monthly usage cap/);
    expect(paused.lastError.code).toBe('ConnectorQuotaError');
    expect(paused.lastSuccessAt).toBe(afterFirst.lastSuccessAt);
    // Paused: the workflow does not poll it again.
    expect((await run.IngestPage(input)).outcome).toBe('gone');
  });

  it('a query X refuses needs attention with X’s message, and is not polled again', async () => {
    // On the Basic plan the form refuses it before saving, with X's message…
    const refused = await api('POST', '/connectors', {
      brandId: T.brandId,
      name: 'X bad query',
      intervalMinutes: 30,
      config: { source: 'x', query: 'Acme place_country:US' },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toMatch(/invalid operator 'place_country'.*Pro plan/);
    // …but a connector saved as Pro whose app is really on Basic learns it from X on its first poll.
    const id = await createConnector('X bad query', { source: 'x', query: 'Acme place_country:US', tier: 'pro' });
    const run = steps();
    const input = { tenantId: T.tenantId, connectorId: id };
    expect((await run.IngestPage(input)).outcome).toBe('needs_attention');
    const c = await connector(id);
    expect(c.status).toBe('needs_attention');
    expect(c.statusMessage).toMatch(/X rejected search .*invalid operator 'place_country'/);
    expect(c.nextRunAt).toBeNull();
    expect((await run.IngestPage(input)).outcome).toBe('gone');
  });

  it('the test fetch previews the volume: posts a day, and for X the share of the plan’s monthly cap', async () => {
    const id = await createConnector('X volume', { source: 'x', query: '"Acme Analytics"' });
    const res = await api('POST', `/connectors/${id}/test`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.ok).toBe(true);
    expect(res.json.volume.postsPerDay).toBeGreaterThan(0);
    expect(res.json.volume.basis).toMatch(/^the newest \d+ items/);
    // Reposts read but skipped count against the cap too: never less than the kept posts alone.
    expect(res.json.volume.capShare).toBeGreaterThanOrEqual((0.95 * res.json.volume.postsPerDay * 30) / 15_000);
  });

  it('a Meta Page token used for another Page needs attention and says why', async () => {
    const id = await createConnector('Rival Page', { source: 'meta', pageId: 'rivalco', includeComments: true });
    const run = steps();
    expect((await run.IngestPage({ tenantId: T.tenantId, connectorId: id })).outcome).toBe('needs_attention');
    const c = await connector(id);
    expect(c.status).toBe('needs_attention');
    expect(c.statusMessage).toMatch(/a Page token reads only its own Page/);
  });
});
