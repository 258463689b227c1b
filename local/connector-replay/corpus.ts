/**
 * The demo social/news corpus the replay servers serve: ~90 days of Reddit posts and comments, tweets, Facebook Page
 * posts and comments, and news articles about the demo market (Acme Analytics and its competitors from the provider
 * simulator's DEMO_MARKET), generated deterministically per calendar day.
 *
 * PLANTED SWINGS (documented in docs/connectors.md, for the swing detector):
 * - Reddit, negative sentiment swing for Acme: from 12 days before today up to yesterday, 80% of Acme posts and
 *   comments are negative (baseline ~15%), with about 2.5× the Acme posts and longer threads — an outage/pricing
 *   backlash.
 * - News, volume spike for Acme: from 6 to 3 days before today, 7–9 Acme articles a day (baseline ~1 every 2 days).
 *
 * It also carries what real sources send and connectors must survive: deleted and removed Reddit posts, items
 * without ids or with unreadable dates, HTML entities, non-English posts (de, es, fr, ja), empty-caption Page posts,
 * and a duplicated item in a page.
 */
import { DEMO_MARKET } from '../provider-simulator/market.ts';
import { createRng, pick, type Rng } from '../provider-simulator/rng.ts';

export const DAY_MS = 86_400_000;
/** Days of history before today. */
export const HISTORY_DAYS = 90;

const [acme, ...competitors] = DEMO_MARKET.brands.map((b) => b.name);
export const DEMO_BRAND_NAME = acme ?? 'Acme Analytics';
const rivals = competitors.length > 0 ? competitors : ['Northwind Insights'];

export const PLANTED_SWINGS = {
  redditNegative: { fromDaysAgo: 12, toDaysAgo: 1, negativeShare: 0.8, baselineNegativeShare: 0.15 },
  newsVolume: { fromDaysAgo: 6, toDaysAgo: 3, articlesPerDay: [7, 9] as const, baselinePerDay: 0.5 },
} as const;

export interface RedditThing {
  /** When a listing starts showing it, if later than its creation (approved by a moderator, indexed late). */
  visibleFromMs?: number;
  kind: 't3' | 't1';
  /** Raw `data` object as Reddit's API returns it (may be deliberately broken). */
  data: Record<string, unknown>;
  createdMs: number;
  subreddit: string;
  /** Text used by search (title + body). */
  searchText: string;
  /** Comments of a post (t1 things). */
  comments: RedditThing[];
}

export interface Tweet {
  raw: Record<string, unknown>;
  createdMs: number;
  user: { id: string; username: string; followers: number };
}

export interface PagePost {
  raw: Record<string, unknown>;
  createdMs: number;
}

export interface NewsArticle {
  guid: string | null;
  link: string | null;
  title: string;
  html: string;
  author: string;
  pubDate: string | null;
  createdMs: number;
  /** Feed the article appears in. */
  feed: 'techwire' | 'datadaily';
}

export interface DemoCorpus {
  reddit: RedditThing[];
  tweets: Tweet[];
  pagePosts: PagePost[];
  news: NewsArticle[];
}

type Tone = 'positive' | 'negative' | 'neutral';

