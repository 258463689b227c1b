/**
 * Analysis engine benchmark (`npx tsx bench/analysis.bench.ts`). One run, same inputs for every contender:
 * 2,000 synthetic ~2 KB answers and 250 tracked aliases.
 *   (a) mention detection MB/s: engine vs a naive per-alias regex loop (baseline) vs a single pass that only
 *       lower-cases and scans the text (practical limit);
 *   (b) full analysis answers/s on one core;
 *   (c) memory of a compiled configuration with 10,000 aliases.
 * Prints figures and targets; always exits 0 (timings are machine-dependent, so they are reported, not asserted).
 */

import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyzeText, compileEntities, findAliasMatches } from '../shared/analysis/analyze.ts';
import { matcherSizeBytes } from '../shared/analysis/matcher.ts';
import { makeAnswers, makeEntities } from './lib/synthetic.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs fn over all inputs repeatedly for at least minMs; returns bytes/s and items/s. */
function measure(
  inputs: readonly string[],
  fn: (t: string) => number,
  minMs = 1500,
): { mbps: number; perSec: number; sink: number } {
  let sink = 0;
  for (let i = 0; i < Math.min(50, inputs.length); i++) sink += fn(inputs[i]!); // warm-up
  let bytes = 0;
  let items = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (const t of inputs) {
      sink += fn(t);
      bytes += t.length;
      items++;
    }
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return { mbps: bytes / (elapsed / 1000) / 1e6, perSec: items / (elapsed / 1000), sink };
}

const ALIASES = 250;
const entities = makeEntities(ALIASES, 7);
const answers = makeAnswers(entities, 2000, 11);
const totalBytes = answers.reduce((a, t) => a + t.length, 0);
const compiled = compileEntities(entities);
const aliasValues = entities.flatMap((e) => e.aliases.map((a) => a.value));
const naive = aliasValues.map((v) => new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegex(v)}(?![\\p{L}\\p{N}_])`, 'giu'));

console.log(
  `analysis benchmark: ${answers.length} answers, ${(totalBytes / answers.length).toFixed(0)} chars avg (${(totalBytes / 1e6).toFixed(2)} MB), ${aliasValues.length} aliases over ${entities.length} entities, node ${process.version}`,
);

const engine = measure(answers, (t) => findAliasMatches(t, compiled).length);
const limit = measure(answers, (t) => {
  const s = t.toLowerCase();
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h + s.charCodeAt(i)) | 0;
  return h & 1;
});
const baseline = measure(answers.slice(0, 200), (t) => {
  let n = 0;
  for (const re of naive) {
    re.lastIndex = 0;
    while (re.exec(t) !== null) n++;
  }
  return n;
});
const full = measure(answers, (t) => analyzeText(t, compiled).mentions.length, 2500);

const fmt = (x: number, d = 1): string => x.toFixed(d);
console.log('\n(a) mention detection throughput');
console.log(`  engine (one-pass automaton)     ${fmt(engine.mbps)} MB/s`);
console.log(`  naive per-alias regex loop      ${fmt(baseline.mbps, 2)} MB/s`);
console.log(`  lower-case + scan (limit)       ${fmt(limit.mbps)} MB/s`);
console.log(`  engine / naive                  ${fmt(engine.mbps / baseline.mbps)}x   (target >= 30x)`);
console.log(`  engine / limit                  ${fmt(engine.mbps / limit.mbps, 2)}x   (target >= 0.5x)`);
console.log('\n(b) full analysis (mentions, structure, sentiment, citations, positions)');
console.log(`  ${fmt(full.perSec, 0)} answers/s on one core   (target >= 2,000)`);

// (c) Memory for 10,000 aliases.
const big = makeEntities(10_000, 99);
gc();
const before = process.memoryUsage().heapUsed;
let keep: ReturnType<typeof compileEntities> | null = compileEntities(big);
gc();
const after = process.memoryUsage().heapUsed;
const arrays = matcherSizeBytes(keep.matcher);
console.log('\n(c) memory with 10,000 aliases');
console.log(
  `  heap growth ${fmt((after - before) / 1e6)} MB (automaton tables ${fmt(arrays / 1e6)} MB, ${keep.matcher.stateCount} states x ${keep.matcher.classes} classes)   (target < 50 MB)`,
);
keep = null;
console.log(`\n(sink ${(engine.sink + limit.sink + baseline.sink + full.sink) & 1})`);
