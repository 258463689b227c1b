/**
 * Swing detector benchmark (`npx tsx bench/signals.bench.ts`): the detector's cost for 1 year × 50 brands of daily
 * series, each brand with 5 sources + `all` (300 series, 109,500 series-days), with planted swings.
 *   - incremental: `detectSwings` (sorted sliding windows, running sums: O(w) per day);
 *   - baseline: `detectSwingsNaive`, the same judgement with every 28-day window recomputed from scratch
 *     (slice, filter, sort, deviations, sort again: O(w log w) per day), measured in the same run on the same series;
 *   - the consumer's shape: the last 14 days judged on the 42 days it reads (what one batch does per brand).
 * Contenders run in interleaved rounds; figures are medians. Prints figures and ratios; always exits 0.
 */
import { performance } from 'node:perf_hooks';
import { detectSwings, detectSwingsNaive, type SignalDayPoint } from '../shared/signals/swing-detector.ts';
import { generateSeries, type PlantKind, seededRandom } from '../test/unit/signals/synthetic-series.ts';

const BRANDS = 50;
const SOURCES = 6;
const DAYS = 365;
const ROUNDS = 7;

const random = seededRandom(2026);
const kinds: PlantKind[] = ['volume-spike', 'volume-drop', 'sentiment-drop', 'sentiment-rise', 'collection-drop'];
const series: SignalDayPoint[][] = [];
for (let b = 0; b < BRANDS; b++) {
  for (let s = 0; s < SOURCES; s++) {
    const plants = Array.from({ length: 8 }, (_, i) => ({
      dayIndex: 40 + i * 40 + Math.floor(random() * 20),
      kind: kinds[Math.floor(random() * kinds.length)] as PlantKind,
    }));
    // Sources from quiet (a few news articles a day) to busy (hundreds of posts a day).
    const lambda = [2, 8, 25, 60, 150, 245][s] as number;
    series.push(generateSeries({ lambda, sentimentMean: -0.1 + random() * 0.5, days: DAYS, plants }, random));
  }
}
const seriesDays = series.reduce((a, s) => a + s.length, 0);
const lastDays = (points: SignalDayPoint[]) => new Set(points.slice(-14).map((p) => p.day));
const recent = series.map(lastDays);
// What the consumer reads per judged brand: the judged days and the 28 days of baseline before them.
const recentWindows = series.map((s) => s.slice(-(14 + 28)));

interface Contender {
  name: string;
  /** Series-days the contender walks. */
  days: number;
  run: () => number;
  ms: number[];
}
const contenders: Contender[] = [
  {
    name: 'incremental (detectSwings), full year',
    days: seriesDays,
    run: () => series.reduce((a, s) => a + detectSwings(s).length, 0),
    ms: [],
  },
  {
    name: 'naive full-window recomputation, full year',
    days: seriesDays,
    run: () => series.reduce((a, s) => a + detectSwingsNaive(s).length, 0),
    ms: [],
  },
  {
    name: 'incremental, last 14 days judged (consumer)',
    days: series.length * 42,
    run: () => recentWindows.reduce((a, s, i) => a + detectSwings(s, { days: recent[i] as Set<string> }).length, 0),
    ms: [],
  },
];

// Same answer from both full-year contenders, or the comparison means nothing.
const findings = contenders.map((c) => c.run());
if (findings[0] !== findings[1]) throw new Error(`incremental found ${findings[0]}, naive ${findings[1]}`);

for (let round = 0; round < ROUNDS; round++) {
  for (const c of contenders) {
    const start = performance.now();
    c.run();
    c.ms.push(performance.now() - start);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

console.log(
  `Swing detector: ${BRANDS} brands × ${SOURCES} series (5 sources + all) × ${DAYS} days = ${series.length} series, ` +
    `${seriesDays.toLocaleString()} series-days; ${findings[0]} findings (${findings[2]} in the last 14 days). Median of ${ROUNDS} rounds:`,
);
for (const c of contenders) {
  const ms = median(c.ms);
  console.log(
    `  ${c.name.padEnd(46)} ${ms.toFixed(1).padStart(8)} ms total  ${((ms / series.length) * 1000).toFixed(1).padStart(8)} µs/series  ${((ms / c.days) * 1e6).toFixed(0).padStart(6)} ns/series-day`,
  );
}
const [fast, naive, consumer] = contenders.map((c) => median(c.ms)) as [number, number, number];
console.log(`  naive / incremental: ${(naive / fast).toFixed(2)}× (same findings)`);
console.log(`  one brand's 6 series, last 14 days judged: ${((consumer / BRANDS) * 1000).toFixed(0)} µs`);