const ACME_POSITIVE = [
  '{acme} has been great for our funnel reports. The dashboards are fast and the SQL access is excellent.',
  'Honestly love {acme}. Setup took an afternoon and the retention charts are really helpful.',
  'We moved to {acme} last quarter and the team is happy, the free tier is generous and support is friendly.',
  'Shout-out to {acme}: their event ingestion is incredibly fast and reliable.',
];
const ACME_NEGATIVE = [
  '{acme} has been down again today and support is useless. Really frustrating.',
  'Disappointed with {acme}: the new pricing is awful and the dashboards keep breaking.',
  'Is anyone else seeing data loss in {acme}? Our funnels are broken since the update, terrible experience.',
  '{acme} outage for the third time this week. We are seriously considering leaving, this is unacceptable.',
  'Warning: {acme} silently dropped events for two days and nobody told us. Awful.',
];
const ACME_NEUTRAL = [
  'Has anyone used {acme} for mobile funnel analysis? Wondering how it handles offline events.',
  'Comparing {acme} and {rival} for a B2B SaaS startup, what should I look at?',
  'Does {acme} support EU data residency? Could not find it in the docs.',
  'Migrating our tracking plan into {acme} next month, any tips on naming events?',
];
const RIVAL_LINES = [
  '{rival} is solid but pricing climbs quickly once you pass a few million events.',
  'We use {rival} and it is pretty good for cohorts, the interface is a bit cluttered though.',
  'Anyone tried {rival}? Their session replay looks nice.',
  '{rival} support was slow to answer but the product works fine.',
];
const GENERIC_LINES = [
  'What is your favourite way to measure activation for a self-serve product?',
  'Weekly thread: share your dashboards and get feedback.',
  'How do you convince leadership to invest in product analytics?',
];
const FOREIGN = [
  { lang: 'de', text: '{acme} ist super für Trichteranalysen, die Dashboards sind schnell und übersichtlich.' },
  { lang: 'es', text: 'Probamos {acme} y {rival} este mes. {acme} es más rápido, pero la documentación es escasa.' },
  { lang: 'fr', text: 'Est-ce que quelqu’un utilise {acme} pour l’analyse de rétention ? Je trouve ça très pratique.' },
  { lang: 'ja', text: '{acme}のダッシュボードは速くて使いやすいです。サポートも丁寧でした。' },
];
const TITLES: Record<Tone, string[]> = {
  positive: ['{acme} is really good', 'Happy with {acme} so far', 'Small win with {acme}'],
  negative: ['{acme} down again?', 'Frustrated with {acme}', '{acme} pricing change is awful', 'Leaving {acme}'],
  neutral: ['Question about {acme}', '{acme} vs {rival}?', 'Anyone using {acme}?'],
};
const NEWS_ACME = [
  {
    title: '{acme} raises Series B to expand real-time analytics',
    body: '<p>{acme} announced a $40M Series B &mdash; the company says it will invest in EU data residency &amp; integrations.</p>',
  },
  {
    title: '{acme} outage leaves customers without dashboards',
    body: '<p>Customers of <b>{acme}</b> reported missing data for a second day. &ldquo;We are investigating,&rdquo; the company said.</p>',
  },
  {
    title: '{acme} changes pricing; users push back',
    body: '<p>The new per-event pricing at {acme} drew criticism from small teams &hellip; competitors like {rival} were quick to react.</p>',
  },
  {
    title: 'Analysts weigh in on {acme}&#8217;s reliability problems',
    body: '<p>After a week of incidents, analysts say {acme} must rebuild trust. <a href="https://acmeanalytics.com/status">Status page</a>.</p>',
  },
];
const NEWS_MARKET = [
  {
    title: '{rival} launches warehouse-native reporting',
    body: '<p>{rival} now reads directly from Snowflake &amp; BigQuery.</p>',
  },
  {
    title: 'The state of product analytics in 2026',
    body: '<p>Teams compare {rival}, {acme} and open-source options as budgets tighten.</p>',
  },
  {
    title: 'Privacy rules reshape analytics tooling',
    body: '<p>Consent &amp; data residency top buyers&#39; lists.</p>',
  },
];

const fill = (template: string, rng: Rng) =>
  template.replaceAll('{acme}', DEMO_BRAND_NAME).replaceAll('{rival}', pick(rng, rivals));

function toneFor(rng: Rng, inNegativeSwing: boolean): Tone {
  const negative = inNegativeSwing
    ? PLANTED_SWINGS.redditNegative.negativeShare
    : PLANTED_SWINGS.redditNegative.baselineNegativeShare;
  const r = rng();
  if (r < negative) return 'negative';
  return r < negative + (1 - negative) * 0.55 ? 'positive' : 'neutral';
}

