import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry, guardedHttp } from '../../../functions/adapters/connectors/index.ts';
import { buildDemoCorpus, type DemoCorpus } from '../../../local/connector-replay/corpus.ts';
import {
  type ConnectorReplay,
  REPLAY_CREDENTIALS,
  startConnectorReplay,
} from '../../../local/connector-replay/server.ts';
import type { ConnectorConfig } from '../../../shared/contracts/connectors.ts';
import {
  type ConnectorCredentials,
  ConnectorError,
  type NormalizedItem,
  type SignalConnector,
} from '../../../shared/ports/signal-connector.ts';

/**
 * The adapters against a replay server as harsh as the platforms: X refuses queries with its own messages, reaches back
 * 7 days only, cuts long posts unless note_tweet is asked for and stops at the plan's monthly cap; a Meta Page token
 * reads its own Page only and the Page throttle (80001) names its wait in X-Business-Use-Case-Usage; Reddit refuses
 * private and quarantined subreddits, shows moderator-approved posts late and forgets removed ones. Real HTTP on
 * loopback through the outbound URL guard; a simulated clock.
 */

const START = Date.now();
let clock = START;
const corpus: DemoCorpus = buildDemoCorpus(START);
const APP_SECRET = 'replay-meta-app-secret';

// Posts the demo corpus does not have: a long post (note_tweet), a repost of it, an edited post (two versions with one
// history), and posts X tags `und`/`zxx`.
const LONG = `Acme Analytics long review: ${'the funnels are great and the retention charts are clear. '.repeat(8)}END`;
const tweetId = (ms: number, n: number) => String(BigInt(ms - 1_288_834_974_657) * 4_194_304n + BigInt(n));
const recentMs = START - 2 * 3600_000;
const extras = {
  long: tweetId(recentMs, 901),
  repost: tweetId(recentMs + 60_000, 902),
  editFirst: tweetId(recentMs + 120_000, 903),
  editSecond: tweetId(recentMs + 180_000, 904),
  und: tweetId(recentMs + 240_000, 905),
};
const user = { id: '777', username: 'longform', followers: 10 };
const tweet = (id: string, ms: number, fields: Record<string, unknown>) => ({
  raw: {
    id,
    created_at: new Date(ms).toISOString(),
    author_id: user.id,
    lang: 'en',
    edit_history_tweet_ids: [id],
    public_metrics: { like_count: 1, retweet_count: 0, reply_count: 0, quote_count: 0, impression_count: 5 },
    ...fields,
  },
  createdMs: ms,
  user,
});
corpus.tweets.push(
  tweet(extras.long, recentMs, { text: `${LONG.slice(0, 275)}…`, note_tweet: { text: LONG } }),
  tweet(extras.repost, recentMs + 60_000, {
    text: `RT @longform: ${LONG.slice(0, 120)}`,
    referenced_tweets: [{ type: 'retweeted', id: extras.long }],
  }),
  tweet(extras.editFirst, recentMs + 120_000, { text: 'Acme Analytics is fine' }),
  tweet(extras.editSecond, recentMs + 180_000, {
    text: 'Acme Analytics is fine, support answered in an hour',
    edit_history_tweet_ids: [extras.editFirst, extras.editSecond],
  }),
  tweet(extras.und, recentMs + 240_000, { text: 'Acme Analytics 👍👍', lang: 'und' }),
);
corpus.tweets.sort((a, b) => b.createdMs - a.createdMs);

let replay: ConnectorReplay;
const credentials: ConnectorCredentials = {
  reddit: { ...REPLAY_CREDENTIALS.reddit, userAgent: 'server:promptpulse-tests:1.0 (by /u/promptpulse)' },
  x: { ...REPLAY_CREDENTIALS.x },
  meta: { ...REPLAY_CREDENTIALS.meta, appSecret: APP_SECRET },
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

async function drain(connector: SignalConnector, config: ConnectorConfig, cursor: string | null = null) {
  const items: NormalizedItem[] = [];
  let pages = 0;
  for (;;) {
    const page = await connector.poll({ config, cursor });
    pages++;
    items.push(...page.items);
    cursor = page.nextCursor;
    if (page.caughtUp || pages > 100) break;
  }
  return { items, pages, cursor };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(ConnectorError);
      return error as ConnectorError;
    },
  );

