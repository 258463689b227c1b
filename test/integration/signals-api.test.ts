import { beforeAll, describe, expect, inject, it } from 'vitest';
import { KinesisEventPublisher } from '../../functions/adapters/aws/kinesis-event-publisher.ts';
import { localKinesisClient } from '../../local/emulators/kinesis.ts';
import {
  SignalAlertSchema,
  SignalAlertsPageSchema,
  SignalFeedPageSchema,
  SignalSeriesResponseSchema,
} from '../../shared/contracts/signals.ts';
import { RESOURCE_NAMES } from '../../shared/infra/resources.ts';
import { call } from '../support/api.ts';
import { freshAccount, ownerOfNewWorkspace } from '../support/sessions.ts';
import { plantedSwingSeries, signalEvent } from '../support/signals-fixtures.ts';

const stack = inject('stack');
const publisher = new KinesisEventPublisher(localKinesisClient(stack.kinesisEndpoint), RESOURCE_NAMES.eventStream);
const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const lastDay = dayOf(Date.now() - DAY_MS);
const firstDay = dayOf(Date.now() - 20 * DAY_MS);
const sentinelDay = dayOf(Date.now() - 30 * DAY_MS);

const A = { token: '', tenantId: '', brandId: '' };
const B = { token: '', tenantId: '', brandId: '' };

async function workspaceWithBrand(label: string, target: typeof A) {
  const account = await freshAccount(stack, label);
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, `${label} Co`);
  const brand = await call(stack.apiUrl, 'POST', '/brands', {
    token: owner.token,
    body: { name: `${label} Brand`, category: 'Analytics software', competitors: [], topics: [] },
  });
  expect(brand.status).toBe(201);
  Object.assign(target, { token: owner.token, tenantId: owner.tenantId, brandId: brand.json.id });
}

