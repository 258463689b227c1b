/**
 * Warm API latency through the local gateway (issue 23): the embedded local stack (DynamoDB Local, kinesalite, the
 * S3 stand-in, the local issuer; seeded), two tenants signed in — the demo workspace and the seeded Globex one, each
 * with a small brand, a finished run, a planted answer history and an action the engine raised from it — then, per
 * route group, BENCH_RATE requests/s (default 50, half from each tenant) for BENCH_SECONDS (default 10) after a
 * warm-up, reads over BENCH_READ_CONNECTIONS connections per tenant (default 4), and p50 / p95 / p99 of every
 * response, beside `GET /health` measured the same way in the same run.
 *
 *   reads   brands list, metrics (1 year), prompt set, runs list, actions list, warehouse trends (90 days);
 *   writes  PUT prompt set and PUT run settings with If-Match, PATCH an action (due date) with If-Match; one
 *           connection per tenant, each request carrying the version the previous answer returned.
 *
 * Targets (issue 23): warm p95 <= 50 ms for reads, <= 120 ms for writes. The load generator (autocannon) runs in the
 * same process as the stack, as every local bench does: the health route pays the same client cost, hence the ratio.
 * Prints the figures and whether each target is met; exits 0 either way (a benchmark, not a gate), 1 on a setup
 * failure or a non-2xx answer under load. `npm run bench:api`.
 */
import '../local/env-defaults.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startLocalStack } from '../local/stack.ts';
import { addDays } from '../shared/events/rollups.ts';
import { type TenantWorld, twoTenants } from '../test/resilience/support/world.ts';
import { daysAgo, plantAnswerHistory } from '../test/support/actions-fixtures.ts';
import { call } from '../test/support/api.ts';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const READ_CONNECTIONS = Number(process.env.BENCH_READ_CONNECTIONS ?? 4);
const TARGET_MS = { read: 50, write: 120 } as const;

const invitationsDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
const stack = await startLocalStack({
  dataDir: null,
  ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
  schedulerIntervalMs: null,
  lakeBuffer: { intervalMs: 1000 },
  providerSimulator: { latencyScale: 0.01 },
  onInvitation: (email, password) => writeFileSync(join(invitationsDir, email), password),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

/** One request shape per tenant; `write` requests carry If-Match from the version the last answer returned. */
interface Group {
  label: string;
  kind: 'baseline' | 'read' | 'write';
  request: (w: TenantWorld) => {
    method: 'GET' | 'PUT' | 'PATCH';
    path: string;
    body?: (i: number) => unknown;
    version?: number;
  };
}

/** Every tenant plants a history the engine turns into an action (as test/integration/actions does); returns its id. */
async function actionOf(w: TenantWorld): Promise<string> {
  const token = w.tokens.owner;
  const brand = (await call(stack.apiUrl, 'GET', `/brands/${w.ids.brandId}`, { token })).json;
  await plantAnswerHistory({
    kinesisEndpoint: stack.endpoints.kinesis,
    tenantId: w.tenantId,
    brand: brand as never,
    day: daysAgo(2),
    count: 40,
    brandMentions: 4,
    competitorMentions: 30,
    tag: `bench${w.tenantId.slice(-6)}`,
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    await call(stack.apiUrl, 'POST', `/brands/${brand.id}/actions/generate`, { token });
    const list = await call(stack.apiUrl, 'GET', `/actions?brandId=${brand.id}&limit=1`, { token });
    const id = list.json?.items?.[0]?.id as string | undefined;
    if (id) return id;
    if (Date.now() > deadline) throw new Error(`no action raised for ${w.tenantId}`);
    await sleep(1000);
  }
}

/** Drives one group at RATE/s from both tenants for SECONDS; every response time, in ms. */
async function drive(group: Group, worlds: TenantWorld[]) {
  const url = new URL(stack.apiUrl);
  const base = url.pathname.replace(/\/$/, '');
  const times: number[] = [];
  let failures = 0;
  let firstFailure = '';
  const runs = worlds.map(async (w) => {
    const spec = group.request(w);
    const headers = { authorization: `Bearer ${w.tokens.owner}`, 'content-type': 'application/json' };
    let version = spec.version ?? 0;
    let i = 0;
    const headersNow = () => (spec.method === 'GET' ? headers : { ...headers, 'if-match': `"${version}"` });
    const answered = (status: number, body: string) => {
      if (status >= 200 && status < 300) {
        if (spec.method !== 'GET') version = (JSON.parse(body) as { version: number }).version;
      } else {
        failures++;
        firstFailure ||= `${status} ${body.slice(0, 200)}`;
      }
    };
    // Warm-up: sequential requests, not measured (first-use imports, connections, caches).
    for (let k = 0; k < WARMUP; k++) {
      const res = await fetch(`${stack.apiUrl}${spec.path}`, {
        method: spec.method,
        headers: headersNow(),
        body: spec.body ? JSON.stringify(spec.body(i++)) : undefined,
      });
      answered(res.status, await res.text());
    }
    const instance = autocannon({
      url: url.origin,
      connections: spec.method === 'GET' ? READ_CONNECTIONS : 1,
      overallRate: RATE / worlds.length,
      duration: SECONDS,
      requests: [
        {
          method: spec.method,
          path: `${base}${spec.path}`,
          setupRequest: (request: Record<string, unknown>) => ({
            ...request,
            headers: headersNow(),
            ...(spec.body ? { body: JSON.stringify(spec.body(i++)) } : {}),
          }),
          onResponse: answered,
        },
      ],
    });
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms));
    const result = await instance;
    failures += result.errors + result.timeouts;
  });
  await Promise.all(runs);
  times.sort((a, b) => a - b);
  return {
    count: times.length,
    rps: times.length / SECONDS,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    failures,
    firstFailure,
  };
}

let exitCode = 0;
try {
  const started = performance.now();
  const { a, b } = await twoTenants({ ...stack, demoTenantId: stack.demoTenantId ?? '' } as never);
  const worlds = [a, b];
  const actions = await Promise.all(worlds.map(actionOf));
  const actionIdOf = (w: TenantWorld) => actions[worlds.indexOf(w)] as string;
  const versionOf = async (w: TenantWorld, path: string) =>
    (await call(stack.apiUrl, 'GET', path, { token: w.tokens.owner })).json.version as number;
  const settings = await Promise.all(
    worlds.map(async (w) => {
      const s = (await call(stack.apiUrl, 'GET', `/brands/${w.ids.brandId}/run-settings`, { token: w.tokens.owner }))
        .json;
      return {
        version: s.version as number,
        providers: (s.providers as Record<string, unknown>[]).map(({ provider, model, surface }) => ({
          provider,
          model,
          surface,
        })),
      };
    }),
  );
  const promptSetVersions = await Promise.all(worlds.map((w) => versionOf(w, `/brands/${w.ids.brandId}/prompt-set`)));
  const actionVersions = await Promise.all(worlds.map((w) => versionOf(w, `/actions/${actionIdOf(w)}`)));
  const to = addDays(new Date().toISOString().slice(0, 10), -1);
  const year = `from=${addDays(to, -364)}&to=${to}`;
  const last90 = `from=${addDays(to, -89)}&to=${to}`;
  // The first warehouse query loads the lake into DuckDB; wait for it before measuring (the gateway may time out).
  for (const w of worlds)
    for (let attempt = 0; ; attempt++) {
      const res = await call(stack.apiUrl, 'GET', `/brands/${w.ids.brandId}/analytics/trends?${last90}`, {
        token: w.tokens.owner,
      });
      if (res.status === 200) break;
      if (attempt > 40 || res.status < 500) throw new Error(`warehouse: ${res.status} ${JSON.stringify(res.json)}`);
      await sleep(3000);
    }
  console.log(
    `API latency benchmark: stack up, 2 tenants with a brand, a run and an action each, in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );

  const at = (w: TenantWorld) => worlds.indexOf(w);
  const groups: Group[] = [
    { label: 'GET /health (baseline)', kind: 'baseline', request: () => ({ method: 'GET', path: '/health' }) },
    { label: 'brands list', kind: 'read', request: () => ({ method: 'GET', path: '/brands' }) },
    {
      label: 'metrics, 1 year',
      kind: 'read',
      request: (w) => ({ method: 'GET', path: `/brands/${w.ids.brandId}/metrics?${year}` }),
    },
    {
      label: 'prompt set',
      kind: 'read',
      request: (w) => ({ method: 'GET', path: `/brands/${w.ids.brandId}/prompt-set` }),
    },
    {
      label: 'runs list',
      kind: 'read',
      request: (w) => ({ method: 'GET', path: `/runs?brandId=${w.ids.brandId}&limit=10` }),
    },
    {
      label: 'actions list',
      kind: 'read',
      request: (w) => ({ method: 'GET', path: `/actions?brandId=${w.ids.brandId}` }),
    },
    {
      label: 'analytics trends, 90 days',
      kind: 'read',
      request: (w) => ({ method: 'GET', path: `/brands/${w.ids.brandId}/analytics/trends?${last90}` }),
    },
    {
      label: 'PUT prompt set (If-Match)',
      kind: 'write',
      request: (w) => ({
        method: 'PUT',
        path: `/brands/${w.ids.brandId}/prompt-set`,
        version: promptSetVersions[at(w)],
        body: (i) => ({
          prompts: [{ text: 'Which tools compete with us?' }, { text: `Is the product any good? (${i % 7})` }],
          note: `bench ${i}`,
        }),
      }),
    },
    {
      label: 'PUT run settings (If-Match)',
      kind: 'write',
      request: (w) => ({
        method: 'PUT',
        path: `/brands/${w.ids.brandId}/run-settings`,
        version: settings[at(w)]?.version,
        body: (i) => ({
          providers: settings[at(w)]?.providers,
          samplesPerPrompt: (i % 3) + 1,
          schedule: { kind: 'manual' },
        }),
      }),
    },
    {
      label: 'PATCH action (If-Match)',
      kind: 'write',
      request: (w) => ({
        method: 'PATCH',
        path: `/actions/${actionIdOf(w)}`,
        version: actionVersions[at(w)],
        body: (i) => ({ dueDate: `2027-01-${String((i % 28) + 1).padStart(2, '0')}` }),
      }),
    },
  ];

  console.log(
    `\nlatency through the local gateway, ms: ${RATE} requests/s (half per tenant) for ${SECONDS} s per group, after ${WARMUP} warm-up requests per tenant`,
  );
  const head = `  ${'route group'.padEnd(30)}${'n'.padStart(6)}${'req/s'.padStart(7)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}   p95 / health   target`;
  console.log(head);
  let health = Number.NaN;
  for (const group of groups) {
    const r = await drive(group, worlds);
    if (group.kind === 'baseline') health = r.p95;
    const target = group.kind === 'baseline' ? null : TARGET_MS[group.kind];
    const verdict = target === null ? '' : `p95 <= ${target}: ${r.p95 <= target ? 'met' : 'NOT met'}`;
    console.log(
      `  ${group.label.padEnd(30)}${String(r.count).padStart(6)}${r.rps.toFixed(0).padStart(7)}${r.p50.toFixed(1).padStart(8)}${r.p95.toFixed(1).padStart(8)}${r.p99.toFixed(1).padStart(8)}   ${`${(r.p95 / health).toFixed(1)}x`.padStart(12)}   ${verdict}`,
    );
    if (r.failures > 0) {
      console.log(`    ${r.failures} failed answers, first: ${r.firstFailure}`);
      exitCode = 1;
    }
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(exitCode);