beforeAll(async () => {
  replay = await startConnectorReplay({
    now: () => clock,
    corpus,
    metaAppSecret: APP_SECRET,
    xPlan: { monthlyPostCap: 60 },
  });
});
afterAll(async () => {
  await replay?.stop();
});

describe('X as it behaves for real', () => {
  it('refuses a query X would refuse, with X’s message, as a configuration problem (never retried)', async () => {
    const x = registry()('x');
    const unbalanced = await failure(x.poll({ config: { source: 'x', query: '("Acme Analytics"' }, cursor: null }));
    expect(unbalanced.kind).toBe('config');
    expect(unbalanced.message).toMatch(/Unbalanced parentheses/);
    const pro = await failure(x.poll({ config: { source: 'x', query: 'Acme place_country:US' }, cursor: null }));
    expect(pro.kind).toBe('config');
    expect(pro.message).toMatch(/invalid operator 'place_country'/);
    const negation = await failure(x.poll({ config: { source: 'x', query: '-is:retweet' }, cursor: null }));
    expect(negation.message).toMatch(/non-negation term/);
  });

  it('reads full long posts, skips reposts, counts an edited post once and leaves und/zxx to detection', async () => {
    const x = registry()('x');
    const result = await drain(x, { source: 'x', query: '"Acme Analytics"', backfillHours: 24 });
    const byId = new Map(result.items.map((i) => [i.externalId, i]));
    expect(byId.get(extras.long)?.text).toBe(LONG);
    expect(byId.has(extras.repost)).toBe(false);
    // Both versions of the edited post carry the first id: one item, the latest text.
    expect(result.items.filter((i) => i.externalId === extras.editFirst)).toHaveLength(1);
    expect(byId.has(extras.editSecond)).toBe(false);
    const und = byId.get(extras.und);
    expect(und?.languageSource).not.toBe('source');
    // The demo corpus' own posts older than the 24 h window are not read.
    expect(result.items.every((i) => Date.parse(i.publishedAt) >= clock - 24 * 3600_000)).toBe(true);
  });

  it('asks only for what is newer than the last walk (since_id), then pauses at the plan’s monthly cap', async () => {
    const x = registry()('x');
    const config: ConnectorConfig = { source: 'x', query: '"Acme Analytics"', backfillHours: 24 };
    const first = await drain(x, config);
    const again = await drain(x, config, first.cursor);
    expect(again.items).toEqual([]);
    // A long backfill spends the (small) monthly cap of this replay plan: X then refuses every search.
    const week: ConnectorConfig = { source: 'x', query: 'Acme', backfillHours: 168 };
    let capped: ConnectorError | null = null;
    let cursor: string | null = null;
    for (let i = 0; i < 20 && !capped; i++) {
      try {
        const page = await x.poll({ config: week, cursor });
        cursor = page.nextCursor;
        if (page.caughtUp) cursor = null;
      } catch (error) {
        capped = error as ConnectorError;
      }
    }
    expect(capped?.kind).toBe('quota');
    expect(capped?.name).toBe('ConnectorQuotaError');
    expect(capped?.message).toMatch(/monthly usage cap/);
  });
});

