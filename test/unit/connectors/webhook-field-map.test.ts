import { describe, expect, it } from 'vitest';
import { type WebhookFieldMap, WebhookFieldMapSchema } from '../../../shared/contracts/connectors.ts';
import { applyWebhookFieldMap, valueAt } from '../../../shared/domain/webhook-field-map.ts';

/** A listening tool's alert as it posts it: its own envelope, numeric ids, nested author, Unix dates. */
const alert = {
  alert_id: 42,
  mentions: [
    {
      id: 9001,
      title: 'Acme Analytics outage',
      description: 'Acme Analytics dashboards were down for an hour this morning.',
      published_at: '2026-12-01T10:00:00+00:00',
      original_url: 'https://forum.example.com/t/9001',
      source: { name: 'forum.example.com', type: 'forum' },
      author: { name: 'dana', followers: '1200' },
      language_code: 'en',
      stats: { likes: 3, replies: 1 },
    },
    {
      id: '9002',
      description: 'Switched to Acme Analytics, no regrets.',
      published_at: 1_796_100_000,
      source: { name: 'x.com', type: 'comment' },
      author: { name: 'lee' },
    },
    { description: 'no id here', published_at: '2026-12-01T11:00:00Z' },
    { id: 9004, description: 'a date nobody can read', published_at: 'yesterday' },
    { id: 9005, published_at: '2026-12-01T12:00:00Z' },
    { id: 9006, description: 'a link that is not http', published_at: '2026-12-01T12:00:00Z', original_url: 'ftp://x' },
    { id: 9007, description: 'a date without a zone', published_at: '2026-12-01T12:00:00' },
  ],
};

const map: WebhookFieldMap = WebhookFieldMapSchema.parse({
  items: 'mentions',
  fields: {
    id: 'id',
    text: 'description',
    title: 'title',
    publishedAt: 'published_at',
    url: 'original_url',
    channel: 'source.name',
    kind: 'source.type',
    author: 'author.name',
    followers: 'author.followers',
    language: 'language_code',
    likes: 'stats.likes',
    comments: 'stats.replies',
  },
});

describe('webhook field map', () => {
  it("reads a tool's own JSON into items, converting ids, Unix dates, counts and kinds", () => {
    const mapped = applyWebhookFieldMap(alert, map);
    expect(mapped.total).toBe(7);
    expect(mapped.items).toHaveLength(2);
    expect(mapped.items[0]).toEqual({
      id: '9001',
      kind: 'post',
      parentId: null,
      url: 'https://forum.example.com/t/9001',
      channel: 'forum.example.com',
      author: 'dana',
      title: 'Acme Analytics outage',
      text: 'Acme Analytics dashboards were down for an hour this morning.',
      language: 'en',
      publishedAt: '2026-12-01T10:00:00.000Z',
      reach: { followers: 1200, impressions: null },
      engagement: { score: null, likes: 3, comments: 1, shares: null },
    });
    expect(mapped.items[1]).toMatchObject({
      id: '9002',
      kind: 'comment',
      publishedAt: new Date(1_796_100_000 * 1000).toISOString(),
      url: null,
      title: null,
    });
  });

  it('skips what it cannot read with the reason and the field, keeping the rest', () => {
    const mapped = applyWebhookFieldMap(alert, map);
    expect(mapped.skipped).toEqual({ missing_id: 1, invalid_date: 2, empty_text: 1, malformed: 1 });
    expect(mapped.problems).toEqual([
      { index: 2, field: 'id', message: 'No id at "id"' },
      { index: 3, field: 'publishedAt', message: '"yesterday" is not a date' },
      { index: 4, field: 'text', message: 'No text at "description"' },
      { index: 5, field: 'url', message: expect.any(String) },
      { index: 6, field: 'publishedAt', message: '"2026-12-01T12:00:00" is not a date' },
    ]);
  });

  it('a body that is one item, milliseconds, and a path that finds nothing', () => {
    const one = { id: 1, text: 'Acme Analytics', at: 1_796_100_000_123 };
    const single = applyWebhookFieldMap(one, { items: '', fields: { id: 'id', text: 'text', publishedAt: 'at' } });
    expect(single.items.map((i) => i.publishedAt)).toEqual([new Date(1_796_100_000_123).toISOString()]);
    const none = applyWebhookFieldMap(alert, { ...map, items: 'results' });
    expect(none.items).toEqual([]);
    expect(none.problems).toEqual([{ index: -1, field: 'items', message: 'No items at "results"' }]);
  });

  it('reads at most the limit of items a request; the rest are counted', () => {
    const many = Array.from({ length: 105 }, (_, i) => ({ id: i, text: 'Acme', at: '2026-12-01T10:00:00Z' }));
    const mapped = applyWebhookFieldMap(many, { items: '', fields: { id: 'id', text: 'text', publishedAt: 'at' } });
    expect(mapped.items).toHaveLength(100);
    expect(mapped.skipped).toEqual({ malformed: 5 });
  });

  it('paths walk objects and array indexes only (no prototype keys)', () => {
    expect(valueAt({ a: [{ b: 'x' }] }, 'a.0.b')).toBe('x');
    expect(valueAt({ a: [{ b: 'x' }] }, 'a.b')).toBeUndefined();
    expect(valueAt({}, 'constructor')).toBeUndefined();
    expect(WebhookFieldMapSchema.safeParse({ fields: { id: 'a..b', text: 't', publishedAt: 'p' } }).success).toBe(
      false,
    );
  });
});
