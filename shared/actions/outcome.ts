import { type Change, compareMeans, compareProportions, proportion } from '../analysis/stats.ts';
import type { EvidenceFigure, Outcome, TargetMetric } from '../contracts/actions.ts';
import { meanFromSums, metricsFromRollups, type RollupCounters } from '../events/rollups.ts';
import { round3 } from './scoring.ts';

export interface OutcomeConfig {
  /** Days before the action was done that form the baseline. @default 14 */
  beforeDays: number;
  /** Days from the day it was done that form the after-window; evaluated once they have elapsed. @default 14 */
  afterDays: number;
  /** Fewest answers (or mentions, for sentiment) per window before anything is concluded. @default 10 */
  minN: number;
  /** The smallest improvement that counts (rates: 5 points; sentiment: 0.1). */
  minEffect: { rate: number; sentiment: number };
}

export const DEFAULT_OUTCOME_CONFIG: OutcomeConfig = {
  beforeDays: 14,
  afterDays: 14,
  minN: 10,
  minEffect: { rate: 0.05, sentiment: 0.1 },
};

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The pending outcome of an action marked done at `doneAt`: the before-window is the `beforeDays` days ending the
 * day before, the after-window the `afterDays` days starting that day; it is evaluated after the window ends.
 */
export function planOutcome(doneAt: Date, config: OutcomeConfig = DEFAULT_OUTCOME_CONFIG): Outcome {
  const start = Date.parse(`${day(doneAt.getTime())}T00:00:00.000Z`);
  const afterEnd = start + Math.max(1, config.afterDays) * DAY_MS;
  return {
    status: 'pending',
    evaluateAfter: new Date(afterEnd).toISOString(),
    before: { from: day(start - config.beforeDays * DAY_MS), to: day(start - DAY_MS) },
    after: { from: day(start), to: day(afterEnd - DAY_MS) },
    beforeValue: null,
    afterValue: null,
    delta: null,
    deltaCi: null,
    evaluatedAt: null,
    explanation: `Compared once the after-window ends (${day(afterEnd - DAY_MS)}).`,
  };
}

/** The target metric from summed rollup counters, as a figure plus what the noise test needs. */
export function targetValue(
  target: TargetMetric,
  counters: RollupCounters,
): { figure: EvidenceFigure; compare: (other: RollupCounters) => Change } | null {
  if (target.metric === 'trackedMentionRate') return null;
  if (target.metric === 'sentiment') {
    const stats = (c: RollupCounters) => {
      const g = (name: string) => c[`e#${target.entityId}#${name}`] ?? 0;
      return meanFromSums(g('sN'), g('s'), g('s2'));
    };
    const m = stats(counters);
    return {
      figure: {
        label: target.label,
        value: m.value === null ? null : round3(m.value),
        n: m.n,
        ci: m.ci ? [round3(m.ci[0]), round3(m.ci[1])] : null,
      },
      compare: (after) => compareMeans(m, stats(after)),
    };
  }
  const rate = (c: RollupCounters) => {
    const report = metricsFromRollups(c, { brandId: target.entityId, competitorIds: [] });
    return target.metric === 'citationConsistency' ? report.brand.citationConsistency : report.brand.mentionRate;
  };
  const p = rate(counters);
  return {
    figure: {
      label: target.label,
      value: p.value === null ? null : round3(p.value),
      n: p.n,
      ci: [round3(p.ci[0]), round3(p.ci[1])],
    },
    compare: (after) => compareProportions(p, rate(after)),
  };
}

/**
 * Decides an outcome from the target's counters before and after (summed over each window, filtered to the
 * target's scope): `effective` when the change is significant in the goal's direction; `not_effective` when both
 * windows have enough data and the 95% interval of the change rules out an improvement of at least `minEffect`;
 * `inconclusive` otherwise (too little data, or an interval too wide to tell).
 */
export function evaluateOutcome(
  outcome: Outcome,
  target: TargetMetric,
  before: RollupCounters,
  after: RollupCounters,
  now: Date,
  config: OutcomeConfig = DEFAULT_OUTCOME_CONFIG,
): Outcome {
  const evaluatedAt = now.toISOString();
  const b = targetValue(target, before);
  const a = targetValue(target, after);
  if (!b || !a) {
    return {
      ...outcome,
      status: 'inconclusive',
      evaluatedAt,
      explanation: `${target.label} is not kept in the metric rollups, so its change cannot be measured.`,
    };
  }
  const change = b.compare(after);
  const base = {
    ...outcome,
    beforeValue: b.figure,
    afterValue: a.figure,
    delta: change.delta === null ? null : round3(change.delta),
    deltaCi: change.ci ? ([round3(change.ci[0]), round3(change.ci[1])] as [number, number]) : null,
    evaluatedAt,
  };
  if (b.figure.n < config.minN || a.figure.n < config.minN || change.ci === null) {
    return {
      ...base,
      status: 'inconclusive',
      explanation: `Too little data to judge (n = ${b.figure.n} before, ${a.figure.n} after; at least ${config.minN} each).`,
    };
  }
  const sign = target.goal === 'up' ? 1 : -1;
  const improved = change.significant && sign * (change.delta ?? 0) > 0;
  if (improved) {
    return {
      ...base,
      status: 'effective',
      explanation: 'The target moved in the intended direction, outside the noise.',
    };
  }
  const minEffect = target.metric === 'sentiment' ? config.minEffect.sentiment : config.minEffect.rate;
  const bestCase = sign > 0 ? change.ci[1] : -change.ci[0];
  if (bestCase < minEffect) {
    return {
      ...base,
      status: 'not_effective',
      explanation: `No improvement: the 95% interval of the change rules out a gain of ${minEffect} or more.`,
    };
  }
  return {
    ...base,
    status: 'inconclusive',
    explanation: 'The change is inside the noise and the interval is too wide to rule out an improvement.',
  };
}

/** Exposed for tests and docs: a rate's figure. */
export const rateFigure = (label: string, k: number, n: number): EvidenceFigure => {
  const p = proportion(k, n);
  return { label, value: p.value, n, ci: p.ci };
};
