import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildDemoCorpus, type DemoCorpus, type RedditThing } from './corpus.ts';
import { FEED_NAMES, type FeedName, renderFeed } from './feeds.ts';
import { metaGraph } from './meta-graph.ts';
import { clampInt, decodeToken, encodeToken, readBody, safeEqual, send, sendText } from './replay-http.ts';
import { matchesXQuery, parseXQuery } from './x-search.ts';

/**
 * Local replay servers for the social and news sources, on one loopback HTTP server, each under its own prefix and
 * speaking the source's real wire format: Reddit's OAuth token endpoint and listings (`/reddit/...`), X API v2
 * recent search (`/x/2/...`), the Meta Graph API (`/meta/v21.0/...`) and RSS 2.0 / Atom feeds (`/feeds/...`), with
 * their pagination, rate-limit headers and error bodies. The local stack points the connectors here when no real
 * credentials are set (docs/connectors.md). Items appear when their time comes, so the feed keeps "living".
 */

/** The credentials the replay servers accept (local only; they open nothing real). */
export const REPLAY_CREDENTIALS = {
  reddit: { clientId: 'replay-reddit-client', clientSecret: 'replay-reddit-secret' },
  x: { bearerToken: 'replay-x-bearer-token' },
  meta: { accessToken: 'replay-meta-access-token' },
} as const;

export { REPLAY_META_PAGE_ID } from './meta-graph.ts';

export type ReplaySource = 'reddit' | 'x' | 'meta' | 'feeds';

/** Failure modes a test (or an operator) can switch on per source with `PUT /_control/faults`. */
export interface ReplayFault {
  /** 401 with the source's own error body (expired / revoked credentials). */
  unauthorized?: boolean;
  /** 503 for every request (an outage). */
  outage?: boolean;
  /** Requests left in the current rate-limit window; at 0 the source answers 429. */
  remaining?: number;
  /** Seconds until the rate-limit window resets. @default 60 */
  resetSeconds?: number;
  /** Meta: the Page's business use case budget is spent (code 80001), regained after this many minutes. */
  pageThrottleMinutes?: number;
}

export interface ConnectorReplayOptions {
  port?: number;
  host?: string;
  /** The clock the corpus and visibility use. @default Date.now */
  now?: () => number;
  corpus?: DemoCorpus;
  /** The X plan the replay behaves as. @default Basic: 15,000 posts a month, 512-character queries, no Pro operators */
  xPlan?: Partial<{ monthlyPostCap: number; maxQueryLength: number; pro: boolean }>;
  /** Meta app secret: when set, every Graph call must carry a matching appsecret_proof. */
  metaAppSecret?: string;
  /** Items (Reddit fullnames, tweet ids) removed from the start. */
  removedIds?: string[];
}

export interface ConnectorReplay {
  url: string;
  /** Base URLs to configure the connectors with. */
  endpoints: { redditAuth: string; redditApi: string; xApi: string; metaGraph: string; feeds: string };
  setFaults(faults: Partial<Record<ReplaySource, ReplayFault | null>>): void;
  /** Removes items (Reddit fullnames, tweet ids, Page post ids) as their author or a moderator would: gone from every listing. */
  remove(ids: string[]): void;
  /** Requests served per source since start (or the last reset). */
  stats(): Record<ReplaySource, number>;
  stop(): Promise<void>;
}

const REDDIT_WINDOW = 600;
const X_WINDOW = 450;
const FEED_PAGE_SIZE = 30;

