/**
 * Connector throughput benchmark (`npx tsx bench/connectors.bench.ts`; issue 7): normalise + analyse + publish of
 * social posts, in posts/s per core, against a baseline measured in the same run: JSON.parse of the same payloads.
 *
 * Payloads: the real wire format of the local replay server (Reddit listings of 100 posts, X recent-search pages of
 * 100 tweets), fetched once over HTTP and then served from memory to the production adapters (so the figures are
 * CPU, not loopback I/O). Stages, each timed alone on the same posts:
 *   1. baseline — JSON.parse of every page body;
 *   2. normalise — the adapters' poll() over the recorded pages (parse, validation, skip reasons, walk cursor);
 *   3. analyse — the analysis engine + signal.observed builder (demo brand and its 4 competitors);
 *   4. publish — KinesisEventPublisher to kinesalite of the local emulators (PutRecords batches of ≤500);
 *   5. end to end — 2 + 3 + 4 page by page, as IngestPage does.
 * "per core" = posts / CPU seconds of this process (user + system, process.cpuUsage): the machine has 2 cores
 * shared with the emulators, so wall-clock rates are printed too. kinesalite runs in this process, so its CPU is in
 * the publish figures. Env: BENCH_POSTS (default 20000). Always exits 0.
 */
import '../local/env-defaults.ts';
import { performance } from 'node:perf_hooks';
import { createKinesisClient, KinesisEventPublisher } from '../functions/adapters/aws/kinesis-event-publisher.ts';
import { createConnectorRegistry } from '../functions/adapters/connectors/index.ts';
import { REPLAY_CREDENTIALS, startConnectorReplay } from '../local/connector-replay/server.ts';
import { ensureEventStream, startKinesisLocal } from '../local/emulators/kinesis.ts';
import { claimPort } from '../local/emulators/ports.ts';
import { DEMO_MARKET } from '../local/provider-simulator/market.ts';
import { createAnalyzer } from '../shared/analysis/index.ts';
import type { TrackedEntity } from '../shared/analysis/types.ts';
import type { ConnectorConfig } from '../shared/contracts/connectors.ts';
import type { SignalObservedEvent } from '../shared/events/schemas.ts';
import { RESOURCE_NAMES } from '../shared/infra/resources.ts';
import type { ConnectorHttp, NormalizedItem } from '../shared/ports/signal-connector.ts';
import { toSignalEvents } from '../shared/use-cases/connectors.ts';

const TARGET = Number(process.env.BENCH_POSTS ?? 20_000);
const TENANT = 'ws_01kbenchbenchbenchbenchbenc';

interface Recorded {
  source: 'reddit' | 'x';
  config: ConnectorConfig;
  /** URL → body of each page, and the page URLs in order. */
  pages: { url: string; body: string; headers: Record<string, string> }[];
}

const replay = await startConnectorReplay();
const endpoints = {
  redditAuth: replay.endpoints.redditAuth,
  redditApi: replay.endpoints.redditApi,
  redditWeb: 'https://www.reddit.com',
  xApi: replay.endpoints.xApi,
  metaGraph: replay.endpoints.metaGraph,
};
const credentials = async () => ({
  reddit: { ...REPLAY_CREDENTIALS.reddit, userAgent: 'bench' },
  x: { ...REPLAY_CREDENTIALS.x },
  meta: { ...REPLAY_CREDENTIALS.meta },
});

/** Records every page an adapter fetches while it walks a source to the end. */
async function record(source: 'reddit' | 'x', config: ConnectorConfig): Promise<Recorded> {
  const pages: Recorded['pages'] = [];
  const http: ConnectorHttp = {
    request: async (url, init) => {
      const res = await fetch(url, {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        ...(init.body ? { body: init.body } : {}),
      });
      const body = await res.text();
      const headers = Object.fromEntries(res.headers.entries());
      if (!url.includes('access_token')) pages.push({ url, body, headers });
      return { status: res.status, headers, body };
    },
  };
  const adapter = createConnectorRegistry({ http, credentials, endpoints })(source);
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page = await adapter.poll({ config, cursor });
    cursor = page.nextCursor;
    if (page.caughtUp) break;
  }
  return { source, config, pages };
}

const recorded = [
  await record('reddit', {
    source: 'reddit',
    mode: 'search',
    query: 'Acme',
    includeComments: false,
    maxCommentsPerPost: 1,
  }),
  await record('x', { source: 'x', query: 'Acme' }),
];
await replay.stop();

/** Serves the recorded pages from memory, in order, to the production adapters. */
function replayHttp(rec: Recorded): ConnectorHttp {
  let next = 0;
  return {
    request: async (url) => {
      if (url.includes('access_token')) {
        return { status: 200, headers: {}, body: '{"access_token":"bench","expires_in":86400}' };
      }
      const page = rec.pages[next++ % rec.pages.length];
      if (!page) throw new Error('no recorded page');
      return { status: 200, headers: page.headers, body: page.body };
    },
  };
}

async function normalizeAll(rec: Recorded): Promise<NormalizedItem[][]> {
  const adapter = createConnectorRegistry({ http: replayHttp(rec), credentials, endpoints })(rec.source);
  const out: NormalizedItem[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < rec.pages.length; i++) {
    const page = await adapter.poll({ config: rec.config, cursor });
    out.push(page.items);
    cursor = page.nextCursor;
  }
  return out;
}

