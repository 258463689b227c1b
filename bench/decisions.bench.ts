/**
 * Decisions bench (`npm run bench:decisions`): how often actions and swing alerts fire when nothing changed, how
 * fast they catch planted changes, and whether intervals cover what they claim, for TODAY's decision functions
 * (frozen in bench/lib/legacy-*.ts) and the current ones, on the same simulated data in the same run.
 *
 * Data: bench/lib/market.ts (seeded; its header states the variance assumptions: 3 correlated samples per prompt,
 * prompt, provider-day and run shocks, weekly seasonality, overdispersed social counts, day-level sentiment
 * shocks). Seeds: figures in docs come from the default SEED_BASE=1000 (sealed: never used while tuning); tuning
 * used SEED_BASE=1. Sizes scale with BENCH_SCALE (default 1). Prints figures; always exits 0.
 */

import { generateCandidates } from '../shared/actions/engine.ts';
import { reconcile } from '../shared/actions/reconcile.ts';
import type { ActionSnapshot } from '../shared/actions/snapshot.ts';
import { clusteredMean, clusteredProportion, proportion } from '../shared/analysis/stats.ts';
import type { Action } from '../shared/contracts/actions.ts';
import { cellClusters, meanFromSums, metricsFromRollups, sumCounters } from '../shared/events/rollups.ts';
import type { RollupCell } from '../shared/ports/rollups.ts';
import { detectSwings, type SignalDayPoint, type SwingFinding } from '../shared/signals/swing-detector.ts';
import { legacyGenerateCandidates } from './lib/legacy-decisions.ts';
import { detectSwings as legacyDetectSwings } from './lib/legacy-swings.ts';
import {
  AnswerMarket,
  BRAND,
  COMPETITORS,
  ENTITIES,
  type GapPlant,
  SOURCE_RATES,
  signalSeries,
  TOPICS,
} from './lib/market.ts';

const SEED_BASE = Number(process.env.SEED_BASE ?? 1000);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const WARMUP = 35;
const EVAL_DAYS = 60;
const MONTH = 30;
/** Comma-separated subset of actions,gaps,swings,coverage (default: all). */
const SECTIONS = new Set((process.env.SECTIONS ?? 'actions,gaps,swings,coverage').split(','));

type Engine = 'today' | 'new';
/**
 * Today's engine predates the per-prompt counters (`p#…`) and never reads them, but summing them dominated its
 * time: it gets the cells without them (same decisions, cached per cell).
 */
const promptFree = new WeakMap<RollupCell, RollupCell>();
const withoutPromptCounters = (cells: RollupCell[]) =>
  cells.map((c) => {
    let out = promptFree.get(c);
    if (!out) {
      out = { ...c, counters: Object.fromEntries(Object.entries(c.counters).filter(([k]) => !k.startsWith('p#'))) };
      promptFree.set(c, out);
    }
    return out;
  });
const ENGINES: Record<Engine, typeof generateCandidates> = {
  today: ((s: ActionSnapshot) =>
    legacyGenerateCandidates({
      ...s,
      current: { ...s.current, cells: withoutPromptCounters(s.current.cells) },
      baseline: { ...s.baseline, cells: withoutPromptCounters(s.baseline.cells) },
    } as never)) as unknown as typeof generateCandidates,
  new: generateCandidates,
};

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const pad = (s: string, n: number) => s.padEnd(n);

function asAction(c: ReturnType<typeof generateCandidates>['candidates'][number], at: string, id: string): Action {
  return {
    ...c,
    id,
    brandId: BRAND,
    status: 'open',
    owner: null,
    dueDate: null,
    dismissReason: null,
    comments: [],
    outcome: null,
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    refreshCount: 0,
    version: 1,
  } as Action;
}

// ---- 1. Actions per brand per month on markets with no true change ------------------------------------------------

interface Counts {
  byType: Map<string, number>;
  total: number;
}
const counts = (): Counts => ({ byType: new Map(), total: 0 });
const bump = (c: Counts, type: string) => {
  c.byType.set(type, (c.byType.get(type) ?? 0) + 1);
  c.total++;
};

