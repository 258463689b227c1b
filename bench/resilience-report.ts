/**
 * Runs the resilience suite (`vitest.resilience.config.ts`) and prints one table: load held, faults survived, bad
 * inputs tried, and what was lost (must be 0). Each test appends a line to a ledger file only after its assertions
 * passed, so a row in the table is a check that held. `npx tsx bench/resilience-report.ts [vitest args]`; exits
 * non-zero when a test failed or anything was lost.
 *
 * The heavy variant (`bench/resilience.bench.ts`) sets RESILIENCE_FULL and larger counts through the same env knobs:
 * RESILIENCE_ISOLATION_REQUESTS, RESILIENCE_FUZZ_RUNS, RESILIENCE_INJECTION_E2E, RESILIENCE_LOAD_SECONDS,
 * RESILIENCE_LOAD_CONNECTIONS, RESILIENCE_WS_CLIENTS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Entry {
  kind: 'load' | 'fault' | 'input' | 'auth' | 'isolation';
  name: string;
  count: number;
  lost: number;
  detail?: string;
}

export function runResilienceSuite(extraArgs: string[] = [], env: Record<string, string> = {}) {
  const ledger = join(tmpdir(), `promptpulse-resilience-${process.pid}-${Date.now()}.jsonl`);
  rmSync(ledger, { force: true });
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.resilience.config.ts', ...extraArgs],
    { stdio: 'inherit', env: { ...process.env, ...env, RESILIENCE_LEDGER: ledger } },
  );
  const entries: Entry[] = existsSync(ledger)
    ? readFileSync(ledger, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Entry)
    : [];
  rmSync(ledger, { force: true });
  return { passed: result.status === 0, entries, seconds: (Date.now() - started) / 1000 };
}

const GROUPS: { title: string; kinds: Entry['kind'][] }[] = [
  { title: 'Load held', kinds: ['load'] },
  { title: 'Faults survived', kinds: ['fault'] },
  { title: 'Bad inputs tried', kinds: ['auth', 'isolation', 'input'] },
];

export function reportTable(entries: Entry[], passed: boolean, seconds: number): string {
  const rows: string[][] = [['', 'check', 'count', 'lost', 'figures']];
  for (const group of GROUPS) {
    const mine = entries.filter((e) => group.kinds.includes(e.kind));
    const count = mine.reduce((n, e) => n + e.count, 0);
    const lost = mine.reduce((n, e) => n + e.lost, 0);
    rows.push([group.title, `${mine.length} check(s)`, count.toLocaleString('en-US'), String(lost), '']);
    for (const e of mine) rows.push(['', e.name, e.count.toLocaleString('en-US'), String(e.lost), e.detail ?? '']);
  }
  const lost = entries.reduce((n, e) => n + e.lost, 0);
  rows.push([
    'Lost',
    'answers, events, writes, pushes, cross-tenant bytes',
    '',
    String(lost),
    lost === 0 ? 'must be 0: ok' : 'MUST BE 0',
  ]);
  rows.push([
    'Suite',
    passed ? 'all tests passed' : 'SOME TESTS FAILED (rows cover passed checks only)',
    '',
    '',
    `${seconds.toFixed(0)} s`,
  ]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const fmt = (r: string[]) =>
    `| ${r.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  return [fmt(rows[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(fmt)].join(
    '\n',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { passed, entries, seconds } = runResilienceSuite(process.argv.slice(2));
  console.log(`\nPromptPulse resilience report\n\n${reportTable(entries, passed, seconds)}\n`);
  const lost = entries.reduce((n, e) => n + e.lost, 0);
  process.exit(passed && lost === 0 ? 0 : 1);
}
