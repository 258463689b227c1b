/**
 * A real run on the embedded local stack, metered: the fan-out workflow on the local Step Functions runner, the
 * production handlers, the provider simulator at its realistic latency, and counters of what AWS would bill
 * (tools/cost/counters.ts): state transitions from the executions' event history, Lambda invocations with their
 * measured duration, DynamoDB capacity units, Kinesis bytes, S3 requests and WebSocket pushes to one member watching
 * the run (tools/cost/sdk-meter.ts).
 */
import '../../local/env-defaults.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { webSocketProtocols } from '#shared/contracts/websocket-auth.ts';
import { FANOUT_STATE_MACHINE_ARN, startLocalStack } from '../../local/stack.ts';
import type { UsageMeter } from '../../local/usage-meter.ts';
import { call } from '../../test/support/api.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../test/support/sessions.ts';
import { emptyCounters, type UsageCounters } from './counters.ts';
import { startSdkMeter } from './sdk-meter.ts';

/** The Map whose iterations run as Standard child executions in AWS (cdk/asl.ts DISTRIBUTED_MAP_PATH). */
const CHILD_EXECUTION_MAP = 'Items';

export interface MeasureOptions {
  prompts: number;
  samplesPerPrompt: number;
  /** The provider and model the run asks (the simulator answers as that model). */
  provider: { provider: string; model: string; surface: string };
  /** Concurrent asks (the workflow's per-provider Map concurrency). */
  concurrency: number;
  /** Configured memory (MB) of a function, by the name the counters use (task state name, `Aggregate`). */
  memoryOf: (fn: string) => number;
  log?: (line: string) => void;
}

export interface Measurement {
  counters: UsageCounters;
  status: string;
  /** The run's answers' token usage, as the run records it. */
  usage: { inputTokens: number; outputTokens: number };
  wallSeconds: number;
}

export async function measureRun(options: MeasureOptions): Promise<Measurement> {
  const counters = emptyCounters();
  const meter: UsageMeter = {
    lambda(fn, ms) {
      counters.lambda[fn] ??= { invocations: 0, totalMs: 0, memoryMb: options.memoryOf(fn) };
      counters.lambda[fn].invocations++;
      counters.lambda[fn].totalMs += ms;
    },
    workflowEvent(arn, event) {
      if (arn !== FANOUT_STATE_MACHINE_ARN) return;
      // Standard bills each state entered, and each retry of a state, as a transition.
      if (event.type === 'StateEntered' || event.type === 'StateRetried') counters.stateTransitions++;
      if (event.type === 'MapIterationStarted' && event.parentState?.name === CHILD_EXECUTION_MAP)
        counters.childExecutions++;
    },
  };
  process.env.PROVIDER_CONCURRENCY = `${options.provider.provider}=${options.concurrency}`;
  const invitationsDir = mkdtempSync(join(tmpdir(), 'cost-invites-'));
  const stack = await startLocalStack({
    dataDir: null,
    ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
    schedulerIntervalMs: null,
    seed: false,
    onInvitation: (email, password) => writeFileSync(join(invitationsDir, email), password),
    providerSimulator: { latencyScale: 1 },
    lakeBuffer: { intervalMs: 1000 },
    meter,
    ...(options.log ? { log: options.log } : {}),
  });
  let stopSdkMeter: (() => void) | null = null;
  let watcher: WebSocket | null = null;
  try {
    const account = await freshAccount({ url: stack.url, invitationsDir }, 'cost');
    const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Cost');
    const token = owner.token;
    const brand = await call(stack.apiUrl, 'POST', '/brands', {
      token,
      body: { name: 'Acme Analytics', category: 'Product analytics' },
    });
    await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/prompt-set`, {
      token,
      headers: { 'if-match': '"0"' },
      body: {
        prompts: Array.from({ length: options.prompts }, (_, i) => ({
          text: `Which product analytics tool is best for use case ${i + 1}?`,
        })),
      },
    });
    const settings = await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/run-settings`, {
      token,
      headers: { 'if-match': '"0"' },
      body: { providers: [options.provider], samplesPerPrompt: options.samplesPerPrompt, schedule: { kind: 'manual' } },
    });
    if (settings.status >= 300) throw new Error(`run settings refused: ${JSON.stringify(settings.json)}`);

    // One member watches the run live (the Runs page): progress is pushed to the tenant's open connections.
    const ws = new WebSocket(stack.websocketUrl, webSocketProtocols(token));
    watcher = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });

    // Count from the run's start: signing up and configuring the brand are not part of a run.
    stopSdkMeter = startSdkMeter(counters);
    const started = Date.now();
    const res = await call(stack.apiUrl, 'POST', `/brands/${brand.json.id}/runs`, { token });
    if (res.status !== 202) throw new Error(`run refused: ${JSON.stringify(res.json)}`);
    // biome-ignore lint/suspicious/noExplicitAny: the tool reads the run's JSON loosely
    let run: Record<string, any>;
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      run = (await call(stack.apiUrl, 'GET', `/runs/${res.json.runId}`, { token })).json;
      if (['succeeded', 'partial', 'failed', 'cancelled'].includes(run.status)) break;
    }
    const wallSeconds = (Date.now() - started) / 1000;
    // Let the stream consumers and the lake catch up with the run's last events.
    await new Promise((r) => setTimeout(r, 5000));
    counters.executions = run.counts.succeeded + run.counts.failed;
    return {
      counters,
      status: run.status,
      usage: { inputTokens: run.usage?.inputTokens ?? 0, outputTokens: run.usage?.outputTokens ?? 0 },
      wallSeconds,
    };
  } finally {
    stopSdkMeter?.();
    // Close the watcher while the table is still up (its $disconnect forgets the connection).
    const closing = watcher;
    if (closing && closing.readyState === WebSocket.OPEN) {
      await new Promise((resolve) => {
        closing.once('close', resolve);
        closing.close();
      });
      await new Promise((r) => setTimeout(r, 500));
    }
    await stack.stop();
    rmSync(invitationsDir, { recursive: true, force: true });
  }
}