export async function startConnectorReplay(options: ConnectorReplayOptions = {}): Promise<ConnectorReplay> {
  const now = options.now ?? Date.now;
  const corpus = options.corpus ?? buildDemoCorpus(now());
  const faults: Partial<Record<ReplaySource, ReplayFault>> = {};
  const counts: Record<ReplaySource, number> = { reddit: 0, x: 0, meta: 0, feeds: 0 };
  const windows: Record<'reddit' | 'x', { used: number; resetAt: number }> = {
    reddit: { used: 0, resetAt: now() + 600_000 },
    x: { used: 0, resetAt: now() + 900_000 },
  };
  const issuedTokens = new Set<string>();
  const xPlan = { monthlyPostCap: 15_000, maxQueryLength: 512, pro: false, ...options.xPlan };
  const xUsage = { month: '', posts: 0 };
  /** Ids removed by their author or a moderator since they were posted: gone from listings and searches. */
  const removedIds = new Set<string>(options.removedIds ?? []);
  const meta = metaGraph({
    corpus,
    now,
    accessToken: REPLAY_CREDENTIALS.meta.accessToken,
    appSecret: options.metaAppSecret,
    removed: removedIds,
  });

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, { error: error.message });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://replay.local');
    const body = await readBody(req);
    if (url.pathname === '/_control/faults' && req.method === 'PUT') {
      const update = JSON.parse(body || '{}') as Partial<Record<ReplaySource, ReplayFault | null>>;
      applyFaults(update);
      return send(res, 200, faults);
    }
    if (url.pathname === '/_control/stats') return send(res, 200, counts);
    const source: ReplaySource | null = url.pathname.startsWith('/reddit/')
      ? 'reddit'
      : url.pathname.startsWith('/x/')
        ? 'x'
        : url.pathname.startsWith('/meta/')
          ? 'meta'
          : url.pathname.startsWith('/feeds/')
            ? 'feeds'
            : null;
    if (!source) return send(res, 404, { error: 'not found' });
    counts[source]++;
    const fault = faults[source];
    if (fault?.outage) return send(res, 503, source === 'x' ? xError(503, 'Service Unavailable') : { error: 503 });
    if (source === 'reddit') return reddit(req, res, url, body, fault);
    if (source === 'x') return x(req, res, url, fault);
    if (source === 'meta') return meta(res, url, fault);
    return feeds(req, res, url, fault);
  }

  function applyFaults(update: Partial<Record<ReplaySource, ReplayFault | null>>) {
    for (const [source, fault] of Object.entries(update) as [ReplaySource, ReplayFault | null][]) {
      if (fault === null) delete faults[source];
      else faults[source] = fault;
      if (source === 'reddit' || source === 'x') {
        const window = source === 'reddit' ? REDDIT_WINDOW : X_WINDOW;
        windows[source] = {
          used: fault?.remaining !== undefined ? window - fault.remaining : 0,
          resetAt: now() + (fault?.resetSeconds ?? 60) * 1000,
        };
      }
    }
  }

  /** Spends one request of the window; returns the rate-limit view after it, or null when the window is spent. */
  function spend(source: 'reddit' | 'x') {
    const window = windows[source];
    const size = source === 'reddit' ? REDDIT_WINDOW : X_WINDOW;
    // A window ends at its reset (or, on a simulated clock moved back, when the reset is further than a window away).
    if (now() >= window.resetAt || window.resetAt - now() > (source === 'reddit' ? 600_000 : 900_000)) {
      window.used = 0;
      window.resetAt = now() + (source === 'reddit' ? 600_000 : 900_000);
    }
    if (window.used >= size)
      return {
        ok: false,
        remaining: 0,
        resetSeconds: Math.ceil((window.resetAt - now()) / 1000),
        resetAt: window.resetAt,
      };
    window.used++;
    return {
      ok: true,
      remaining: size - window.used,
      resetSeconds: Math.ceil((window.resetAt - now()) / 1000),
      resetAt: window.resetAt,
    };
  }

  // --- Reddit -----------------------------------------------------------------------------------------------------
  function reddit(req: IncomingMessage, res: ServerResponse, url: URL, body: string, fault?: ReplayFault) {
    const path = url.pathname.slice('/reddit'.length);
    if (path === '/api/v1/access_token' && req.method === 'POST') {
      const expected = `Basic ${Buffer.from(`${REPLAY_CREDENTIALS.reddit.clientId}:${REPLAY_CREDENTIALS.reddit.clientSecret}`).toString('base64')}`;
      if (fault?.unauthorized || !safeEqual(req.headers.authorization ?? '', expected)) {
        return send(res, 401, { message: 'Unauthorized', error: 401 });
      }
      if (!/grant_type=client_credentials/.test(body)) return send(res, 200, { error: 'unsupported_grant_type' });
      const token = `replay-${createHash('sha256')
        .update(String(now()) + Math.random())
        .digest('hex')
        .slice(0, 24)}`;
      issuedTokens.add(token);
      return send(res, 200, { access_token: token, token_type: 'bearer', expires_in: 86_400, scope: '*' });
    }
    const token = (req.headers.authorization ?? '').replace(/^bearer\s+/i, '');
    if (fault?.unauthorized || !issuedTokens.has(token)) return send(res, 401, { message: 'Unauthorized', error: 401 });
    const budget = spend('reddit');
    const rateHeaders = {
      'x-ratelimit-used': String(REDDIT_WINDOW - budget.remaining),
      'x-ratelimit-remaining': String(budget.remaining),
      'x-ratelimit-reset': String(budget.resetSeconds),
    };
    if (!budget.ok) return send(res, 429, { message: 'Too Many Requests', error: 429 }, rateHeaders);
    // A post approved by a moderator (or indexed late) shows up only then, in its place by creation time.
    const visible = corpus.reddit.filter(
      (t) => (t.visibleFromMs ?? t.createdMs) <= now() && !removedIds.has(thingName(t) ?? ''),
    );
    const comments = path.match(/^\/oauth\/comments\/([a-z0-9]+)$/);
    if (comments) {
      const post = visible.find((t) => t.data.id === comments[1]);
      if (!post) return send(res, 404, { message: 'Not Found', error: 404 }, rateHeaders);
      const limit = clampInt(url.searchParams.get('limit'), 1, 100, 20);
      const kids = post.comments.filter((c) => c.createdMs <= now()).sort((a, b) => b.createdMs - a.createdMs);
      const children: unknown[] = kids.slice(0, limit).map((c) => ({ kind: 't1', data: shownComment(c.data) }));
      // Reddit cuts a large tree with a "more" stub listing the ids left for /api/morechildren.
      if (kids.length > limit) {
        const rest = kids.slice(limit).map((c) => String(c.data.id));
        children.push({
          kind: 'more',
          data: { count: rest.length, name: `t1_${rest[0]}`, id: rest[0], children: rest },
        });
      }
      return send(res, 200, [listing([{ kind: 't3', data: post.data }], null), listing(children, null)], rateHeaders);
    }
    if (path === '/oauth/api/morechildren') {
      const link = (url.searchParams.get('link_id') ?? '').replace(/^t3_/, '');
      const wanted = new Set((url.searchParams.get('children') ?? '').split(',').filter(Boolean));
      if (wanted.size > 100) return send(res, 400, { message: 'Bad Request', error: 400 }, rateHeaders);
      const post = visible.find((t) => t.data.id === link);
      const things = (post?.comments ?? [])
        .filter((c) => c.createdMs <= now() && wanted.has(String(c.data.id)))
        .map((c) => ({ kind: 't1', data: shownComment(c.data) }));
      return send(res, 200, { json: { errors: [], data: { things } } }, rateHeaders);
    }
    /** A comment with the replies posted by now (nested `replies` listing), as Reddit shows it. */
    function shownComment(data: Record<string, unknown>): Record<string, unknown> {
      const replies = (data.replies as { data?: { children?: { data: Record<string, unknown> }[] } } | undefined)?.data
        ?.children;
      if (!Array.isArray(replies)) return data;
      const shown = replies.filter((r) => Number(r.data.created_utc) * 1000 <= now());
      return {
        ...data,
        replies: shown.length
          ? listing(
              shown.map((r) => ({ kind: 't1', data: shownComment(r.data) })),
              null,
            )
          : '',
      };
    }
    const sub = path.match(/^\/oauth\/r\/([A-Za-z0-9_]+)\/(new|search)$/);
    let items: RedditThing[];
    if (sub) {
      const refused = REFUSED_SUBREDDITS[sub[1]?.toLowerCase() ?? ''];
      if (refused) return send(res, 403, { ...refused, message: 'Forbidden', error: 403 }, rateHeaders);
      items = visible.filter((t) => t.subreddit.toLowerCase() === sub[1]?.toLowerCase());
      if (items.length === 0 && !['analytics', 'productmanagement', 'saas'].includes(sub[1]?.toLowerCase() ?? '')) {
        return send(res, 404, { reason: 'banned', message: 'Not Found', error: 404 }, rateHeaders);
      }
      if (sub[2] === 'search') items = items.filter(matches(url.searchParams.get('q') ?? ''));
    } else if (path === '/oauth/search') {
      items = visible.filter(matches(url.searchParams.get('q') ?? ''));
    } else {
      return send(res, 404, { message: 'Not Found', error: 404 }, rateHeaders);
    }
    const limit = clampInt(url.searchParams.get('limit'), 1, 100, 25);
    const after = url.searchParams.get('after');
    const start = after ? items.findIndex((t) => thingName(t) === after) + 1 : 0;
    if (after && start === 0) return send(res, 200, listing([], null), rateHeaders);
    const page = items.slice(start, start + limit);
    const more = start + limit < items.length;
    const last = page[page.length - 1];
    return send(
      res,
      200,
      listing(
        page.map((t) => ({ kind: 't3', data: t.data })),
        more && last ? (thingName(last) ?? `t3_${String(last.data.id)}`) : null,
      ),
      rateHeaders,
    );
  }

  // --- X ----------------------------------------------------------------------------------------------------------
  function x(req: IncomingMessage, res: ServerResponse, url: URL, fault?: ReplayFault) {
    if (url.pathname !== '/x/2/tweets/search/recent') return send(res, 404, xError(404, 'Not Found'));
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/, '');
    if (fault?.unauthorized || !safeEqual(token, REPLAY_CREDENTIALS.x.bearerToken)) {
      return send(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    }
    const budget = spend('x');
    const rateHeaders = {
      'x-rate-limit-limit': String(X_WINDOW),
      'x-rate-limit-remaining': String(budget.remaining),
      'x-rate-limit-reset': String(Math.floor(budget.resetAt / 1000)),
    };
    if (!budget.ok) return send(res, 429, xError(429, 'Too Many Requests'), rateHeaders);
    const query = url.searchParams.get('query') ?? '';
    if (!query) return send(res, 400, xError(400, 'Invalid Request: query is required'), rateHeaders);
    const parsed = parseXQuery(query, { maxLength: xPlan.maxQueryLength, pro: xPlan.pro });
    if ('error' in parsed) return send(res, 400, xInvalid('query', query, parsed.error), rateHeaders);
    // Recent search reaches back 7 days; older anchors are refused the way X refuses them.
    const windowStart = now() - 7 * 86_400_000;
    const startTime = url.searchParams.get('start_time');
    const startMs = startTime ? Date.parse(startTime) : windowStart;
    if (startTime && (!Number.isFinite(startMs) || startMs < windowStart - 1000)) {
      const message = `Invalid 'start_time':'${startTime}'. 'start_time' must be on or after ${new Date(windowStart).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
      return send(res, 400, xInvalid('start_time', startTime, message), rateHeaders);
    }
    const sinceId = url.searchParams.get('since_id');
    if (sinceId && (!/^\d{1,25}$/.test(sinceId) || snowflakeMs(sinceId) < windowStart)) {
      const message = `Invalid 'since_id':'${sinceId}'. 'since_id' must be a tweet id created after ${new Date(windowStart).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
      return send(res, 400, xInvalid('since_id', sinceId, message), rateHeaders);
    }
    // The plan's monthly post cap: once the posts delivered this (simulated) month reach it, every search is refused.
    const month = new Date(now()).toISOString().slice(0, 7);
    if (xUsage.month !== month) Object.assign(xUsage, { month, posts: 0 });
    if (xUsage.posts >= xPlan.monthlyPostCap) {
      return send(
        res,
        429,
        {
          account_id: '1000000000',
          product_name: 'standard-basic',
          title: 'UsageCapExceeded',
          period: 'Monthly',
          scope: 'Product',
          detail: 'Usage cap exceeded: Monthly product cap',
          type: 'https://api.twitter.com/2/problems/usage-capped',
        },
        rateHeaders,
      );
    }
    const fields = new Set((url.searchParams.get('tweet.fields') ?? '').split(','));
    const visible = corpus.tweets.filter((t) => {
      if (t.createdMs > now() || t.createdMs < Math.max(windowStart, startMs)) return false;
      if (removedIds.has(String(t.raw.id))) return false;
      if (sinceId && BigInt(String(t.raw.id)) <= BigInt(sinceId)) return false;
      const refs = Array.isArray(t.raw.referenced_tweets) ? (t.raw.referenced_tweets as { type: string }[]) : [];
      return matchesXQuery(parsed.query, {
        text: String(t.raw.text),
        lang: typeof t.raw.lang === 'string' ? t.raw.lang : null,
        username: t.user.username,
        isRetweet: refs.some((r) => r.type === 'retweeted'),
        isReply: refs.some((r) => r.type === 'replied_to'),
        isQuote: refs.some((r) => r.type === 'quoted'),
      });
    });
    const max = clampInt(url.searchParams.get('max_results'), 10, 100, 10);
    const startAt = decodeToken(url.searchParams.get('next_token'));
    const page = visible.slice(startAt, startAt + max);
    // Fields X sends only when asked: a long post's full text is in note_tweet; `text` alone is cut near 280.
    const data = page.map((t) => {
      const { note_tweet: note, ...rest } = t.raw;
      return fields.has('note_tweet') && note ? { ...rest, note_tweet: note } : rest;
    });
    xUsage.posts += page.length;
    // Real result sets overlap now and then: the first page repeats its first tweet.
    if (startAt === 0 && data.length > 1 && data[0]) data.push(data[0]);
    const users = new Map(page.map((t) => [t.user.id, t.user]));
    const more = startAt + max < visible.length;
    const body: Record<string, unknown> = {
      meta: {
        result_count: data.length,
        ...(page.length > 0 ? { newest_id: page[0]?.raw.id, oldest_id: page[page.length - 1]?.raw.id } : {}),
        ...(more ? { next_token: encodeToken(startAt + max) } : {}),
      },
    };
    if (data.length > 0) {
      body.data = data;
      body.includes = {
        users: [...users.values()].map((u) => ({
          id: u.id,
          username: u.username,
          name: u.username,
          public_metrics: { followers_count: u.followers },
        })),
      };
    }
    return send(res, 200, body, rateHeaders);
  }

  // --- Feeds ------------------------------------------------------------------------------------------------------
  function feeds(req: IncomingMessage, res: ServerResponse, url: URL, fault?: ReplayFault) {
    if (fault?.unauthorized) return sendText(res, 401, 'text/plain', 'Unauthorized');
    const name = url.pathname.match(/^\/feeds\/([a-z]+\.(?:xml|atom))$/)?.[1] as FeedName | undefined;
    if (!name || !FEED_NAMES.includes(name)) {
      return sendText(res, 404, 'text/html', '<html><body>Not found</body></html>');
    }
    if (name === 'broken.xml') return sendText(res, 200, 'text/html', '<html><body>This is not a feed</body></html>');
    // mercado.xml republishes TechWire's articles as a Brazilian site would: windows-1252 bytes, Portuguese dates.
    const feed = name === 'datadaily.atom' ? 'datadaily' : 'techwire';
    const visible = corpus.news.filter((a) => a.feed === feed && a.createdMs <= now());
    const pageNo = clampInt(url.searchParams.get('page'), 1, 1000, 1);
    const page = visible.slice((pageNo - 1) * FEED_PAGE_SIZE, pageNo * FEED_PAGE_SIZE);
    const more = pageNo * FEED_PAGE_SIZE < visible.length;
    const newest = visible[0]?.createdMs ?? 0;
    const etag = `W/"${name}-${visible.length}-${newest}"`;
    const lastModified = new Date(newest).toUTCString();
    const validators: Record<string, string> =
      pageNo === 1 ? { etag, 'last-modified': lastModified, 'cache-control': 'max-age=300' } : {};
    if (pageNo === 1) {
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      if ((inm && inm === etag) || (!inm && ims && Date.parse(ims) >= Math.floor(newest / 1000) * 1000)) {
        res.writeHead(304, validators);
        return void res.end();
      }
    }
    const self = `${url.origin}${url.pathname}`;
    const nextHref = more ? `${url.pathname}?page=${pageNo + 1}` : null;
    const rendered = renderFeed(name, page, self, nextHref);
    res.writeHead(200, { 'content-type': rendered.contentType, ...validators });
    return void res.end(rendered.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    endpoints: {
      redditAuth: `${url}/reddit`,
      redditApi: `${url}/reddit/oauth`,
      xApi: `${url}/x`,
      metaGraph: `${url}/meta`,
      feeds: `${url}/feeds`,
    },
    setFaults: applyFaults,
    remove: (ids) => {
      for (const id of ids) removedIds.add(id);
    },
    stats: () => ({ ...counts }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Communities Reddit refuses to serve an app-only token, with the reasons Reddit gives. */
const REFUSED_SUBREDDITS: Record<string, Record<string, string>> = {
  privateanalytics: { reason: 'private' },
  edgyanalytics: {
    reason: 'quarantined',
    quarantine_message: 'This community is quarantined: it may contain shocking or highly offensive content.',
  },
};

function listing(children: unknown[], after: string | null) {
  return { kind: 'Listing', data: { after, before: null, dist: children.length, modhash: '', children } };
}

function thingName(thing: RedditThing): string | null {
  return typeof thing.data.name === 'string' ? thing.data.name : null;
}

function searchTerms(query: string): string[] {
  return query
    .toLowerCase()
    .replace(/-\S+|\b(?:is|lang|from|has):\S+/g, ' ')
    .replace(/["()]/g, ' ')
    .split(/\s+/)
    .filter((t) => t && t !== 'or' && t !== 'and');
}

function matches(query: string) {
  const terms = searchTerms(query);
  return (thing: RedditThing) => {
    const text = thing.searchText.toLowerCase();
    return terms.every((t) => text.includes(t));
  };
}

const xError = (status: number, title: string) => ({ title, detail: title, type: 'about:blank', status });
/** X's 400 for a parameter it refuses: RFC 7807 problem details with the parameter and X's message. */
const xInvalid = (parameter: string, value: string, message: string) => ({
  errors: [{ parameters: { [parameter]: [value] }, message }],
  title: 'Invalid Request',
  detail: 'One or more parameters to your request was invalid.',
  type: 'https://api.twitter.com/2/problems/invalid-request',
});
const snowflakeMs = (id: string) => Number(BigInt(id) >> 22n) + 1_288_834_974_657;