async function allVolume(target: typeof A): Promise<number> {
  const res = await call(
    stack.apiUrl,
    'GET',
    `/brands/${target.brandId}/signals/series?from=${sentinelDay}&to=${lastDay}&source=all`,
    { token: target.token },
  );
  return SignalSeriesResponseSchema.parse(res.json).points.reduce((a, p) => a + p.volume, 0);
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const sentinel = (n: number) =>
  signalEvent({
    tenantId: A.tenantId,
    brandId: A.brandId,
    externalId: `sentinel-${n}`,
    publishedAt: `${sentinelDay}T12:00:00.000Z`,
    sentiment: 0.1,
  });

let series: ReturnType<typeof plantedSwingSeries> = [];

beforeAll(async () => {
  await workspaceWithBrand('signals-a', A);
  await workspaceWithBrand('signals-b', B);
  series = plantedSwingSeries({ tenantId: A.tenantId, brandId: A.brandId, lastDay });
  // Every signal delivered twice (a retried publish), then a sentinel: the brand's events share a shard, in order,
  // so once the sentinel is counted every duplicate before it has been processed.
  await publisher.publish([...series, ...series.slice(0, 200), sentinel(1)]);
  await until('the signals to be aggregated', async () => (await allVolume(A)) === series.length + 1);
}, 180_000);

describe('signal aggregates through the real pipeline', () => {
  it('counts each signal once under duplicate deliveries and replays', async () => {
    const res = await call(
      stack.apiUrl,
      'GET',
      `/brands/${A.brandId}/signals/series?from=${firstDay}&to=${lastDay}&source=reddit`,
      { token: A.token },
    );
    const { points } = SignalSeriesResponseSchema.parse(res.json);
    expect(points).toHaveLength(20);
    expect(points.every((p) => p.source === 'reddit')).toBe(true);
    expect(points.slice(0, -1).every((p) => p.volume === 22 && p.positive === 22 && p.negative === 0)).toBe(true);
    const swing = points.at(-1);
    expect(swing).toMatchObject({ day: lastDay, volume: 70, mentioned: 70, negative: 70 });
    expect(swing?.sentiment.n).toBe(70);
    expect(swing?.sentiment.mean).toBeCloseTo(-0.6, 1);
    expect(swing?.languages).toEqual({ en: 56, de: 14 });

    // A replay of already-counted events (e.g. from a checkpoint) changes nothing.
    await publisher.publish([...series.slice(100, 300), sentinel(2)]);
    await until('the replay sentinel', async () => (await allVolume(A)) === series.length + 2);
    const again = await call(
      stack.apiUrl,
      'GET',
      `/brands/${A.brandId}/signals/series?from=${firstDay}&to=${lastDay}&source=reddit`,
      { token: A.token },
    );
    expect(SignalSeriesResponseSchema.parse(again.json).points).toEqual(points);
  });

  it('raises the planted swings as alerts with evidence, once each, and lets a member acknowledge them', async () => {
    let alerts = SignalAlertsPageSchema.parse(
      (await call(stack.apiUrl, 'GET', `/signals/alerts?brandId=${A.brandId}`, { token: A.token })).json,
    );
    const keys = alerts.items.map((a) => `${a.day}|${a.source}|${a.metric}|${a.direction}`).sort();
    expect(keys).toEqual([
      `${lastDay}|all|sentiment|down`,
      `${lastDay}|all|volume|up`,
      `${lastDay}|reddit|sentiment|down`,
      `${lastDay}|reddit|volume|up`,
    ]);
    const sentiment = alerts.items.find((a) => a.metric === 'sentiment' && a.source === 'reddit');
    expect(sentiment?.evidence.observed.n).toBe(70);
    expect(sentiment?.evidence.baseline.days).toBe(19);
    expect(sentiment?.evidence.baseline.value).toBeCloseTo(0.3, 1);
    expect(sentiment?.evidence.topNegativePosts).toHaveLength(5);
    const scores = sentiment?.evidence.topNegativePosts.map((p) => p.sentiment.score) ?? [];
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(sentiment?.evidence.topNegativePosts[0]?.excerpt).toContain('refund');
    const top = await call(
      stack.apiUrl,
      'GET',
      `/brands/${A.brandId}/signals/top-posts?day=${lastDay}&source=reddit&limit=3`,
      {
        token: A.token,
      },
    );
    expect(top.status).toBe(200);
    // Fixture reach is 100 + 10 × i: the largest three of the day's 70 posts.
    expect(top.json.items.map((p: { reach: number }) => p.reach)).toEqual([790, 780, 770]);
    const badTop = await call(
      stack.apiUrl,
      'GET',
      `/brands/${A.brandId}/signals/top-posts?day=${lastDay}&order=loudest`,
      {
        token: A.token,
      },
    );
    expect(badTop.status).toBe(400);
    expect(badTop.json.error.message).toContain('order');
    const volume = alerts.items.find((a) => a.metric === 'volume' && a.source === 'reddit');
    expect(volume?.evidence).toMatchObject({ observed: { value: 70 }, baseline: { value: 22 } });

    const id = sentiment?.id ?? '';
    const ack = await call(stack.apiUrl, 'POST', `/signals/alerts/${id}/acknowledge`, { token: A.token });
    expect(ack.status).toBe(200);
    const acked = SignalAlertSchema.parse(ack.json);
    expect(acked.status).toBe('acknowledged');
    const twice = await call(stack.apiUrl, 'POST', `/signals/alerts/${id}/acknowledge`, { token: A.token });
    expect(twice.json.acknowledgedAt).toBe(acked.acknowledgedAt);
    alerts = SignalAlertsPageSchema.parse(
      (await call(stack.apiUrl, 'GET', `/signals/alerts?status=acknowledged`, { token: A.token })).json,
    );
    expect(alerts.items.map((a) => a.id)).toEqual([id]);
    const missing = await call(stack.apiUrl, 'POST', '/signals/alerts/01KM0000000000000000000000/acknowledge', {
      token: A.token,
    });
    expect(missing.status).toBe(404);
  });
});

describe('GET /signals (feed)', () => {
  it('filters by source, sentiment, language and period and pages with a cursor', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path = `/signals?brandId=${A.brandId}&sentiment=negative&limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = SignalFeedPageSchema.parse((await call(stack.apiUrl, 'GET', path, { token: A.token })).json);
      for (const item of page.items) {
        expect(item.sentiment.class).toBe('negative');
        seen.add(item.id);
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.size).toBe(70);
    expect(pages).toBe(3);

    const german = SignalFeedPageSchema.parse(
      (await call(stack.apiUrl, 'GET', `/signals?language=de&limit=100`, { token: A.token })).json,
    );
    expect(german.items.length).toBeGreaterThan(0);
    expect(german.items.every((i) => i.language === 'de')).toBe(true);

    const oneDay = SignalFeedPageSchema.parse(
      (
        await call(stack.apiUrl, 'GET', `/signals?from=${lastDay}&to=${lastDay}&limit=100&source=reddit`, {
          token: A.token,
        })
      ).json,
    );
    expect(oneDay.items).toHaveLength(70);
    expect(oneDay.items.every((i) => i.publishedAt.startsWith(lastDay))).toBe(true);
    const times = oneDay.items.map((i) => i.publishedAt);
    expect(times).toEqual([...times].sort().reverse());

    // A cursor of one query reused with another period is refused as a bad cursor (not a server error).
    const first = await call(stack.apiUrl, 'GET', `/signals?from=${lastDay}&to=${lastDay}&limit=5`, { token: A.token });
    const reused = await call(
      stack.apiUrl,
      'GET',
      `/signals?from=${firstDay}&to=${firstDay}&cursor=${encodeURIComponent(first.json.nextCursor)}`,
      { token: A.token },
    );
    expect(reused.status).toBe(400);
    expect(reused.json.error.code).toBe('invalid_cursor');

    const none = await call(stack.apiUrl, 'GET', '/signals?source=x', { token: A.token });
    expect(none.json).toEqual({ items: [], nextCursor: null });
  });

  it('answers 400 naming the invalid filter, and stores nothing', async () => {
    const cases: [string, string][] = [
      ['sentiment=angry', 'sentiment'],
      ['source=myspace', 'source'],
      ['language=english', 'language'],
      ['limit=101', 'limit'],
      ['from=2026-02-30', 'from'],
      ['from=2026-03-01&to=2026-02-01', 'from'],
      ['brandId=nope', 'brandId'],
      ['mood=happy', 'mood'],
      ['cursor=not-a-cursor', 'cursor'],
    ];
    for (const [query, name] of cases) {
      const res = await call(stack.apiUrl, 'GET', `/signals?${query}`, { token: A.token });
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(res.json.error), query).toContain(name);
    }
    for (const query of ['from=2026-02-01&to=2026-01-01', 'from=2024-01-01&to=2026-01-01', 'to=2026-01-01']) {
      const res = await call(stack.apiUrl, 'GET', `/brands/${A.brandId}/signals/series?${query}`, { token: A.token });
      expect(res.status, query).toBe(400);
    }
    const alerts = await call(stack.apiUrl, 'GET', '/signals/alerts?status=closed', { token: A.token });
    expect(alerts.status).toBe(400);
    expect(alerts.json.error.message).toContain('status');
  });
});

describe('tenant isolation', () => {
  it("never shows or changes another workspace's signals and alerts", async () => {
    const feed = await call(stack.apiUrl, 'GET', `/signals?brandId=${A.brandId}`, { token: B.token });
    expect(feed.json).toEqual({ items: [], nextCursor: null });
    const series = await call(
      stack.apiUrl,
      'GET',
      `/brands/${A.brandId}/signals/series?from=${firstDay}&to=${lastDay}`,
      {
        token: B.token,
      },
    );
    expect(series.status).toBe(404);
    const alerts = await call(stack.apiUrl, 'GET', '/signals/alerts', { token: B.token });
    expect(alerts.json.items).toEqual([]);

    const ofA = SignalAlertsPageSchema.parse(
      (await call(stack.apiUrl, 'GET', '/signals/alerts', { token: A.token })).json,
    );
    const open = ofA.items.find((a) => a.status === 'open');
    expect(open).toBeDefined();
    const ack = await call(stack.apiUrl, 'POST', `/signals/alerts/${open?.id}/acknowledge`, { token: B.token });
    expect(ack.status).toBe(404);
    const still = SignalAlertsPageSchema.parse(
      (await call(stack.apiUrl, 'GET', '/signals/alerts', { token: A.token })).json,
    );
    expect(still.items.find((a) => a.id === open?.id)?.status).toBe('open');

    // A cursor of A's feed is refused in B's workspace (it names another partition).
    const page = await call(stack.apiUrl, 'GET', `/signals?limit=1`, { token: A.token });
    const stolen = await call(stack.apiUrl, 'GET', `/signals?cursor=${encodeURIComponent(page.json.nextCursor)}`, {
      token: B.token,
    });
    expect(stolen.status).toBe(400);
  });
});
