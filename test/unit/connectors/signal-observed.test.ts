import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../../shared/analysis/index.ts';
import type { TrackedEntity } from '../../../shared/analysis/types.ts';
import { type ObservedItem, signalAnalysisText, signalObservedEvent } from '../../../shared/events/builders.ts';
import { canonicalEventSchema, parseCanonicalEvent } from '../../../shared/events/schemas.ts';

const TENANT = 'ws_01j9xxxxxxxxxxxxxxxxxxxxxx';
const entities: TrackedEntity[] = [
  { id: 'b_acme', name: 'Acme Analytics', kind: 'brand', aliases: [{ value: 'Acme' }], ownedDomains: ['acme.example'] },
  { id: 'c_globex', name: 'Globex Insights', kind: 'competitor', aliases: [{ value: 'Globex' }], ownedDomains: [] },
];
const analyzer = createAnalyzer(entities);

const item: ObservedItem = {
  source: 'reddit',
  externalId: 't3_abc123',
  kind: 'post',
  parentExternalId: null,
  url: 'https://www.reddit.com/r/analytics/comments/abc123/x/',
  channel: 'r/analytics',
  author: 'dataperson',
  title: 'Switched from Acme to Globex',
  text: 'Acme dashboards kept breaking and support was terrible. Globex is great so far. See https://acme.example/status',
  language: 'en',
  publishedAt: '2026-11-20T10:00:00.000Z',
  reach: { followers: null, impressions: null },
  engagement: { score: 42, likes: null, comments: 7, shares: null },
};

function build(overrides: Partial<{ tenantId: string; connectorId: string; item: ObservedItem }> = {}) {
  const it = overrides.item ?? item;
  return signalObservedEvent({
    tenantId: overrides.tenantId ?? TENANT,
    brandId: 'b_acme',
    connectorId: overrides.connectorId ?? 'con_1',
    item: it,
    analysis: analyzer.analyze({ text: signalAnalysisText(it), kind: 'social' }),
    observedAt: '2026-11-20T10:05:00.000Z',
  });
}

describe('promptpulse.signal.observed', () => {
  it('builds a valid canonical event with target sentiment, overall sentiment and citations', () => {
    const event = build();
    expect(canonicalEventSchema.parse(event)).toEqual(event);
    const parsed = parseCanonicalEvent(JSON.stringify(event));
    expect(parsed.ok).toBe(true);
    const acme = event.data.entities.find((e) => e.entityId === 'b_acme');
    const globex = event.data.entities.find((e) => e.entityId === 'c_globex');
    expect(acme?.mentioned).toBe(true);
    expect(acme?.sentiment).toBeLessThan(0);
    expect(globex?.sentiment).toBeGreaterThan(0);
    expect(event.data.citations.map((c) => c.class)).toContain('owned');
    expect(['negative', 'mixed', 'positive', 'neutral']).toContain(event.data.sentiment.label);
    expect(event.time).toBe(item.publishedAt);
  });

  it('has one id per tenant + connector + externalId (a re-poll republishes the same id)', () => {
    const a = build();
    expect(build().id).toBe(a.id);
    expect(build({ item: { ...item, engagement: { ...item.engagement, score: 99 } } }).id).toBe(a.id);
    expect(build({ connectorId: 'con_2' }).id).not.toBe(a.id);
    expect(build({ item: { ...item, externalId: 't3_other' } }).id).not.toBe(a.id);
    expect(build({ tenantId: 'ws_01j9yyyyyyyyyyyyyyyyyyyyyy' }).id).not.toBe(a.id);
  });

  it('rejects an unknown source and a tenant mismatch with a reason', () => {
    const event = build();
    const bad = parseCanonicalEvent(JSON.stringify({ ...event, data: { ...event.data, source: 'myspace' } }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/invalid promptpulse.signal.observed/);
    const mismatch = parseCanonicalEvent(JSON.stringify({ ...event, tenantid: 'ws_01j9yyyyyyyyyyyyyyyyyyyyyy' }));
    expect(mismatch.ok).toBe(false);
  });
});
