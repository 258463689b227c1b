import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry, guardedHttp } from '../../../functions/adapters/connectors/index.ts';
import { buildDemoCorpus, PLANTED_SWINGS } from '../../../local/connector-replay/corpus.ts';
import { MERCADO_CAPTION } from '../../../local/connector-replay/feeds.ts';
import {
  type ConnectorReplay,
  REPLAY_CREDENTIALS,
  startConnectorReplay,
} from '../../../local/connector-replay/server.ts';
import type { ConnectorConfig, SkipCounts } from '../../../shared/contracts/connectors.ts';
import {
  type ConnectorCredentials,
  ConnectorError,
  type NormalizedItem,
  type SignalConnector,
} from '../../../shared/ports/signal-connector.ts';

/**
 * Each adapter against the local replay server over real HTTP (loopback, through the outbound URL guard): pagination
 * to the end, checkpoint resume and dedupe, rate-limit headers, malformed/deleted items counted by reason, and the
 * failure kinds the workflow acts on (401 → credentials, outage → unavailable).
 */

const START = Date.now();
let clock = START;
let replay: ConnectorReplay;
const corpus = buildDemoCorpus(START);

const credentials: ConnectorCredentials = {
  reddit: { ...REPLAY_CREDENTIALS.reddit, userAgent: 'promptpulse-tests' },
  x: { ...REPLAY_CREDENTIALS.x },
  meta: { ...REPLAY_CREDENTIALS.meta },
};

function registry(overrides: Partial<ConnectorCredentials> = {}) {
  return createConnectorRegistry({
    http: guardedHttp({ allowLoopback: true }),
    credentials: async () => ({ ...credentials, ...overrides }),
    endpoints: {
      redditAuth: replay.endpoints.redditAuth,
      redditApi: replay.endpoints.redditApi,
      redditWeb: 'https://www.reddit.com',
      xApi: replay.endpoints.xApi,
      metaGraph: replay.endpoints.metaGraph,
    },
    now: () => clock,
  });
}

/** The whole replay corpus: these tests page through all of it (a user's first-poll window is at most 30 days). */
const ALL_HISTORY = 24 * 100;

/** Polls until caught up; returns everything with the page count. */
async function drain(connector: SignalConnector, config: ConnectorConfig, cursor: string | null = null) {
  const items: NormalizedItem[] = [];
  const skipped: SkipCounts = {};
  let pages = 0;
  let retryAfterMs: number | undefined;
  for (;;) {
    const page = await connector.poll({ config, cursor });
    pages++;
    items.push(...page.items);
    for (const [reason, n] of Object.entries(page.skipped)) {
      skipped[reason as keyof SkipCounts] = (skipped[reason as keyof SkipCounts] ?? 0) + (n ?? 0);
    }
    cursor = page.nextCursor;
    retryAfterMs = page.retryAfterMs ?? retryAfterMs;
    if (page.caughtUp || pages > 100) break;
  }
  return { items, skipped, pages, cursor, retryAfterMs };
}

const ids = (items: NormalizedItem[]) => items.map((i) => i.externalId);
const visible = <T extends { createdMs: number }>(list: T[]) => list.filter((x) => x.createdMs <= clock);

beforeAll(async () => {
  replay = await startConnectorReplay({ now: () => clock, corpus });
});
afterAll(async () => {
  await replay?.stop();
});