function acmeLine(rng: Rng, tone: Tone): string {
  return fill(pick(rng, tone === 'positive' ? ACME_POSITIVE : tone === 'negative' ? ACME_NEGATIVE : ACME_NEUTRAL), rng);
}

const base36 = (n: number) => n.toString(36);
/** Epoch day number: ids derive from it, so a given day's items keep their ids whenever the server starts. */
const epochDay = (ms: number) => Math.floor(ms / DAY_MS);

/**
 * Builds the corpus for the HISTORY_DAYS days before `now` plus today (items later than `now` are generated too;
 * the servers hide items until their time has come, so new posts keep "arriving" while the stack runs).
 */
export function buildDemoCorpus(now: number): DemoCorpus {
  const today = epochDay(now);
  const corpus: DemoCorpus = { reddit: [], tweets: [], pagePosts: [], news: [] };
  for (let day = today - HISTORY_DAYS; day <= today; day++) {
    const daysAgo = today - day;
    const rng = createRng(`demo-corpus-${day}`);
    const dayStart = day * DAY_MS;
    const at = (slot: number, count: number) => dayStart + Math.floor(((slot + rng()) / count) * DAY_MS);
    buildRedditDay(corpus, rng, day, daysAgo, at);
    buildTweetsDay(corpus, rng, day, daysAgo, at);
    buildPageDay(corpus, rng, day, daysAgo, at);
    buildNewsDay(corpus, rng, day, daysAgo, at);
  }
  corpus.reddit.sort((a, b) => b.createdMs - a.createdMs);
  corpus.tweets.sort((a, b) => b.createdMs - a.createdMs);
  corpus.pagePosts.sort((a, b) => b.createdMs - a.createdMs);
  corpus.news.sort((a, b) => b.createdMs - a.createdMs);
  return corpus;
}

type At = (slot: number, count: number) => number;

function buildRedditDay(corpus: DemoCorpus, rng: Rng, day: number, daysAgo: number, at: At) {
  const swing = PLANTED_SWINGS.redditNegative;
  const inSwing = daysAgo >= swing.toDaysAgo && daysAgo <= swing.fromDaysAgo;
  // In the swing the backlash is loud: more posts and longer threads (enough signals a day for a sentiment test).
  const acmePosts = (inSwing ? 6 : 2) + (rng() < 0.5 ? 1 : 0);
  const otherPosts = 2;
  const count = acmePosts + otherPosts;
  for (let i = 0; i < count; i++) {
    const createdMs = at(i, count);
    const id = base36(day * 100 + i + 36 ** 5);
    const subreddit = pick(rng, ['analytics', 'ProductManagement', 'SaaS']);
    const isAcme = i < acmePosts;
    const tone = isAcme ? toneFor(rng, inSwing) : 'neutral';
    let title: string;
    let body: string;
    if (isAcme && rng() < 0.06) {
      const foreign = pick(rng, FOREIGN);
      title = fill(foreign.text, rng).slice(0, 60);
      body = fill(foreign.text, rng);
    } else if (isAcme) {
      title = fill(pick(rng, TITLES[tone]), rng);
      body = `${acmeLine(rng, tone)}${rng() < 0.3 ? ` Also looked at ${pick(rng, rivals)}.` : ''}`;
    } else {
      title = rng() < 0.5 ? 'Tooling question' : 'Discussion';
      body = fill(pick(rng, rng() < 0.6 ? RIVAL_LINES : GENERIC_LINES), rng);
    }
    const data: Record<string, unknown> = {
      id,
      name: `t3_${id}`,
      title,
      selftext: body,
      author: `user_${base36((day * 7 + i * 13) % 50_000)}`,
      subreddit,
      subreddit_name_prefixed: `r/${subreddit}`,
      subreddit_subscribers: subreddit === 'analytics' ? 182_000 : subreddit === 'SaaS' ? 320_000 : 95_000,
      permalink: `/r/${subreddit}/comments/${id}/${title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .slice(0, 40)}/`,
      url: `https://www.reddit.com/r/${subreddit}/comments/${id}/`,
      created_utc: Math.floor(createdMs / 1000),
      score: Math.floor(rng() * (tone === 'negative' ? 400 : 120)),
      num_comments: 0,
      over_18: false,
      removed_by_category: null,
    };
    // Things a real listing contains: a deleted and a removed post now and then, and rare broken items.
    if (daysAgo % 17 === 3 && i === count - 1) Object.assign(data, { author: '[deleted]', selftext: '[deleted]' });
    if (daysAgo % 23 === 5 && i === 0) Object.assign(data, { selftext: '[removed]', removed_by_category: 'moderator' });
    if (daysAgo % 29 === 7 && i === 1) delete data.name;
    if (daysAgo % 31 === 11 && i === 1) data.created_utc = 'yesterday';
    const comments: RedditThing[] = [];
    const commentCount = isAcme ? (inSwing ? 2 : 1) + Math.floor(rng() * 3) : Math.floor(rng() * 2);
    for (let c = 0; c < commentCount; c++) {
      const cid = base36((day * 100 + i) * 10 + c + 36 ** 6);
      const ctone = isAcme ? toneFor(rng, inSwing) : 'neutral';
      const cbody = isAcme ? acmeLine(rng, ctone) : fill(pick(rng, RIVAL_LINES), rng);
      const cdata: Record<string, unknown> = {
        id: cid,
        name: `t1_${cid}`,
        body: daysAgo % 13 === 2 && c === 0 ? '[deleted]' : cbody,
        author: `user_${base36((day * 11 + c * 17 + i) % 50_000)}`,
        created_utc: Math.floor(createdMs / 1000) + 600 * (c + 1),
        score: Math.floor(rng() * 40),
        link_id: `t3_${id}`,
        permalink: `${data.permalink}${cid}/`,
      };
      comments.push({
        kind: 't1',
        data: cdata,
        createdMs: createdMs + 600_000 * (c + 1),
        subreddit,
        searchText: cbody,
        comments: [],
      });
    }
    data.num_comments = comments.length;
    corpus.reddit.push({ kind: 't3', data, createdMs, subreddit, searchText: `${title}\n${body}`, comments });
  }
}

