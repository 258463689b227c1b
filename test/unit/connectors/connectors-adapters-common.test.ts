import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText, htmlToText, toIso } from '../../../functions/adapters/connectors/common.ts';
import { advanceWalk, readWalkCursor } from '../../../functions/adapters/connectors/walk-cursor.ts';
import {
  signWebhook,
  verifyWebhookSignature,
  webhookSignature,
} from '../../../functions/adapters/connectors/webhook-signature.ts';
import type { SkipCounts } from '../../../shared/contracts/connectors.ts';
import type { NormalizedItem } from '../../../shared/ports/signal-connector.ts';

const item = (id: string, publishedAt: string): NormalizedItem => ({
  source: 'x',
  externalId: id,
  kind: 'post',
  parentExternalId: null,
  url: null,
  channel: null,
  author: null,
  title: null,
  text: `post ${id}`,
  language: null,
  publishedAt,
  reach: { followers: null, impressions: null },
  engagement: { score: null, likes: null, comments: null, shares: null },
});

describe('webhook signatures', () => {
  const secrets = [
    { id: 'whs_old', value: 'old-secret', createdAt: '2026-01-01T00:00:00Z' },
    { id: 'whs_new', value: 'new-secret', createdAt: '2026-02-01T00:00:00Z' },
  ];
  const now = 1_790_000_000;
  const check = (headers: Record<string, string>, body: string, nowSeconds = now) =>
    verifyWebhookSignature({
      secrets,
      scheme: 'promptpulse',
      header: (name) => headers[name],
      body,
      nowSeconds,
      toleranceSeconds: 300,
    });

  it('accepts either valid secret, refuses tampering, other secrets, stale and malformed headers', () => {
    const body = '{"items":[]}';
    expect(check(signWebhook('old-secret', body, now), body)).toBe('valid');
    expect(check(signWebhook('new-secret', body, now), body)).toBe('valid');
    expect(check(signWebhook('new-secret', body, now), `${body} `)).toBe('invalid');
    expect(check(signWebhook('other', body, now), body)).toBe('invalid');
    expect(check(signWebhook('new-secret', body, now - 301), body)).toBe('stale');
    expect(check(signWebhook('new-secret', body, now + 301), body)).toBe('stale');
    expect(check(signWebhook('new-secret', body, now - 299), body)).toBe('valid');
    expect(check({ 'x-promptpulse-timestamp': String(now) }, body)).toBe('malformed');
    expect(check({ 'x-promptpulse-timestamp': 'soon', 'x-promptpulse-signature': 'v1=00' }, body)).toBe('malformed');
    const sig = webhookSignature('new-secret', String(now), body);
    const several = {
      'x-promptpulse-timestamp': String(now),
      'x-promptpulse-signature': `v1=${'0'.repeat(64)}, v1=${sig}`,
    };
    expect(check(several, body)).toBe('valid');
  });

  it('the signature covers timestamp and body: any other pair fails (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: -300, max: 300 }), (body, other, skew) => {
        fc.pre(body !== other);
        const headers = signWebhook('new-secret', body, now + skew);
        return check(headers, body) === 'valid' && check(headers, other) === 'invalid';
      }),
    );
  });
});

describe('checkpoint walk', () => {
  it('keeps new items, stops at the checkpoint, and advances it only when the walk completes', () => {
    const skipped: SkipCounts = {};
    const page1 = [item('5', '2026-01-05T00:00:00.000Z'), item('4', '2026-01-04T00:00:00.000Z')];
    const first = advanceWalk(readWalkCursor(null), { items: page1, nextToken: 'p2' }, skipped);
    expect(first.items.map((i) => i.externalId)).toEqual(['5', '4']);
    expect(first.caughtUp).toBe(false);
    expect(readWalkCursor(first.nextCursor).high).toBeNull();
    const page2 = [item('3', '2026-01-03T00:00:00.000Z'), item('3', '2026-01-03T00:00:00.000Z')];
    const second = advanceWalk(readWalkCursor(first.nextCursor), { items: page2, nextToken: null }, skipped);
    expect(second.items.map((i) => i.externalId)).toEqual(['3']);
    expect(skipped.duplicate).toBe(1);
    expect(second.caughtUp).toBe(true);
    expect(readWalkCursor(second.nextCursor).high).toBe('2026-01-05T00:00:00.000Z');
    // Next walk: one new item, then already-seen ones end it.
    const page3 = [item('6', '2026-01-06T00:00:00.000Z'), item('5', '2026-01-05T00:00:00.000Z')];
    const third = advanceWalk(readWalkCursor(second.nextCursor), { items: page3, nextToken: 'more' }, {});
    expect(third.items.map((i) => i.externalId)).toEqual(['6']);
    expect(third.caughtUp).toBe(true);
    expect(readWalkCursor(third.nextCursor).high).toBe('2026-01-06T00:00:00.000Z');
  });

  it('an unreadable cursor restarts from the newest page instead of failing', () => {
    expect(readWalkCursor('{not json')).toEqual({ high: null, walk: null, recent: [] });
  });
});

describe('text and dates', () => {
  it('turns HTML into text with entities decoded', () => {
    expect(htmlToText('<p>Acme &amp; Co &mdash; &#8220;great&#8221;</p><script>x()</script><br>next&nbsp;line')).toBe(
      'Acme & Co — “great”\n\nnext line',
    );
    expect(decodeText('a &lt;3 &amp;amp;')).toBe('a <3 &amp;');
  });

  it('reads ISO dates, RFC 822 dates, Graph +0000 offsets and epoch seconds; refuses nonsense', () => {
    expect(toIso('2026-01-02T03:04:05+0000')).toBe('2026-01-02T03:04:05.000Z');
    expect(toIso('Fri, 02 Jan 2026 03:04:05 GMT')).toBe('2026-01-02T03:04:05.000Z');
    expect(toIso(1_767_323_045)).toBe('2026-01-02T03:04:05.000Z');
    expect(toIso('yesterday')).toBeNull();
    expect(toIso('')).toBeNull();
    expect(toIso(-1)).toBeNull();
  });
});