describe('Reddit adapter', () => {
  const config: ConnectorConfig = {
    source: 'reddit',
    mode: 'subreddit',
    subreddit: 'analytics',
    includeComments: false,
    maxCommentsPerPost: 20,
    backfillHours: ALL_HISTORY,
  };

  it('pages through a listing to the end, skipping deleted/removed/malformed posts with reasons', async () => {
    const reddit = registry()('reddit');
    const result = await drain(reddit, config);
    const listing = visible(corpus.reddit).filter((t) => t.subreddit === 'analytics');
    const broken = listing.filter(
      (t) =>
        t.data.selftext === '[deleted]' ||
        t.data.selftext === '[removed]' ||
        typeof t.data.name !== 'string' ||
        typeof t.data.created_utc !== 'number',
    );
    expect(listing.length).toBeGreaterThan(100); // more than one page of 100
    expect(result.pages).toBeGreaterThanOrEqual(2);
    expect(result.items.length).toBe(listing.length - broken.length);
    expect(new Set(ids(result.items)).size).toBe(result.items.length);
    const skippedTotal = Object.values(result.skipped).reduce((a, b) => a + (b ?? 0), 0);
    expect(skippedTotal).toBe(broken.length);
    expect(result.skipped.deleted ?? 0).toBeGreaterThan(0);
    expect(result.skipped.removed ?? 0).toBeGreaterThan(0);
    for (const item of result.items) {
      expect(item.externalId).toMatch(/^t3_/);
      expect(Date.parse(item.publishedAt)).toBeLessThanOrEqual(clock);
      expect(item.url).toMatch(/^https:\/\/www\.reddit\.com\/r\/analytics\/comments\//);
    }
    // Reddit tags no language: every post's is detected from its text, the corpus' foreign posts included.
    expect(result.items.every((i) => i.languageSource === 'detected' && i.language)).toBe(true);
    const markers: [RegExp, string][] = [
      [/ist super für/, 'de'],
      [/Probamos/, 'es'],
      [/Est-ce que/, 'fr'],
      [/ダッシュボード/, 'ja'],
    ];
    let foreign = 0;
    for (const item of result.items) {
      const expected = markers.find(([marker]) => marker.test(item.text))?.[1] ?? 'en';
      if (expected !== 'en') foreign++;
      expect([item.text, item.language]).toEqual([item.text, expected]);
    }
    expect(foreign).toBeGreaterThan(0);
  });

  it('resumes from its checkpoint: a rerun finds nothing, new posts are found once', async () => {
    const reddit = registry()('reddit');
    // The end of the day before yesterday, then the end of yesterday (UTC): the posts of a whole corpus day "arrive"
    // between the two polls, whatever the time of day the suite runs (a window ending at the wall clock could hold no
    // post of this subreddit).
    const endOfYesterday = Math.floor(START / 86_400_000) * 86_400_000 - 60_000;
    clock = endOfYesterday - 86_400_000;
    const first = await drain(reddit, config);
    const again = await drain(reddit, config, first.cursor);
    expect(again.items).toEqual([]);
    const before = visible(corpus.reddit).filter((t) => t.subreddit === 'analytics').length;
    clock = endOfYesterday;
    const after = visible(corpus.reddit).filter((t) => t.subreddit === 'analytics').length;
    const third = await drain(reddit, config, first.cursor);
    expect(after).toBeGreaterThan(before);
    expect(third.items.length).toBeGreaterThan(0);
    expect(third.items.length).toBeLessThanOrEqual(after - before);
    expect(ids(third.items).filter((id) => ids(first.items).includes(id))).toEqual([]);
    clock = START;
  });

  it('fetches comments of new posts in search mode', async () => {
    const reddit = registry()('reddit');
    const page = await reddit.poll({
      config: {
        source: 'reddit',
        mode: 'search',
        query: '"Acme Analytics"',
        includeComments: true,
        maxCommentsPerPost: 5,
        backfillHours: ALL_HISTORY,
      },
      cursor: null,
    });
    const comments = page.items.filter((i) => i.kind === 'comment');
    expect(comments.length).toBeGreaterThan(0);
    const postIds = new Set(page.items.filter((i) => i.kind === 'post').map((i) => i.externalId));
    for (const c of comments) expect(postIds.has(c.parentExternalId ?? '')).toBe(true);
  });

  it('honours X-Ratelimit-Remaining/Reset: a spent budget asks to wait; a 429 is a rate-limit failure', async () => {
    const reddit = registry()('reddit');
    replay.setFaults({ reddit: { remaining: 1, resetSeconds: 42 } });
    const page = await reddit.poll({ config, cursor: null });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.retryAfterMs).toBe(42_000);
    const error = await reddit.poll({ config, cursor: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('rate_limited');
    replay.setFaults({ reddit: null });
  });

  it('when the budget runs out while fetching comments, stops the page there and resumes from that post later', async () => {
    const search: ConnectorConfig = {
      source: 'reddit',
      mode: 'search',
      query: '"Acme Analytics"',
      includeComments: true,
      maxCommentsPerPost: 5,
      backfillHours: ALL_HISTORY,
    };
    const reference = await drain(registry()('reddit'), search);
    const reddit = registry()('reddit');
    // 4 requests left: the listing and three posts' comments, then the budget is spent.
    replay.setFaults({ reddit: { remaining: 4, resetSeconds: 10 } });
    const first = await reddit.poll({ config: search, cursor: null });
    replay.setFaults({ reddit: null });
    expect(first.retryAfterMs).toBe(10_000);
    expect(first.caughtUp).toBe(false);
    expect(first.items.filter((i) => i.kind === 'post')).toHaveLength(3);
    const rest = await drain(reddit, search, first.nextCursor);
    const all = [...first.items, ...rest.items];
    expect(new Set(ids(all)).size).toBe(all.length);
    expect(ids(all).sort()).toEqual(ids(reference.items).sort());
  });

  it('turns refused credentials into a credentials failure and an outage into unavailable', async () => {
    const wrong = registry({ reddit: { clientId: 'nope', clientSecret: 'nope', userAgent: 'x' } })('reddit');
    const refused = await wrong.poll({ config, cursor: null }).catch((e: unknown) => e);
    expect((refused as ConnectorError).kind).toBe('credentials');
    expect((refused as ConnectorError).name).toBe('ConnectorCredentialsError');

    const reddit = registry()('reddit');
    await reddit.poll({ config, cursor: null });
    replay.setFaults({ reddit: { unauthorized: true } });
    const revoked = await reddit.poll({ config, cursor: null }).catch((e: unknown) => e);
    expect((revoked as ConnectorError).kind).toBe('credentials');
    replay.setFaults({ reddit: { outage: true } });
    const down = await reddit.poll({ config, cursor: null }).catch((e: unknown) => e);
    expect((down as ConnectorError).kind).toBe('unavailable');
    expect((down as ConnectorError).name).toBe('ConnectorUnavailableError');
    replay.setFaults({ reddit: null });

    const missing = await reddit
      .poll({ config: { ...config, subreddit: 'nosuchsubreddit' }, cursor: null })
      .catch((e: unknown) => e);
    expect((missing as ConnectorError).kind).toBe('config');
  });
});

describe('X adapter', () => {
  const config: ConnectorConfig = { source: 'x', query: '"Acme Analytics"', backfillHours: 168 };

  it('pages with next_token, decodes HTML entities, keeps languages, drops the in-page duplicate and bad dates', async () => {
    const x = registry()('x');
    const result = await drain(x, config);
    // Recent search reaches back 7 days, and so does the replay.
    const tweets = visible(corpus.tweets).filter(
      (t) =>
        String(t.raw.text).toLowerCase().includes('acme analytics') && t.createdMs >= clock - 7 * 86_400_000 + 60_000,
    );
    const badDates = tweets.filter((t) => t.raw.created_at === 'not-a-date').length;
    // A week of the corpus fits in one page of 100; next_token paging is exercised by the simulated week (connectors-realism).
    expect(result.pages).toBeGreaterThanOrEqual(1);
    expect(result.items.length).toBe(tweets.length - badDates);
    expect(result.skipped.invalid_date).toBe(badDates);
    expect(result.skipped.duplicate).toBe(1);
    expect(new Set(ids(result.items)).size).toBe(result.items.length);
    const withEntity = result.items.find((i) => i.text.includes(' & '));
    expect(withEntity?.text).toMatch(/ & .* <3$/);
    expect(result.items.some((i) => i.text.includes('&amp;'))).toBe(false);
    expect(new Set(result.items.map((i) => i.language))).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    expect(result.items.some((i) => i.language && i.language !== 'en')).toBe(true);
    const again = await drain(x, config, result.cursor);
    expect(again.items).toEqual([]);
  });

  it('reads x-rate-limit-* headers and refuses a bad bearer token as credentials', async () => {
    replay.setFaults({ x: { remaining: 1, resetSeconds: 60 } });
    const page = await registry()('x').poll({ config, cursor: null });
    expect(page.retryAfterMs).toBeGreaterThan(20_000);
    const limited = await registry()('x')
      .poll({ config, cursor: null })
      .catch((e: unknown) => e);
    expect((limited as ConnectorError).kind).toBe('rate_limited');
    expect((limited as ConnectorError).retryAfterMs).toBeGreaterThan(20_000);
    replay.setFaults({ x: null });
    const refused = await registry({ x: { bearerToken: 'expired' } })('x')
      .poll({ config, cursor: null })
      .catch((e: unknown) => e);
    expect((refused as ConnectorError).kind).toBe('credentials');
  });
});

describe('Meta adapter', () => {
  const config: ConnectorConfig = {
    source: 'meta',
    pageId: 'acmeanalytics',
    includeComments: true,
    backfillHours: ALL_HISTORY,
  };

  it('pages Page posts with their comments, skipping captionless posts; an expired token (code 190) is credentials', async () => {
    const meta = registry()('meta');
    const result = await drain(meta, config);
    const posts = visible(corpus.pagePosts);
    const captionless = posts.filter((p) => !p.raw.message).length;
    const postsOut = result.items.filter((i) => i.kind === 'post');
    expect(result.pages).toBeGreaterThanOrEqual(2);
    expect(postsOut.length).toBe(posts.length - captionless);
    expect(result.skipped.empty_text).toBe(captionless);
    expect(result.items.filter((i) => i.kind === 'comment').length).toBeGreaterThan(0);
    expect(postsOut.every((p) => p.publishedAt.endsWith('Z'))).toBe(true);
    // The Graph API tags no language: posts and comments with words get a detected one.
    const worded = result.items.filter((i) => (i.text.match(/\p{L}/gu)?.length ?? 0) >= 20);
    expect(worded.length).toBeGreaterThan(0);
    expect(worded.every((i) => i.languageSource === 'detected' && i.language)).toBe(true);
    const again = await drain(meta, config, result.cursor);
    expect(again.items).toEqual([]);

    replay.setFaults({ meta: { unauthorized: true } });
    const expired = await meta.poll({ config, cursor: null }).catch((e: unknown) => e);
    replay.setFaults({ meta: { remaining: 0 } });
    const throttled = await meta.poll({ config, cursor: null }).catch((e: unknown) => e);
    replay.setFaults({ meta: null });
    expect((expired as ConnectorError).kind).toBe('credentials');
    expect((expired as ConnectorError).message).toMatch(/expired/i);
    expect((throttled as ConnectorError).kind).toBe('rate_limited');
  });
});

describe('RSS/Atom adapter', () => {
  it('reads an RSS feed and its archive pages, decodes entities, keeps items without ids or dates, then 304s', async () => {
    const rss = registry()('rss');
    const config: ConnectorConfig = { source: 'rss', feedUrl: `${replay.endpoints.feeds}/techwire.xml` };
    const result = await drain(rss, config);
    const articles = visible(corpus.news).filter((a) => a.feed === 'techwire');
    const noId = articles.filter((a) => !a.guid && !a.link).length;
    const badDate = articles.filter((a) => a.pubDate !== null && !Number.isFinite(Date.parse(a.pubDate))).length;
    expect(result.pages).toBeGreaterThanOrEqual(2);
    // Nothing is dropped: an item without guid or link is known by its content, one with an unreadable date is
    // dated by the fetch and flagged.
    expect(result.items.length).toBe(articles.length);
    expect(result.skipped).toEqual({});
    expect(result.items.filter((i) => i.externalId.startsWith('sha256:')).length).toBe(noId);
    expect(result.items.filter((i) => i.feed?.undated).length).toBe(badDate);
    expect(result.items[0]?.channel).toBe('TechWire & Analytics');
    expect(result.items.some((i) => i.text.includes('—') || (i.title ?? '').includes('’'))).toBe(true);
    expect(result.items.some((i) => /&(amp|mdash|#8217);/.test(`${i.title} ${i.text}`))).toBe(false);
    expect(result.items.every((i) => i.language === 'en' && i.kind === 'article')).toBe(true);

    const before = replay.stats().feeds;
    const again = await rss.poll({ config, cursor: result.cursor });
    expect(again.items).toEqual([]);
    expect(again.caughtUp).toBe(true);
    expect(replay.stats().feeds).toBe(before + 1);
  });

  it('reads Atom with xml:lang, and calls a non-feed page a configuration problem', async () => {
    const rss = registry()('rss');
    const atom = await drain(rss, { source: 'rss', feedUrl: `${replay.endpoints.feeds}/datadaily.atom` });
    expect(atom.items.length).toBe(visible(corpus.news).filter((a) => a.feed === 'datadaily').length);
    expect(atom.items.every((i) => i.language === 'en' && i.url?.startsWith('https://news.example.com/'))).toBe(true);
    const broken = await rss
      .poll({ config: { source: 'rss', feedUrl: `${replay.endpoints.feeds}/broken.xml` }, cursor: null })
      .catch((e: unknown) => e);
    expect((broken as ConnectorError).kind).toBe('config');
  });

  it('reads a windows-1252 feed labelled iso-8859-1 with Portuguese dates over real HTTP, nothing garbled', async () => {
    const rss = registry()('rss');
    const result = await drain(rss, { source: 'rss', feedUrl: `${replay.endpoints.feeds}/mercado.xml` });
    const articles = visible(corpus.news).filter((a) => a.feed === 'techwire');
    expect(result.items.length).toBe(articles.length);
    expect(result.items[0]?.channel).toBe('Mercado & Tecnologia — Notícias');
    for (const item of result.items) {
      expect(item.text).toContain(MERCADO_CAPTION);
      expect(`${item.title} ${item.text}`).not.toMatch(/\uFFFD|Ã./);
      expect(item.language).toBe('pt');
      expect(item.feed?.decoding).toMatchObject({
        encoding: 'windows-1252',
        encodingSource: 'http',
        declaredEncoding: 'iso-8859-1',
        undecodable: { invalid_sequence: 0, control_character: 0 },
      });
    }
    // "Seg, 24 Set 2018 10:00:00 -0300" is read to the second.
    const byId = new Map(articles.map((a) => [`mercado-${a.guid}`, a]));
    const dated = result.items.filter((i) => !i.feed?.undated);
    expect(dated.length).toBe(articles.filter((a) => a.pubDate && Number.isFinite(Date.parse(a.pubDate))).length);
    for (const item of dated) {
      const article = byId.get(item.externalId);
      if (article) expect(item.publishedAt).toBe(new Date(Math.floor(article.createdMs / 1000) * 1000).toISOString());
    }
  });

  it('obeys the outbound URL rules: loopback is refused unless the policy allows it', async () => {
    const strict = createConnectorRegistry({
      http: guardedHttp({ allowLoopback: false }),
      credentials: async () => credentials,
      endpoints: {
        redditAuth: '',
        redditApi: '',
        redditWeb: '',
        xApi: '',
        metaGraph: '',
      },
    })('rss');
    const refused = await strict
      .poll({ config: { source: 'rss', feedUrl: `${replay.endpoints.feeds}/techwire.xml` }, cursor: null })
      .catch((e: unknown) => e);
    expect((refused as ConnectorError).kind).toBe('config');
    const metadata = await strict
      .poll({ config: { source: 'rss', feedUrl: 'https://169.254.169.254/latest/meta-data/' }, cursor: null })
      .catch((e: unknown) => e);
    expect((metadata as ConnectorError).kind).toBe('config');
  });
});

describe('demo corpus', () => {
  it('has the planted swings the Signals detector is expected to find', () => {
    const day = (ms: number) => Math.floor((START - ms) / 86_400_000);
    const swing = PLANTED_SWINGS.redditNegative;
    const acmePosts = corpus.reddit.filter((t) => t.searchText.includes('Acme Analytics'));
    const inSwing = acmePosts.filter(
      (t) => day(t.createdMs) >= swing.toDaysAgo && day(t.createdMs) <= swing.fromDaysAgo,
    );
    const baseline = acmePosts.filter((t) => day(t.createdMs) > swing.fromDaysAgo + 2);
    const negative = (list: typeof acmePosts) =>
      list.filter((t) => /down again|frustrat|awful|terrible|unacceptable|data loss|disappointed/i.test(t.searchText))
        .length / list.length;
    expect(negative(inSwing)).toBeGreaterThan(0.5);
    expect(negative(baseline)).toBeLessThan(0.3);
    const spike = PLANTED_SWINGS.newsVolume;
    const perDay = (from: number, to: number) =>
      corpus.news.filter((a) => day(a.createdMs) >= from && day(a.createdMs) <= to && a.title.includes('Acme')).length /
      (to - from + 1);
    expect(perDay(spike.toDaysAgo, spike.fromDaysAgo)).toBeGreaterThanOrEqual(5 * perDay(20, 80));
  });
});