function buildTweetsDay(corpus: DemoCorpus, rng: Rng, day: number, daysAgo: number, at: At) {
  const count = 4 + Math.floor(rng() * 3);
  for (let i = 0; i < count; i++) {
    const createdMs = at(i, count);
    // Snowflake-like ids: time-ordered decimal strings.
    const id = String(BigInt(createdMs - 1_288_834_974_657) * 4_194_304n + BigInt(i));
    const userNo = (day * 3 + i * 7) % 400;
    const user = {
      id: String(10_000 + userNo),
      username: `analyst${userNo}`,
      followers: 50 + ((userNo * 97) % 20_000),
    };
    const tone: Tone = rng() < 0.2 ? 'negative' : rng() < 0.6 ? 'positive' : 'neutral';
    const foreign = rng() < 0.1 ? pick(rng, FOREIGN) : null;
    // X escapes &, < and > in tweet text.
    const text = foreign
      ? fill(foreign.text, rng)
      : `${acmeLine(rng, tone)}${rng() < 0.3 ? ` &amp; ${pick(rng, rivals)} &lt;3` : ''}`;
    const raw: Record<string, unknown> = {
      id,
      text,
      created_at: new Date(createdMs).toISOString(),
      author_id: user.id,
      lang: foreign ? foreign.lang : 'en',
      conversation_id: id,
      public_metrics: {
        retweet_count: Math.floor(rng() * 20),
        reply_count: Math.floor(rng() * 10),
        like_count: Math.floor(rng() * 150),
        quote_count: Math.floor(rng() * 5),
        impression_count: Math.floor(rng() * 20_000),
      },
    };
    if (i === 1 && corpus.tweets.length > 0 && rng() < 0.3) {
      const parent = corpus.tweets[corpus.tweets.length - 1];
      raw.referenced_tweets = [{ type: 'replied_to', id: parent?.raw.id }];
    }
    if (daysAgo % 19 === 4 && i === 2) raw.created_at = 'not-a-date';
    corpus.tweets.push({ raw, createdMs, user });
  }
}

