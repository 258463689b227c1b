import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../functions/adapters/connectors/common.ts';
import { decodeFeed } from '../../../functions/adapters/connectors/feed-charset.ts';
import { RssConnector } from '../../../functions/adapters/connectors/rss.ts';
import type { RssConfig } from '../../../shared/contracts/connectors.ts';
import { ConnectorError, type ConnectorHttp, type NormalizedItem } from '../../../shared/ports/signal-connector.ts';
import type { FeedFixture } from '../../fixtures/feeds/generate.ts';

/**
 * The RSS/Atom/JSON Feed connector over the feed fixtures (test/fixtures/feeds, written by its generate.ts in many
 * encodings and dialects): no item dropped, nothing garbled, the codec, dates, links and languages as the manifest
 * says. The connector reads the raw bytes exactly as the HTTP client hands them over.
 */
const DIR = join(import.meta.dirname, '../../fixtures/feeds');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as FeedFixture[];
const FETCHED_AT = new Date('2026-01-15T12:00:00.000Z');
const FEED_URL = 'https://feeds.example.com/feed';

function serving(bytes: Uint8Array, contentType: string | null): ConnectorHttp {
  return {
    request: async () => ({
      status: 200,
      headers: contentType ? { 'content-type': contentType } : {},
      body: Buffer.from(bytes).toString('utf8'),
      bytes,
    }),
  };
}

async function read(bytes: Uint8Array, contentType: string | null) {
  const connector = new RssConnector(serving(bytes, contentType), () => FETCHED_AT);
  return connector.poll({ config: { source: 'rss', feedUrl: FEED_URL } as RssConfig, cursor: null });
}

const allText = (items: NormalizedItem[]) => items.map((i) => `${i.channel}\n${i.title ?? ''}\n${i.text}`).join('\n');
// What mis-decoding leaves behind: replacement characters, and UTF-8 read as a single-byte charset (Ã©, Å¡, â€™).
const GARBLED = /\uFFFD|Ã.|Å.|â€|Ä.|Ð./u;

describe('feed fixtures: nothing dropped or garbled', () => {
  it.each(manifest.map((f) => [f.file, f] as const))('%s', async (_, fixture) => {
    const page = await read(readFileSync(join(DIR, fixture.file)), fixture.contentType);
    expect(page.items.length, fixture.description).toBe(fixture.items);
    expect(page.skipped).toEqual({});
    const text = allText(page.items);
    for (const expected of fixture.contains) expect(text).toContain(expected);
    if (!fixture.undecodable) expect(text).not.toMatch(GARBLED);
    const decoding = page.items[0]?.feed?.decoding;
    expect(decoding?.encoding).toBe(fixture.encoding);
    expect(decoding?.undecodable).toEqual(fixture.undecodable ?? { invalid_sequence: 0, control_character: 0 });
    if (fixture.dates) {
      expect(page.items.map((i) => (i.feed?.undated ? null : i.publishedAt))).toEqual(fixture.dates);
    }
    expect(page.items.filter((i) => i.feed?.undated).length).toBe(fixture.undated ?? 0);
    if (fixture.links) expect(page.items.map((i) => i.url)).toEqual(fixture.links);
    if (fixture.languages) expect(page.items.map((i) => i.language)).toEqual(fixture.languages);
  });
});

describe('charset', () => {
  it('records where the codec came from: header, XML declaration, BOM, detection', async () => {
    const byName = async (file: string) => {
      const f = manifest.find((m) => m.file === file) as FeedFixture;
      return (await decodeFeed(readFileSync(join(DIR, f.file)), f.contentType ?? undefined)).decoding;
    };
    expect(await byName('rss20-pt-windows1252.xml')).toMatchObject({
      encoding: 'windows-1252',
      encodingSource: 'http',
      declaredEncoding: 'windows-1252',
    });
    expect(await byName('rss20-cs-iso88592.xml')).toMatchObject({ encoding: 'iso-8859-2', encodingSource: 'xml' });
    expect(await byName('atom-gbk-header-overrides.xml')).toMatchObject({ encoding: 'gbk', encodingSource: 'http' });
    expect(await byName('rss20-utf8-bom-broken-dates.xml')).toMatchObject({ encoding: 'utf-8', encodingSource: 'bom' });
    const undeclared = await byName('rss20-ru-koi8r-undeclared.xml');
    expect(undeclared).toMatchObject({ encoding: 'koi8-r', encodingSource: 'detected', declaredEncoding: null });
    expect(undeclared.confidence).toBeGreaterThan(0);
    expect(await byName('rss20-windows1252-labelled-utf8.xml')).toMatchObject({
      encoding: 'windows-1252',
      encodingSource: 'detected',
      declaredEncoding: 'utf-8',
    });
    expect(await byName('rss20-utf8-labelled-latin1.xml')).toMatchObject({ encoding: 'utf-8' });
  });

  it('falls back to detection for a label no codec knows, and says so', async () => {
    const body = Buffer.from(
      '<?xml version="1.0" encoding="x-unheard-of"?><rss><channel><title>Nestlé</title></channel></rss>',
      'latin1',
    );
    const { text, decoding } = await decodeFeed(body, undefined);
    expect(text).toContain('Nestlé');
    expect(decoding).toMatchObject({ encodingSource: 'detected', declaredEncoding: 'x-unheard-of' });
  });

  it('keeps a literal U+FFFD of valid UTF-8 out of the undecodable count', async () => {
    const { decoding } = await decodeFeed(Buffer.from('<rss>\uFFFD</rss>', 'utf8'), 'text/xml; charset=utf-8');
    expect(decoding.undecodable).toEqual({ invalid_sequence: 0, control_character: 0 });
  });
});