function nullActions(markets: number) {
  // Policies: nobody closes an action (re-detections only update it), or an analyst dismisses each one the day
  // after it appears (it may come back after the 14-day cooldown with new evidence).
  const result: Record<Engine, { open: Counts; dismissed: Counts }> = {
    today: { open: counts(), dismissed: counts() },
    new: { open: counts(), dismissed: counts() },
  };
  for (let m = 0; m < markets; m++) {
    const market = new AnswerMarket(SEED_BASE + m);
    const stores: Record<Engine, { open: Action[]; dismissed: Action[] }> = {
      today: { open: [], dismissed: [] },
      new: { open: [], dismissed: [] },
    };
    for (let day = 0; day < WARMUP + EVAL_DAYS; day++) {
      market.simulateDay(day, day >= WARMUP - 3);
      market.forget(day - 3);
      if (day < WARMUP) continue;
      const snapshot = market.snapshot(day);
      const now = new Date(snapshot.now);
      for (const engine of ['today', 'new'] as const) {
        const { candidates } = ENGINES[engine](snapshot);
        for (const policy of ['open', 'dismissed'] as const) {
          const store = stores[engine][policy];
          if (policy === 'dismissed') {
            for (const a of store) {
              if (a.status === 'open' && Date.parse(a.createdAt) < now.getTime() - 12 * 3_600_000) {
                a.status = 'dismissed';
                a.closedAt = new Date(now.getTime() - 3_600_000).toISOString();
              }
            }
          }
          const plan = reconcile(candidates, store, now);
          for (const c of plan.create) {
            store.push(asAction(c, snapshot.now, `act_${store.length}`));
            bump(result[engine][policy], c.type);
          }
          for (const u of plan.update)
            Object.assign(u.action, { evidenceFingerprint: u.candidate.evidenceFingerprint });
        }
      }
    }
  }
  return result;
}

// ---- 2. Detection of planted gaps -------------------------------------------------------------------------------

function plantedGaps(gap: number, markets: number) {
  const plantDay = WARMUP + 14;
  const horizon = 21;
  const found: Record<Engine, number[]> = { today: [], new: [] };
  for (let m = 0; m < markets; m++) {
    const plant: GapPlant = {
      competitor: COMPETITORS[m % COMPETITORS.length] as string,
      topic: TOPICS[m % TOPICS.length] as string,
      gap,
      fromDay: plantDay,
    };
    const market = new AnswerMarket(SEED_BASE + 500 + m, [plant]);
    const first: Record<Engine, number | null> = { today: null, new: null };
    for (let day = 0; day < plantDay + horizon; day++) {
      market.simulateDay(day, day >= plantDay - 3);
      market.forget(day - 3);
      if (day < plantDay) continue;
      const snapshot = market.snapshot(day);
      for (const engine of ['today', 'new'] as const) {
        if (first[engine] !== null) continue;
        const hit = ENGINES[engine](snapshot).candidates.some(
          (c) =>
            (c.type === 'content_gap' && c.dedupeKey === `content_gap|topic=${plant.topic}`) ||
            (c.type === 'competitor_gap' && c.dedupeKey.startsWith(`competitor_gap|${plant.competitor}|`)),
        );
        if (hit) first[engine] = day - plantDay;
      }
      if (first.today !== null && first.new !== null) break;
    }
    for (const engine of ['today', 'new'] as const) found[engine].push(first[engine] ?? Number.POSITIVE_INFINITY);
  }
  return found;
}

// ---- 3. Swing alerts ----------------------------------------------------------------------------------------------

type Detector = (
  points: readonly SignalDayPoint[],
  o?: { days?: ReadonlySet<string> },
) => Pick<SwingFinding, 'day' | 'metric' | 'direction' | 'suppressed'>[];
const DETECTORS: Record<Engine, Detector> = { today: legacyDetectSwings as Detector, new: detectSwings };
const SIGNAL_DAYS = 150;
const JUDGED_FROM = 42;

