/**
 * Fan-out efficiency (issue 4): the real ASL on the local Step Functions runner, the real SDK adapters, the
 * provider simulator with ~1 s ± jitter latency, a per-provider rate limit R and injected 429s/5xx.
 *
 * Prints: achieved throughput / allowed rate, wall time / ideal wall time
 * (ideal = max(items × latency / concurrency, items / allowed rate)), lost and duplicated answers.
 * Env: BENCH_ITEMS (default 5000; rounded to prompts × 4 providers × 10 samples), BENCH_RATE (R per provider,
 * default 6 req/s), BENCH_LATENCY_MS (default 1000).
 */
import '../local/env-defaults.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/adapters/aws/clients.ts';
import { startLocalStack } from '../local/stack.ts';
import { call } from '../test/support/api.ts';
import { freshAccount, ownerOfNewWorkspace } from '../test/support/sessions.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 5000);
const RATE = Number(process.env.BENCH_RATE ?? 6);
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 1000);
const PROVIDERS = [
  { provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' },
  { provider: 'anthropic', model: 'claude-haiku-4-5', surface: 'api' },
  { provider: 'gemini', model: 'gemini-2.5-flash', surface: 'api' },
  { provider: 'perplexity', model: 'sonar', surface: 'api_web_search' },
];
const SAMPLES = 10;
/**
 * Per-provider concurrency from Little's law, times BENCH_CONCURRENCY_FACTOR (default 2): a slot is held for the provider latency plus storing and
 * analysing the answer, and the in-invocation retry-after pacing absorbs the surplus without losing rate; the
 * plan hands it to the workflow's per-provider Map (`MaxConcurrencyPath`). Operators set the same variable
 * from their provider tier's limits.
 */
const CONCURRENCY_FACTOR = Number(process.env.BENCH_CONCURRENCY_FACTOR ?? 2);
const PER_PROVIDER_CONCURRENCY = Math.max(2, Math.ceil(RATE * (LATENCY / 1000) * CONCURRENCY_FACTOR));
process.env.PROVIDER_CONCURRENCY = ['openai', 'anthropic', 'gemini', 'perplexity']
  .map((p) => `${p}=${PER_PROVIDER_CONCURRENCY}`)
  .join(',');

const prompts = Math.max(1, Math.round(ITEMS / (PROVIDERS.length * SAMPLES)));
const items = prompts * PROVIDERS.length * SAMPLES;
const invitationsDir = mkdtempSync(join(tmpdir(), 'bench-invites-'));
const stack = await startLocalStack({
  dataDir: null,
  ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
  schedulerIntervalMs: null,
  seed: false,
  onInvitation: (email, password) => writeFileSync(join(invitationsDir, email), password),
  providerSimulator: {
    faults: {
      default: {
        latencyMs: { mean: LATENCY, jitter: LATENCY * 0.2 },
        rateLimit: { requestsPerSecond: RATE, burst: RATE },
        throttleRate: 0.02,
        retryAfterSeconds: 1,
        serverErrorRate: 0.01,
        unavailableRate: 0.01,
      },
    },
  },
});

try {
  const account = await freshAccount({ url: stack.url, invitationsDir }, 'bench');
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Bench');
  // An operator upgrade: the enterprise plan allows this many prompts; caps are raised for the bench.
  const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.endpoints.dynamodb });
  await db.send(
    new UpdateCommand({
      TableName: 'promptpulse-main',
      Key: { pk: `${owner.tenantId}#WORKSPACE`, sk: 'PROFILE' },
      UpdateExpression: 'SET #plan = :enterprise',
      ExpressionAttributeNames: { '#plan': 'plan' },
      ExpressionAttributeValues: { ':enterprise': 'enterprise' },
    }),
  );
  const token = owner.token;
  await call(stack.apiUrl, 'PUT', '/workspaces/current/spend-caps', {
    token,
    headers: { 'if-match': '"0"' },
    body: {
      callsPerDay: 1e6,
      callsPerMonth: 3e7,
      tokensPerDay: 1e10,
      tokensPerMonth: 3e11,
      usdPerDay: 1e5,
      usdPerMonth: 3e6,
    },
  });
  const brand = await call(stack.apiUrl, 'POST', '/brands', {
    token,
    body: { name: 'Acme Analytics', category: 'Product analytics' },
  });
  await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/prompt-set`, {
    token,
    headers: { 'if-match': '"0"' },
    body: {
      prompts: Array.from({ length: prompts }, (_, i) => ({
        text: `Which product analytics tool is best for use case ${i + 1}?`,
      })),
    },
  });
  // Each provider's model as the catalogue offers it today (a pinned id retires; the catalogue names the successor).
  const catalogue = await call(stack.apiUrl, 'GET', '/model-catalogue', { token });
  const offered = new Map<string, string>(
    (catalogue.json.providers as { provider: string; defaultModel: string | null }[])
      .filter((p) => p.defaultModel)
      .map((p) => [p.provider, p.defaultModel as string]),
  );
  const providers = PROVIDERS.map((p) => ({ ...p, model: offered.get(p.provider) ?? p.model }));
  const settings = await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/run-settings`, {
    token,
    headers: { 'if-match': '"0"' },
    body: { providers, samplesPerPrompt: SAMPLES, schedule: { kind: 'manual' } },
  });
  if (settings.status !== 200) throw new Error(`run settings refused: ${JSON.stringify(settings.json)}`);

  const started = Date.now();
  const res = await call(stack.apiUrl, 'POST', `/brands/${brand.json.id}/runs`, { token });
  if (res.status !== 202) throw new Error(`run refused: ${JSON.stringify(res.json)}`);
  // biome-ignore lint/suspicious/noExplicitAny: the bench reads the run's JSON loosely
  let run: Record<string, any>;
  for (;;) {
    run = (await call(stack.apiUrl, 'GET', `/runs/${res.json.runId}`, { token })).json;
    if (['succeeded', 'partial', 'failed', 'cancelled'].includes(run.status)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const wallSeconds = (Date.now() - started) / 1000;

  // Every stored answer, once: read the items and count distinct answers.
  const answerIds = new Set<string>();
  let answered = 0;
  let cursor: string | null = null;
  do {
    const page = await call(
      stack.apiUrl,
      'GET',
      `/runs/${run.id}/items?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { token },
    );
    for (const item of page.json.items as { answerId: string | null; status: string }[]) {
      if (item.status === 'succeeded' && item.answerId) {
        answered++;
        answerIds.add(item.answerId);
      }
    }
    cursor = page.json.nextCursor;
  } while (cursor);
  const stats = await (await fetch(`${stack.endpoints.providerSimulator}/_control/stats`)).json();

  const allowedRate = RATE * PROVIDERS.length;
  const concurrency = PER_PROVIDER_CONCURRENCY * PROVIDERS.length;
  const ideal = Math.max((items * (LATENCY / 1000)) / concurrency, items / allowedRate);
  const throughput = run.counts.succeeded / wallSeconds;
  const lost = items - run.counts.succeeded - run.counts.failed - run.counts.skipped;
  const served = Object.values(stats as Record<string, { answers: number }>).reduce((n, c) => n + c.answers, 0);
  console.log(
    `fan-out bench: ${items} items (${prompts} prompts × ${PROVIDERS.length} providers × ${SAMPLES} samples)`,
  );
  console.log(
    `  simulator: latency ${LATENCY} ms ± 20%, rate limit R = ${RATE} req/s per provider, 2% 429 + 2% 5xx injected`,
  );
  console.log(`  run status ${run.status}: ${JSON.stringify(run.counts)}`);
  console.log(
    `  wall ${wallSeconds.toFixed(1)} s, ideal ${ideal.toFixed(1)} s  → wall/ideal ${(wallSeconds / ideal).toFixed(2)} (target ≤ 1.15)`,
  );
  console.log(
    `  throughput ${throughput.toFixed(2)} answers/s, allowed ${allowedRate} req/s → ${(throughput / allowedRate).toFixed(2)} of allowed (target ≥ 0.9)`,
  );
  console.log(
    `  lost ${lost} (target 0), duplicated stored answers ${answered - answerIds.size} (target 0), provider answers served ${served} for ${run.counts.succeeded} stored`,
  );
} finally {
  await stack.stop();
}