describe('dates', () => {
  it('keeps undated items with the feed date when there is one, flagged, and the raw unreadable date', async () => {
    const xml = `<rss version="0.92"><channel><title>T</title><lastBuildDate>Tue, 02 Jan 2024 10:00:00 GMT</lastBuildDate>
      <item><title>no date</title><link>https://x.example/1</link></item>
      <item><title>bad date</title><link>https://x.example/2</link><pubDate>sometime last week</pubDate></item>
    </channel></rss>`;
    const page = await read(Buffer.from(xml), 'application/rss+xml');
    expect(page.items.map((i) => [i.publishedAt, i.feed?.undated, i.feed?.dateSource, i.feed?.unreadableDate])).toEqual(
      [
        ['2024-01-02T10:00:00.000Z', true, 'feed', null],
        ['2024-01-02T10:00:00.000Z', true, 'feed', 'sometime last week'],
      ],
    );
  });

  it('uses the fetch time when neither the item nor the feed has a date', async () => {
    const page = await read(
      Buffer.from('<rss><channel><item><title>x</title><guid>1</guid></item></channel></rss>'),
      null,
    );
    expect(page.items[0]).toMatchObject({ publishedAt: FETCHED_AT.toISOString(), feed: { dateSource: 'fetched' } });
  });
});

describe('a document that is not a feed fails with the reason', () => {
  const failure = async (body: string, type: string | null) =>
    (await read(Buffer.from(body), type).catch((e: unknown) => e)) as ConnectorError;

  it.each([
    ['an HTML page', '<!DOCTYPE html><html><body>hi</body></html>', 'text/html', /HTML page/],
    [
      'XML of another kind',
      '<?xml version="1.0"?><sitemap><url/></sitemap>',
      'application/xml',
      /root element is <sitemap>/,
    ],
    ['JSON that is not a JSON Feed', '{"data":[]}', 'application/json', /not a JSON Feed/],
    ['broken JSON Feed', '{"version":', 'application/feed+json', /does not parse/],
    ['an empty body', '   ', 'application/rss+xml', /empty document/],
    ['an XML bomb', '<!DOCTYPE x [<!ENTITY a "aaaa">]><rss/>', 'application/xml', /XML entities/],
  ])('%s', async (_, body, type, reason) => {
    const error = await failure(body, type);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(reason);
  });
});

describe('HTML to text', () => {
  it('keeps text that only looks like a tag, quoted > in attributes, and drops comments and scripts', () => {
    expect(htmlToText('<p title="a > b">x</p><!-- hidden <b>y</b> --><script>z()</script>a < b and c > d')).toBe(
      'x\na < b and c > d',
    );
  });
});

describe('hostile bytes', () => {
  it('any bytes, or any fixture with bytes flipped, give items or a ConnectorError — never another throw', async () => {
    const fixtures = manifest.map((f) => [readFileSync(join(DIR, f.file)), f.contentType] as const);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(fixtures.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        async (which, flips, noise, useNoise) => {
          const [original, type] = fixtures[which] as (typeof fixtures)[number];
          const bytes = useNoise ? noise : Uint8Array.from(original);
          if (!useNoise) for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const outcome = await read(bytes, type).then(
            (page) => page,
            (error: unknown) => error as Error,
          );
          if (outcome instanceof Error) expect(outcome).toBeInstanceOf(ConnectorError);
          else for (const item of outcome.items) expect(typeof item.text).toBe('string');
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });
});
