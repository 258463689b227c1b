import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call } from '../support/api.ts';
import { waitForRun } from '../support/runs.ts';
import { until } from './support/lake.ts';
import { record } from './support/ledger.ts';
import { connectPushClient, mixedLoad, type PushClient } from './support/load.ts';
import { type TenantWorld, twoTenants } from './support/world.ts';

const stack = inject('stack');
const SECONDS = Number(process.env.RESILIENCE_LOAD_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.RESILIENCE_LOAD_CONNECTIONS ?? 10);
const WS_CLIENTS = Number(process.env.RESILIENCE_WS_CLIENTS ?? 100);
let a: TenantWorld;
let b: TenantWorld;
const clients: PushClient[] = [];

beforeAll(async () => {
  ({ a, b } = await twoTenants(stack));
});

afterAll(() => {
  for (const client of clients) client.ws.terminate();
});

const reads = (w: TenantWorld) => [
  '/workspaces/current',
  '/brands',
  `/brands/${w.ids.brandId}`,
  `/brands/${w.ids.brandId}/prompt-set`,
  `/runs?brandId=${w.ids.brandId}&limit=10`,
  `/runs/${w.ids.runId}`,
  `/brands/${w.ids.brandId}/metrics?from=2026-01-01&to=2026-12-31`,
  '/members',
];

describe('sustained mixed load on the local gateway, two tenants', () => {
  it('serves every read and write without an error, and loses no write', async () => {
    const settings = async (w: TenantWorld) =>
      (await call(stack.apiUrl, 'GET', `/brands/${w.ids.brandId}/run-settings`, { token: w.tokens.owner })).json as {
        version: number;
        providers: unknown[];
        schedule: unknown;
      };
    const [sa, sb] = await Promise.all([settings(a), settings(b)]);
    const writeOf = (w: TenantWorld, s: { version: number; providers: unknown[]; schedule: unknown }) => ({
      path: `/brands/${w.ids.brandId}/run-settings`,
      version: s.version,
      body: (i: number) => ({
        providers: s.providers.map((p) => {
          const { provider, model, surface } = p as Record<string, unknown>;
          return { provider, model, surface };
        }),
        samplesPerPrompt: (i % 3) + 1,
        schedule: { kind: 'manual' },
      }),
    });
    const result = await mixedLoad(
      stack.apiUrl,
      [
        { label: 'A', token: a.tokens.owner, reads: reads(a), forbidden: b.secrets, write: writeOf(a, sa) },
        { label: 'B', token: b.tokens.owner, reads: reads(b), forbidden: a.secrets, write: writeOf(b, sb) },
      ],
      { seconds: SECONDS, connections: CONNECTIONS },
    );
    const all = [...result.readers, ...result.writers];
    for (const f of all) {
      expect(f.errors).toBe(0);
      expect(f.timeouts).toBe(0);
      expect(f.non2xx).toBe(0);
      expect(f.leaks).toBe(0);
    }
    // Every acknowledged write is there: the version moved by the number of 200s (plus at most the one request
    // still in flight when the load tool stopped, which the server applied but nobody read the answer of).
    const [fa, fb] = await Promise.all([settings(a), settings(b)]);
    for (const [final, start, writer] of [
      [fa.version, sa.version, result.writers[0]],
      [fb.version, sb.version, result.writers[1]],
    ] as const) {
      expect(writer?.ok ?? 0).toBeGreaterThan(0);
      expect(final - start - (writer?.ok ?? 0)).toBeGreaterThanOrEqual(0);
      expect(final - start - (writer?.ok ?? 0)).toBeLessThanOrEqual(1);
    }
    const total = all.reduce((n, f) => n + f.requests, 0);
    const line = (f: (typeof all)[number], what: string) =>
      `${what}: ${f.requests} req, ${f.rps.toFixed(0)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms`;
    console.log(
      [
        `load (${SECONDS} s, ${CONNECTIONS} reader connections per tenant + 1 writer each):`,
        ...result.readers.map((f, i) => line(f, `  reads ${i === 0 ? 'A' : 'B'}`)),
        ...result.writers.map((f, i) => line(f, `  writes ${i === 0 ? 'A' : 'B'}`)),
      ].join('\n'),
    );
    record({
      kind: 'load',
      name: `mixed read/write load, 2 tenants, ${SECONDS} s`,
      count: total,
      lost: all.reduce((n, f) => n + f.errors + f.timeouts + f.non2xx + f.leaks, 0),
      detail: `reads p50 ${result.readers[0]?.p50} ms / p99 ${result.readers[0]?.p99} ms; writes p50 ${result.writers[0]?.p50} ms / p99 ${result.writers[0]?.p99} ms`,
    });
  });
});

describe(`${WS_CLIENTS} concurrent WebSocket clients across two tenants during runs`, () => {
  it("every client receives exactly its own tenant's pushes", async () => {
    const wsUrl = `${stack.url.replace(/^http/, 'ws')}/ws`;
    const tokensA = Object.values(a.tokens) as string[];
    for (let i = 0; i < WS_CLIENTS; i++) {
      const inA = i % 2 === 0;
      const token = inA ? (tokensA[i % tokensA.length] as string) : b.tokens.owner;
      clients.push(await connectPushClient(wsUrl, token, inA ? 'A' : 'B'));
    }
    const [startA, startB] = await Promise.all([
      call(stack.apiUrl, 'POST', `/brands/${a.ids.brandId}/runs`, { token: a.tokens.owner }),
      call(stack.apiUrl, 'POST', `/brands/${b.ids.brandId}/runs`, { token: b.tokens.owner }),
    ]);
    expect(startA.status, JSON.stringify(startA.json)).toBe(202);
    expect(startB.status, JSON.stringify(startB.json)).toBe(202);
    const runOf = { A: startA.json.runId as string, B: startB.json.runId as string };
    await Promise.all([
      waitForRun(stack.apiUrl, a.tokens.owner, runOf.A),
      waitForRun(stack.apiUrl, b.tokens.owner, runOf.B),
    ]);
    const completed = (c: PushClient) =>
      c.frames.filter((f) => f.type === 'run.completed' && f.run?.id === runOf[c.tenant as 'A' | 'B']).length;
    await until(
      'every client to receive its run.completed',
      async () => (clients.every((c) => completed(c) === 1) ? true : null),
      30_000,
    );
    let foreign = 0;
    let delivered = 0;
    for (const client of clients) {
      const other = runOf[client.tenant === 'A' ? 'B' : 'A'];
      const runFrames = client.frames.filter((f) => f.type.startsWith('run.'));
      delivered += runFrames.length;
      foreign += runFrames.filter((f) => f.run?.id === other).length;
      expect(
        runFrames.every((f) => f.run?.id === runOf[client.tenant as 'A' | 'B']),
        `client of ${client.tenant}`,
      ).toBe(true);
      expect(completed(client)).toBe(1);
    }
    expect(foreign).toBe(0);
    console.log(`websocket: ${clients.length} clients, ${delivered} run pushes delivered, 0 to the wrong tenant`);
    record({
      kind: 'load',
      name: `${clients.length} WebSocket clients across 2 tenants during runs`,
      count: delivered,
      lost: foreign,
    });
  });
});