function buildPageDay(corpus: DemoCorpus, rng: Rng, day: number, daysAgo: number, at: At) {
  if (rng() < 0.3) return;
  const createdMs = at(0, 1);
  const id = `104857600000001_${day}`;
  const messages = [
    `New in ${DEMO_BRAND_NAME}: retention reports now load twice as fast.`,
    `Join our webinar on funnel analysis with ${DEMO_BRAND_NAME} this Thursday.`,
    `Customer story: how a fintech team cut churn with ${DEMO_BRAND_NAME}.`,
  ];
  const raw: Record<string, unknown> = {
    id,
    message: daysAgo % 11 === 6 ? undefined : pick(rng, messages),
    created_time: new Date(createdMs).toISOString().replace(/\.\d{3}Z$/, '+0000'),
    permalink_url: `https://www.facebook.com/acmeanalytics/posts/${day}`,
    from: { id: '104857600000001', name: DEMO_BRAND_NAME },
    shares: { count: Math.floor(rng() * 30) },
    reactions: { data: [], summary: { total_count: Math.floor(rng() * 300) } },
  };
  const swing = PLANTED_SWINGS.redditNegative;
  const inSwing = daysAgo >= swing.toDaysAgo && daysAgo <= swing.fromDaysAgo;
  const comments = [];
  const n = Math.floor(rng() * 4);
  for (let c = 0; c < n; c++) {
    comments.push({
      id: `${id}_${c}`,
      message: acmeLine(rng, toneFor(rng, inSwing)),
      created_time: new Date(createdMs + 900_000 * (c + 1)).toISOString().replace(/\.\d{3}Z$/, '+0000'),
      from: { id: String(20_000 + c), name: `Fan ${c}` },
      like_count: Math.floor(rng() * 10),
    });
  }
  raw.comments = { data: comments, summary: { total_count: comments.length } };
  corpus.pagePosts.push({ raw, createdMs });
}

function buildNewsDay(corpus: DemoCorpus, rng: Rng, day: number, daysAgo: number, at: At) {
  const spike = PLANTED_SWINGS.newsVolume;
  const inSpike = daysAgo >= spike.toDaysAgo && daysAgo <= spike.fromDaysAgo;
  const acmeCount = inSpike
    ? spike.articlesPerDay[0] + Math.floor(rng() * (spike.articlesPerDay[1] - spike.articlesPerDay[0] + 1))
    : rng() < spike.baselinePerDay
      ? 1
      : 0;
  const marketCount = rng() < 0.6 ? 1 : 0;
  const count = acmeCount + marketCount;
  for (let i = 0; i < count; i++) {
    const createdMs = at(i, count);
    const template =
      i < acmeCount ? (inSpike ? pick(rng, NEWS_ACME.slice(1)) : pick(rng, NEWS_ACME)) : pick(rng, NEWS_MARKET);
    const rival = pick(rng, rivals);
    const fillNews = (s: string) => s.replaceAll('{acme}', DEMO_BRAND_NAME).replaceAll('{rival}', rival);
    const slug = `${day}-${i}`;
    const feed = i % 2 === 0 ? 'techwire' : 'datadaily';
    const link = `https://news.example.com/${feed}/${slug}`;
    corpus.news.push({
      guid: daysAgo % 37 === 9 && i === 0 ? null : `${feed}-${slug}`,
      link: daysAgo % 37 === 9 && i === 0 ? null : link,
      title: fillNews(template.title),
      html: fillNews(template.body),
      author: pick(rng, ['Dana Reyes', 'Tomás Ng', 'Priya Shah']),
      pubDate: daysAgo % 41 === 13 && i === 0 ? 'sometime last week' : new Date(createdMs).toUTCString(),
      createdMs,
      feed,
    });
  }
}
