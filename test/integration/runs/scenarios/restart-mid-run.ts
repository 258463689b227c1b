/**
 * Scenario run in its own process by restart.test.ts: start a persistent local stack, start a run, stop the
 * stack mid-run, start it again on the same data, and wait for the run to finish. Prints one JSON line with
 * what happened. A separate process, because stopping native emulators mid-request must not take the test
 * runner down with it, and because the functions read their environment once per process (like Lambda).
 */
import '../../../../local/env-defaults.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '../../../../local/stack.ts';
import { call } from '../../../support/api.ts';
import { signInWithPassword } from '../../../support/oidc-flow.ts';

const phase = process.argv[2] ?? 'all';
const dataDir = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'promptpulse-restart-'));
const options = {
  dataDir,
  ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
  schedulerIntervalMs: null,
  providerSimulator: { faults: { default: { latencyMs: { mean: 400, jitter: 50 } } } },
};
const TERMINAL = ['succeeded', 'partial', 'failed', 'cancelled'];

async function signIn(stack: LocalStack) {
  return (await signInWithPassword(stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass')).access_token;
}

if (phase === 'first') {
  const stack = await startLocalStack(options);
  const token = await signIn(stack);
  const brandId = (await call(stack.apiUrl, 'GET', '/brands', { token })).json.items[0].id;
  const runId = (await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token })).json.runId as string;
  let run = (await call(stack.apiUrl, 'GET', `/runs/${runId}`, { token })).json;
  for (let i = 0; i < 300 && run.counts.succeeded < 8; i++) {
    await new Promise((r) => setTimeout(r, 100));
    run = (await call(stack.apiUrl, 'GET', `/runs/${runId}`, { token })).json;
  }
  const done = (await call(stack.apiUrl, 'GET', `/runs/${runId}/items?limit=100&status=succeeded`, { token })).json
    .items;
  console.log(
    `RESULT ${JSON.stringify({ runId, statusBeforeStop: run.status, doneBefore: done.map((i: { itemId: string; attempts: number }) => [i.itemId, i.attempts]) })}`,
  );
  await stack.stop();
  process.exit(0);
} else if (phase === 'second') {
  const runId = process.argv[4] ?? '';
  const stack = await startLocalStack(options);
  const token = await signIn(stack);
  let run = (await call(stack.apiUrl, 'GET', `/runs/${runId}`, { token })).json;
  for (let i = 0; i < 600 && !TERMINAL.includes(run.status); i++) {
    await new Promise((r) => setTimeout(r, 200));
    run = (await call(stack.apiUrl, 'GET', `/runs/${runId}`, { token })).json;
  }
  const items = (await call(stack.apiUrl, 'GET', `/runs/${runId}/items?limit=100`, { token })).json.items;
  console.log(
    `RESULT ${JSON.stringify({ status: run.status, counts: run.counts, items: items.map((i: { itemId: string; attempts: number; answerId: string | null }) => [i.itemId, i.attempts, i.answerId]) })}`,
  );
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