const postsPerRound = (await Promise.all(recorded.map(normalizeAll))).flat(2).length;
const rounds = Math.max(1, Math.ceil(TARGET / postsPerRound));
const bytesPerRound = recorded.reduce((a, r) => a + r.pages.reduce((b, p) => b + Buffer.byteLength(p.body), 0), 0);

const [brand, ...rivals] = DEMO_MARKET.brands;
const entities: TrackedEntity[] = [
  {
    id: 'brd_bench',
    name: brand?.name ?? 'Acme Analytics',
    kind: 'brand',
    aliases: [{ value: 'Acme', caseSensitive: true }],
    ownedDomains: [brand?.domain ?? 'acmeanalytics.com'],
  },
  ...rivals.map((r, i) => ({
    id: `cmp_${i}`,
    name: r.name,
    kind: 'competitor' as const,
    aliases: [],
    ownedDomains: [r.domain],
  })),
];
const analyzer = createAnalyzer(entities);

interface Figure {
  stage: string;
  posts: number;
  wallMs: number;
  cpuMs: number;
}
const figures: Figure[] = [];

async function measure(stage: string, posts: number, body: () => Promise<void> | void): Promise<void> {
  global.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  figures.push({ stage, posts, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 });
}

const posts = rounds * postsPerRound;

// 1. Baseline: JSON.parse of the same payloads.
let sink = 0;
await measure('JSON.parse of the payloads (baseline)', posts, () => {
  for (let r = 0; r < rounds; r++) {
    for (const rec of recorded) for (const p of rec.pages) sink += (JSON.parse(p.body) as unknown[]) ? 1 : 0;
  }
});

// 2. Normalise.
let normalized: NormalizedItem[][] = [];
await measure('normalise (adapters: parse, validate, dedupe, cursor)', posts, async () => {
  normalized = [];
  for (let r = 0; r < rounds; r++) for (const rec of recorded) normalized.push(...(await normalizeAll(rec)));
});

// 3. Analyse + build events.
let events: SignalObservedEvent[][] = [];
await measure('analyse + build signal.observed', posts, () => {
  events = normalized.map((items, i) =>
    toSignalEvents(
      analyzer,
      { tenantId: TENANT, brandId: 'brd_bench', connectorId: `con_bench_${i}`, observedAt: new Date().toISOString() },
      items,
    ),
  );
});
const eventBytes = events.flat().reduce((a, e) => a + Buffer.byteLength(JSON.stringify(e)), 0);

// 4. Publish to kinesalite.
const kinesis = await startKinesisLocal(await claimPort(0, 'kinesalite', 'BENCH_KINESIS_PORT'), null);
await ensureEventStream(kinesis.endpoint);
// kinesalite accepts any credentials; the SDK still wants some.
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
const client = createKinesisClient({ AWS_REGION: 'us-east-1', KINESIS_ENDPOINT: kinesis.endpoint });
const publisher = new KinesisEventPublisher(client, RESOURCE_NAMES.eventStream);
await publisher.publish(events[0]?.slice(0, 10) ?? []); // warm-up: connection and stream
await measure('publish (KinesisEventPublisher → kinesalite)', posts, async () => {
  const all = events.flat();
  for (let i = 0; i < all.length; i += 500) await publisher.publish(all.slice(i, i + 500));
});

// 5. End to end, page by page.
await measure('end to end: normalise + analyse + publish', posts, async () => {
  let page = 0;
  for (let r = 0; r < rounds; r++) {
    for (const rec of recorded) {
      for (const items of await normalizeAll(rec)) {
        const batch = toSignalEvents(
          analyzer,
          {
            tenantId: TENANT,
            brandId: 'brd_bench',
            connectorId: `con_e2e_${page++}`,
            observedAt: new Date().toISOString(),
          },
          items,
        );
        if (batch.length > 0) await publisher.publish(batch);
      }
    }
  }
});
client.destroy();
await kinesis.stop();

const baseline = figures[0];
const perCore = (f: Figure) => f.posts / (f.cpuMs / 1000);
console.log(
  `connectors bench: ${posts} social posts (${rounds} × ${postsPerRound}: Reddit + X pages of the replay corpus), ` +
    `${(bytesPerRound / postsPerRound).toFixed(0)} payload bytes/post, ${(eventBytes / Math.max(1, posts)).toFixed(0)} event bytes/post (${sink > 0 ? 'ok' : '-'})`,
);
console.log(
  'stage'.padEnd(56),
  'posts/s (wall)'.padStart(15),
  'posts/s per core'.padStart(17),
  'vs JSON.parse'.padStart(14),
);
for (const f of figures) {
  const ratio = baseline ? perCore(baseline) / perCore(f) : Number.NaN;
  console.log(
    f.stage.padEnd(56),
    Math.round(f.posts / (f.wallMs / 1000))
      .toLocaleString('en-US')
      .padStart(15),
    Math.round(perCore(f)).toLocaleString('en-US').padStart(17),
    (f === baseline ? '1×' : `${ratio.toFixed(1)}× slower`).padStart(14),
  );
}
process.exit(0);