describe('Meta as it behaves for real', () => {
  it('reads its own Page with appsecret_proof; another Page is a clear configuration problem', async () => {
    const meta = registry()('meta');
    const own = await meta.poll({
      config: { source: 'meta', pageId: 'acmeanalytics', includeComments: true },
      cursor: null,
    });
    expect(own.items.length).toBeGreaterThanOrEqual(0);
    const wrong = await failure(
      meta.poll({ config: { source: 'meta', pageId: 'rivalco', includeComments: true }, cursor: null }),
    );
    expect(wrong.kind).toBe('config');
    expect(wrong.message).toMatch(/a Page token reads only its own Page/);
    const unsigned = await failure(
      registry({ meta: { ...REPLAY_CREDENTIALS.meta } })('meta').poll({
        config: { source: 'meta', pageId: 'acmeanalytics', includeComments: true },
        cursor: null,
      }),
    );
    expect(unsigned.kind).toBe('credentials');
    expect(unsigned.message).toMatch(/appsecret_proof/);
  });

  it('waits out the Page throttle (80001) for the time the usage header names', async () => {
    replay.setFaults({ meta: { pageThrottleMinutes: 23 } });
    const throttled = await failure(
      registry()('meta').poll({
        config: { source: 'meta', pageId: 'acmeanalytics', includeComments: true },
        cursor: null,
      }),
    );
    replay.setFaults({ meta: null });
    expect(throttled.kind).toBe('rate_limited');
    expect(throttled.retryAfterMs).toBe(23 * 60_000);
    expect(throttled.message).toMatch(/80001/);
  });
});

describe('Reddit as it behaves for real', () => {
  const base: ConnectorConfig = {
    source: 'reddit',
    mode: 'subreddit',
    subreddit: 'analytics',
    includeComments: false,
    maxCommentsPerPost: 20,
    backfillHours: 24 * 60,
  };

  it('says a private or quarantined subreddit is the problem, not the credentials', async () => {
    const reddit = registry()('reddit');
    const priv = await failure(reddit.poll({ config: { ...base, subreddit: 'privateanalytics' }, cursor: null }));
    expect(priv.kind).toBe('config');
    expect(priv.message).toMatch(/private/);
    expect(priv.message).not.toMatch(/credentials/);
    const quarantined = await failure(reddit.poll({ config: { ...base, subreddit: 'edgyanalytics' }, cursor: null }));
    expect(quarantined.message).toMatch(/quarantined/);
  });

  it('resumes a walk whose anchor post was removed without skipping the unread backlog', async () => {
    const reddit = registry()('reddit');
    const reference = await drain(reddit, base);
    expect(reference.pages).toBeGreaterThanOrEqual(2);
    // A walk interrupted after its first page; the last post of that page (the `after` anchor) is then removed.
    const first = await reddit.poll({ config: base, cursor: null });
    expect(first.caughtUp).toBe(false);
    const anchor = JSON.parse(first.nextCursor ?? '{}').walk.token as string;
    replay.remove([anchor]);
    const rest = await drain(reddit, base, first.nextCursor);
    const all = [...first.items, ...rest.items].map((i) => i.externalId);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(reference.items.map((i) => i.externalId)));
  });

  it('picks up a post a moderator approved hours after it was written, once', async () => {
    const reddit = registry()('reddit');
    const config: ConnectorConfig = { ...base, subreddit: 'SaaS' };
    const posts = corpus.reddit.filter((t) => t.subreddit === 'SaaS' && t.createdMs <= clock);
    // A post written 5 hours ago, held by the moderators until now.
    const held = posts.find((t) => t.createdMs < clock - 5 * 3600_000 && typeof t.data.name === 'string');
    expect(held).toBeDefined();
    if (!held) return;
    held.visibleFromMs = clock + 3600_000;
    const before = await drain(reddit, config);
    expect(before.items.some((i) => i.externalId === held.data.name)).toBe(false);
    clock += 2 * 3600_000;
    const after = await drain(reddit, config, before.cursor);
    expect(after.items.filter((i) => i.externalId === held.data.name)).toHaveLength(1);
    expect(after.items.filter((i) => before.items.some((b) => b.externalId === i.externalId))).toEqual([]);
    clock = START;
    held.visibleFromMs = undefined;
  });
});