function nullSwings(brands: number) {
  const alerts: Record<Engine, number> = { today: 0, new: 0 };
  const critical: Record<Engine, number> = { today: 0, new: 0 };
  for (let b = 0; b < brands; b++) {
    for (const points of signalSeries(SEED_BASE + 2000 + b, SIGNAL_DAYS)) {
      const days = new Set(points.slice(JUDGED_FROM).map((p) => p.day));
      for (const engine of ['today', 'new'] as const) {
        const found = (DETECTORS[engine](points, { days }) as SwingFinding[]).filter((f) => f.suppressed === null);
        alerts[engine] += found.length;
        critical[engine] += found.filter((f) => f.severity === 'critical').length;
      }
    }
  }
  const months = (brands * (SIGNAL_DAYS - JUDGED_FROM)) / MONTH;
  return { perBrandMonth: { today: alerts.today / months, new: alerts.new / months }, critical, alerts };
}

function plantedSwings(kind: 'volume' | 'sentiment', source: number, brands: number, planted = true) {
  const fromDay = 100;
  const found: Record<Engine, number[]> = { today: [], new: [] };
  for (let b = 0; b < brands; b++) {
    const series = signalSeries(SEED_BASE + 3000 + b, fromDay + 7, planted ? [{ source, kind, fromDay, days: 7 }] : []);
    const points = series[source] as SignalDayPoint[];
    const days = new Set(points.slice(fromDay).map((p) => p.day));
    for (const engine of ['today', 'new'] as const) {
      const hits = (DETECTORS[engine](points, { days }) as SwingFinding[])
        .filter(
          (f) => f.suppressed === null && f.metric === kind && f.direction === (kind === 'volume' ? 'up' : 'down'),
        )
        .map((f) => points.findIndex((p) => p.day === f.day) - fromDay);
      found[engine].push(hits.length > 0 ? Math.min(...hits) : Number.POSITIVE_INFINITY);
    }
  }
  return found;
}

// ---- 4. Interval coverage under clustered sampling ----------------------------------------------------------------

const LONG_RUN_DAYS = 300;

/**
 * Coverage of the 95% intervals of a week of runs (one topic, non-branded) of the long-run values over the same
 * prompts, over several markets (one market's prompts fix its target; coverage varies between markets). Three
 * interval procedures on the same weeks: today's (plain Wilson / normal, answers as independent), the action
 * engine's evidence (clusters = provider-days for rates, days for sentiment), and the Analytics API's (the metrics
 * reader over the week's day cells, its per-prompt counters as clusters nested in provider-days or days: the same
 * `clusteredProportion` / `clusteredMean` the web uses).
 */
