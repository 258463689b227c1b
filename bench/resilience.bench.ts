/**
 * The heavy variant of the resilience suite (`npx tsx bench/resilience.bench.ts`): the same tests with larger
 * numbers — 500 WebSocket clients, 30 s of load with more connections, 20,000 isolation requests, more fuzz runs,
 * every base answer style for the injection corpus and 100 injection texts end to end — then two pipeline figures
 * the bounded suite does not attempt: a 5,000-item fan-out and 100,000 events through the stream, each reconciled
 * end to end (every item accounted for, every event counted exactly once in the rollups). Prints the report table
 * and the figures. Env overrides as in bench/resilience-report.ts; BENCH_FANOUT_ITEMS, BENCH_PIPELINE_EVENTS.
 */
import '../local/env-defaults.ts';
import { spawnSync } from 'node:child_process';
import { reportTable, runResilienceSuite } from './resilience-report.ts';

const heavy = {
  RESILIENCE_FULL: '1',
  RESILIENCE_WS_CLIENTS: process.env.RESILIENCE_WS_CLIENTS ?? '500',
  RESILIENCE_LOAD_SECONDS: process.env.RESILIENCE_LOAD_SECONDS ?? '30',
  RESILIENCE_LOAD_CONNECTIONS: process.env.RESILIENCE_LOAD_CONNECTIONS ?? '25',
  RESILIENCE_ISOLATION_REQUESTS: process.env.RESILIENCE_ISOLATION_REQUESTS ?? '20000',
  RESILIENCE_FUZZ_RUNS: process.env.RESILIENCE_FUZZ_RUNS ?? '50',
  RESILIENCE_INJECTION_E2E: process.env.RESILIENCE_INJECTION_E2E ?? '100',
};
const suite = runResilienceSuite([], heavy);
console.log(
  `\nPromptPulse resilience report (heavy variant)\n\n${reportTable(suite.entries, suite.passed, suite.seconds)}\n`,
);

/**
 * The existing end-to-end benchmarks at the sizes, each on a fresh stack; their printed counts are
 * reconciled here (nothing lost, nothing doubled).
 */
const figures: [string, string, Record<string, string>, (out: string) => string | null][] = [
  [
    'fan-out of 5,000 items',
    'bench/fanout.bench.ts',
    { BENCH_ITEMS: process.env.BENCH_FANOUT_ITEMS ?? '5000' },
    (out) => {
      const lost = Number(out.match(/lost (\d+)/)?.[1] ?? Number.NaN);
      const doubled = Number(out.match(/duplicated stored answers (\d+)/)?.[1] ?? Number.NaN);
      return lost === 0 && doubled === 0 ? null : `lost ${lost}, duplicated ${doubled}`;
    },
  ],
  [
    '100,000 events through the pipeline',
    'bench/pipeline-e2e.bench.ts',
    { BENCH_EVENTS: process.env.BENCH_PIPELINE_EVENTS ?? '100000' },
    (out) => {
      const [, done, total] = out.match(/aggregated\s+(\d+) \/ (\d+)/) ?? [];
      return done !== undefined && done === total ? null : `aggregated ${done} of ${total}`;
    },
  ],
];
let ok = suite.passed && suite.entries.every((e) => e.lost === 0);
const summary: string[] = [];
for (const [label, file, env, reconcile] of figures) {
  console.log(`\n== ${label} (${file}) ==`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  process.stdout.write(result.stdout ?? '');
  process.stderr.write((result.stderr ?? '').slice(-4000));
  const problem = result.status !== 0 ? `exit ${result.status}` : reconcile(result.stdout ?? '');
  summary.push(`${label}: ${problem ?? 'reconciled (0 lost, 0 doubled)'}`);
  if (problem) ok = false;
}
console.log(`\n${summary.join('\n')}`);
process.exit(ok ? 0 : 1);
