import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createEngineTrigger } from '../../../functions/handlers/actions/engine-trigger.ts';
import type { Action } from '../../../shared/contracts/actions.ts';
import type { Brand } from '../../../shared/contracts/brands.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import { type MetricAlertData, metricAlertEvent } from '../../../shared/events/metric-alert.ts';
import type { ActionBusEvent } from '../../../shared/ports/actions.ts';
import { DEFAULT_ACTION_SETTINGS, type EngineRunDeps } from '../../../shared/use-cases/actions.ts';

const TENANT = 'ws_01aaaaaaaaaaaaaaaaaaaaaaaa' as TenantId;
const BRAND_ID = 'brd_01bbbbbbbbbbbbbbbbbbbbbbbb';

const brand: Brand = {
  id: BRAND_ID,
  name: 'Acme Analytics',
  category: 'Product analytics',
  aliases: [],
  ownedDomains: ['acme.example'],
  markets: ['en-US'],
  competitors: [],
  topics: [],
  promptSetVersion: 0,
  version: 1,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

function deps() {
  const stored: Action[] = [];
  const published: ActionBusEvent[] = [];
  const d: EngineRunDeps = {
    actions: {
      listForBrand: async () => stored,
      listAll: async () => stored,
      get: async (_t, id) => stored.find((a) => a.id === id) ?? null,
      create: async (_t, a) => void stored.push(a),
      update: async () => {},
      listSync: async () => [],
      putSync: async () => {},
    },
    bus: { publish: async (events) => void published.push(...events) },
    workspaces: {} as EngineRunDeps['workspaces'],
    rollups: { readCells: async () => [] } as unknown as EngineRunDeps['rollups'],
    brands: {
      getBrand: async () => brand,
      getPromptSetVersion: async () => null,
    } as unknown as EngineRunDeps['brands'],
    runs: { listRuns: async () => ({ items: [], nextCursor: null }) } as unknown as EngineRunDeps['runs'],
    clock: { now: () => new Date('2026-11-25T12:00:00.000Z') },
    ids: { next: () => '01CCCCCCCCCCCCCCCCCCCCCCCC' },
    settings: DEFAULT_ACTION_SETTINGS,
  };
  return { d, stored, published };
}

const alert = (over: Partial<MetricAlertData> = {}): MetricAlertData => ({
  tenantId: TENANT,
  brandId: BRAND_ID,
  alertId: 'alr_sentiment_reddit_2026-11-24',
  scope: 'signals',
  metric: 'sentiment',
  source: 'reddit',
  day: '2026-11-24',
  direction: 'down',
  severity: 'critical',
  observed: { value: -0.45, n: 60 },
  baseline: { days: 28, value: 0.12, spread: 0.08, n: 900 },
  change: { absolute: -0.57, relative: null, z: -7.1 },
  thresholds: { z: 3 },
  collection: { observed: 60, baseline: 55 },
  topNegativePosts: [
    {
      signalId: 'sig_1',
      url: 'https://reddit.example/r/analytics/1',
      excerpt: 'Acme Analytics lost a week of our events',
      sentiment: -0.9,
      reach: 340,
      publishedAt: '2026-11-24T08:00:00.000Z',
    },
  ],
  detectedAt: '2026-11-24T09:00:00.000Z',
  ...over,
});

const kinesisBatch = (...payloads: unknown[]): KinesisStreamEvent => ({
  Records: payloads.map((p, i) => ({
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shard:${i}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'k',
      sequenceNumber: String(i),
      approximateArrivalTimestamp: 0,
      data: Buffer.from(JSON.stringify(p)).toString('base64'),
    },
  })),
});

describe('engine trigger on the stream: social swings (promptpulse.metric.alert)', () => {
  it('a significant drop in social sentiment raises a negative-sentiment action quoting the posts', async () => {
    const { d, stored, published } = deps();
    const trigger = createEngineTrigger({ ...d, isCounted: async () => true });
    const result = await trigger(kinesisBatch(metricAlertEvent(alert())));
    expect(result.batchItemFailures).toEqual([]);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: 'negative_sentiment', urgency: 'high' });
    expect(stored[0]?.evidence.posts[0]).toMatchObject({
      url: 'https://reddit.example/r/analytics/1',
      sentiment: -0.9,
    });
    expect(published.map((e) => e.type)).toEqual(['promptpulse.action.created']);
  });

  it('ignores rises, volume alerts, too few posts and events that are not alerts or runs', async () => {
    const { d, stored } = deps();
    const trigger = createEngineTrigger({ ...d, isCounted: async () => true });
    await trigger(
      kinesisBatch(
        metricAlertEvent(alert({ direction: 'up', alertId: 'a1' })),
        metricAlertEvent(alert({ metric: 'volume', alertId: 'a2' })),
        metricAlertEvent(alert({ observed: { value: -0.5, n: 4 }, alertId: 'a3' })),
        { not: 'an event' },
      ),
    );
    expect(stored).toEqual([]);
  });
});