function coverage(markets: number, weeksPerMarket: number) {
  const topic = TOPICS[0] as string;
  const keys = ['mentionRate', 'shareOfVoice', 'sentiment'] as const;
  const zero = () => ({ mentionRate: 0, shareOfVoice: 0, sentiment: 0 });
  const hits = { today: zero(), new: zero(), api: zero() };
  const widths = { today: 0, new: 0, api: 0 };
  const covers = (ci: readonly number[] | null | undefined, x: number) =>
    ci && (ci[0] as number) <= x && x <= (ci[1] as number) ? 1 : 0;
  const mvNB = (c: Record<string, number>) => ENTITIES.reduce((a, e) => a + (c[`e#${e}#mvNB`] ?? 0), 0);
  for (let mk = 0; mk < markets; mk++) {
    const market = new AnswerMarket(SEED_BASE + 4000 + mk);
    // The targets: long-run values over these prompts (same market, same prompts, fresh shocks).
    const longRun: ReturnType<typeof sumCounters>[] = [];
    for (let day = 0; day < LONG_RUN_DAYS; day++) {
      market.simulateDay(day, false);
      longRun.push(
        ...(market.cellsByDay[day] ?? [])
          .filter((c) => c.dims.topic === topic && !c.dims.branded)
          .map((c) => c.counters),
      );
      market.cellsByDay[day] = [];
    }
    const all = sumCounters(longRun);
    const target = {
      mentionRate: (all[`e#${BRAND}#m`] ?? 0) / (all.n ?? 1),
      shareOfVoice: (all[`e#${BRAND}#mvNB`] ?? 0) / mvNB(all),
      sentiment: (all[`e#${BRAND}#as`] ?? 0) / (all[`e#${BRAND}#asN`] ?? 1),
    };
    for (let w = 0; w < weeksPerMarket; w++) {
      const days: Record<string, number>[] = [];
      const cells: RollupCell[] = [];
      for (let d = 0; d < 7; d++) {
        const day = LONG_RUN_DAYS + w * 7 + d;
        market.simulateDay(day, false);
        const dayCells = (market.cellsByDay[day] ?? []).filter((c) => c.dims.topic === topic && !c.dims.branded);
        days.push(sumCounters(dayCells.map((c) => c.counters)));
        cells.push(...dayCells);
        market.cellsByDay[day] = [];
      }
      const week = sumCounters(days);
      const providerDays = cells.map((c) => c.counters);
      const m = `e#${BRAND}#m`;
      const sv = `e#${BRAND}#mvNB`;
      const [s, sN, s2] = [`e#${BRAND}#as`, `e#${BRAND}#asN`, `e#${BRAND}#as2`];
      const api = metricsFromRollups(sumCounters(cells.map(cellClusters)), {
        brandId: BRAND,
        competitorIds: COMPETITORS,
      }).brand;
      const intervals = {
        today: {
          mentionRate: proportion(week[m] ?? 0, week.n ?? 0).ci,
          shareOfVoice: proportion(week[sv] ?? 0, mvNB(week)).ci,
          sentiment: meanFromSums(week[sN] ?? 0, week[s] ?? 0, week[s2] ?? 0).ci,
        },
        new: {
          mentionRate: clusteredProportion(providerDays.map((c) => ({ k: c[m] ?? 0, n: c.n ?? 0 }))).ci,
          shareOfVoice: clusteredProportion(providerDays.map((c) => ({ k: c[sv] ?? 0, n: mvNB(c) }))).ci,
          sentiment: clusteredMean(days.map((c) => ({ n: c[sN] ?? 0, sum: c[s] ?? 0, sumSq: c[s2] ?? 0 }))).ci,
        },
        api: {
          mentionRate: api.mentionRate.ci,
          shareOfVoice: api.shareOfVoice?.ci ?? null,
          sentiment: api.answerSentiment.ci,
        },
      };
      for (const proc of ['today', 'new', 'api'] as const) {
        for (const k of keys) hits[proc][k] += covers(intervals[proc][k], target[k]);
        widths[proc] += intervals[proc].mentionRate[1] - intervals[proc].mentionRate[0];
      }
    }
  }
  const weeks = markets * weeksPerMarket;
  const rate = (h: ReturnType<typeof zero>) => Object.fromEntries(keys.map((k) => [k, h[k] / weeks]));
  return {
    weeks,
    today: rate(hits.today),
    new: rate(hits.new),
    api: rate(hits.api),
    width: { today: widths.today / weeks, new: widths.new / weeks, api: widths.api / weeks },
  };
}

// ---- Report ----------------------------------------------------------------------------------------------------

function detection(delays: number[], within: number) {
  const hit = delays.filter((d) => d <= within);
  const sorted = [...hit].sort((a, b) => a - b);
  const median = sorted.length > 0 ? (sorted[Math.floor((sorted.length - 1) / 2)] as number) : Number.NaN;
  return `${fmt((100 * hit.length) / delays.length, 0)}% (median delay ${Number.isNaN(median) ? 'n/a' : `${median} d`})`;
}

const started = Date.now();
const nullMarkets = Math.max(2, Math.round(8 * SCALE));
console.log(
  `Decisions bench: seeds from ${SEED_BASE}, scale ${SCALE}; ${nullMarkets} null markets × ${EVAL_DAYS} evaluated days ` +
    '(1 brand, 3 competitors, 4 topics × 10 prompts, 3 providers, 3 samples).',
);
if (SECTIONS.has('actions')) {
  const actions = nullActions(nullMarkets);
  const months = (nullMarkets * EVAL_DAYS) / MONTH;
  const types = [
    ...new Set([
      ...actions.today.open.byType.keys(),
      ...actions.new.open.byType.keys(),
      ...actions.today.dismissed.byType.keys(),
      ...actions.new.dismissed.byType.keys(),
    ]),
  ].sort();
  console.log('\n1. New actions per brand per month, no true change (goal ≤ 1)');
  console.log(
    `${pad('type', 24)}${pad('today, open', 14)}${pad('new, open', 12)}${pad('today, dismissed', 18)}new, dismissed`,
  );
  for (const type of [...types, 'TOTAL']) {
    const get = (c: Counts) => (type === 'TOTAL' ? c.total : (c.byType.get(type) ?? 0)) / months;
    console.log(
      `${pad(type, 24)}${pad(fmt(get(actions.today.open)), 14)}${pad(fmt(get(actions.new.open)), 12)}${pad(fmt(get(actions.today.dismissed)), 18)}${fmt(get(actions.new.dismissed))}`,
    );
  }
  console.log(
    '   (open: nobody closes actions; dismissed: each is dismissed the day after it appears, 14-day cooldown)',
  );
}

if (SECTIONS.has('gaps')) {
  const plantedMarkets = Math.max(4, Math.round(12 * SCALE));
  console.log(
    `\n2. Planted gap (a competitor +g points in one topic): detected within 7 / 21 days, ${plantedMarkets} markets each`,
  );
  console.log(`${pad('gap', 8)}${pad('today ≤7 d', 30)}${pad('new ≤7 d', 30)}${pad('today ≤21 d', 30)}new ≤21 d`);
  for (const gap of [0, 0.05, 0.1, 0.2]) {
    const r = plantedGaps(gap, plantedMarkets);
    console.log(
      `${pad(gap === 0 ? 'none' : `${gap * 100} pt`, 8)}${pad(detection(r.today, 7), 30)}${pad(detection(r.new, 7), 30)}${pad(detection(r.today, 21), 30)}${detection(r.new, 21)}`,
    );
  }
}
if (SECTIONS.has('swings')) {
  const brands = Math.max(4, Math.round(20 * SCALE));
  const swings = nullSwings(brands);
  console.log(`\n3. Swing alerts per brand per month, no true change (6 series a brand; ${brands} brands; goal ≤ 1)`);
  console.log(
    `   today ${fmt(swings.perBrandMonth.today)} (critical ${swings.critical.today} of ${swings.alerts.today}), new ${fmt(swings.perBrandMonth.new)} (critical ${swings.critical.new} of ${swings.alerts.new})`,
  );
  console.log('   Planted 7-day swings, detected within the 7 days (per source, by mean daily volume):');
  console.log(
    `${pad('swing', 22)}${pad('source', 10)}${pad('today', 30)}${pad('new', 30)}same days unplanted: today / new`,
  );
  for (const kind of ['volume', 'sentiment'] as const) {
    for (const source of [1, 2, 3, 4]) {
      const r = plantedSwings(kind, source, brands);
      const chance = plantedSwings(kind, source, brands, false);
      const rate = (d: number[]) => `${fmt((100 * d.filter((x) => x <= 6).length) / d.length, 0)}%`;
      console.log(
        `${pad(kind === 'volume' ? 'volume ×2' : 'sentiment −0.3', 22)}${pad(`λ=${SOURCE_RATES[source]}`, 10)}${pad(detection(r.today, 6), 30)}${pad(detection(r.new, 6), 30)}${rate(chance.today)} / ${rate(chance.new)}`,
      );
    }
  }
}
if (SECTIONS.has('coverage')) {
  const markets = Math.max(2, Math.round(6 * SCALE));
  const cov = coverage(markets, 50);
  console.log(
    `\n4. 95% interval coverage over a week of runs (one topic, non-branded; ${markets} markets × 50 weeks; goal 0.95 ± 0.02)`,
  );
  console.log(`${pad('metric', 16)}${pad('today', 10)}${pad('engine', 10)}analytics API and web`);
  for (const k of ['mentionRate', 'shareOfVoice', 'sentiment'] as const) {
    console.log(
      `${pad(k, 16)}${pad(fmt(cov.today[k] ?? Number.NaN, 3), 10)}${pad(fmt(cov.new[k] ?? Number.NaN, 3), 10)}${fmt(cov.api[k] ?? Number.NaN, 3)}`,
    );
  }
  console.log(
    `   mean width of the mention-rate interval: today ${fmt(cov.width.today, 3)}, engine ${fmt(cov.width.new, 3)}, analytics API ${fmt(cov.width.api, 3)}`,
  );
}
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
