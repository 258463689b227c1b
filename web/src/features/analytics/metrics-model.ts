/**
 * What the Analytics page shows for each metric: label, help text (the analysis code's own definitions), how the
 * value, its n and its 95% interval are read from the API's answer, and how it compares with the previous period.
 */

import { compareEntityMetrics, METRIC_DEFINITIONS } from '../../../../shared/analysis/metrics.ts';
import type { Change } from '../../../../shared/analysis/stats.ts';
import type { EntityMetricsView } from '../../../../shared/contracts/index.ts';

export type MetricKey =
  | 'visibilityScore'
  | 'mentionRate'
  | 'shareOfVoice'
  | 'averagePosition'
  | 'sentiment'
  | 'citationShare';

/** One metric of one entity as shown: value, sample size, 95% interval (null when not defined). */
export interface MetricReading {
  value: number | null;
  n: number;
  /** What n counts, e.g. "answers", "mentions", "citations". */
  nLabel: string;
  ci: [number, number] | null;
  /** Successes for proportions. */
  k: number | null;
}

export interface MetricSpec {
  key: MetricKey;
  label: string;
  testId: string;
  definition: string;
  kind: 'score' | 'proportion' | 'mean';
  /** For average position a lower number is better. */
  higherIsBetter: boolean;
  /** Axis range for interval charts. */
  domain: [number, number];
  read: (m: EntityMetricsView, answers: number) => MetricReading;
  format: (value: number) => string;
  /** Format for a difference between two values. */
  formatDelta: (delta: number) => string;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const pp = (d: number) => `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d * 100).toFixed(1)} pts`;
const signed = (digits: number) => (d: number) => `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d).toFixed(digits)}`;

function def(key: string, fallback: string): string {
  return METRIC_DEFINITIONS[key] ?? fallback;
}

export const METRICS: readonly MetricSpec[] = [
  {
    key: 'visibilityScore',
    label: 'Visibility score',
    testId: 'metric-visibility',
    definition: def('visibilityScore', 'A 0–100 composite of the metrics below, damped for small samples.'),
    kind: 'score',
    higherIsBetter: true,
    domain: [0, 100],
    read: (m, answers) => ({
      value: m.visibilityScore.value,
      n: answers,
      nLabel: 'answers',
      ci: null,
      k: null,
    }),
    format: (v) => v.toFixed(1),
    formatDelta: signed(1),
  },
  {
    key: 'mentionRate',
    label: 'Mention rate',
    testId: 'metric-mention-rate',
    definition: def('mentionRate', 'Answers mentioning the entity divided by all analysed answers.'),
    kind: 'proportion',
    higherIsBetter: true,
    domain: [0, 1],
    read: (m) => ({
      value: m.mentionRate.value,
      n: m.mentionRate.n,
      nLabel: 'answers',
      ci: m.mentionRate.n > 0 ? m.mentionRate.ci : null,
      k: m.mentionRate.k,
    }),
    format: pct,
    formatDelta: pp,
  },
  {
    key: 'shareOfVoice',
    label: 'Share of voice',
    testId: 'metric-share-of-voice',
    definition: def('shareOfVoice', 'Mentions of the entity divided by mentions of all tracked entities.'),
    kind: 'proportion',
    higherIsBetter: true,
    domain: [0, 1],
    read: (m) => ({
      value: m.shareOfVoice?.value ?? null,
      n: m.shareOfVoice?.n ?? 0,
      nLabel: 'mentions',
      ci: m.shareOfVoice && m.shareOfVoice.n > 0 ? m.shareOfVoice.ci : null,
      k: m.shareOfVoice?.k ?? null,
    }),
    format: pct,
    formatDelta: pp,
  },
  {
    key: 'averagePosition',
    label: 'Average position',
    testId: 'metric-average-position',
    definition: def('averagePosition', 'Mean rank of the first mention among tracked entities (1 = first).'),
    kind: 'mean',
    higherIsBetter: false,
    domain: [1, 10],
    read: (m) => ({
      value: m.averagePosition.value,
      n: m.averagePosition.n,
      nLabel: 'answers mentioning',
      ci: m.averagePosition.ci,
      k: null,
    }),
    format: (v) => v.toFixed(2),
    formatDelta: signed(2),
  },
  {
    key: 'sentiment',
    label: 'Sentiment',
    testId: 'metric-sentiment',
    definition: def('sentiment', 'Mean per-mention sentiment in [−1, 1] over answers that mention the entity.'),
    kind: 'mean',
    higherIsBetter: true,
    domain: [-1, 1],
    read: (m) => ({
      value: m.sentiment.value,
      n: m.sentiment.n,
      nLabel: 'mentions',
      ci: m.sentiment.ci,
      k: null,
    }),
    format: (v) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(2)}`,
    formatDelta: signed(2),
  },
  {
    key: 'citationShare',
    label: 'Citation share',
    testId: 'metric-citation-share',
    definition: def('citationShare', "Citations to the entity's owned domains divided by all citations."),
    kind: 'proportion',
    higherIsBetter: true,
    domain: [0, 1],
    read: (m) => ({
      value: m.citationShare.value,
      n: m.citationShare.n,
      nLabel: 'citations',
      ci: m.citationShare.n > 0 ? m.citationShare.ci : null,
      k: m.citationShare.k,
    }),
    format: pct,
    formatDelta: pp,
  },
];

export const UNCERTAINTY_DEFINITION = def(
  'uncertainty',
  'Every rate shows n and a 95% Wilson interval; a change is flagged only when its 95% interval excludes zero.',
);

export function metricSpec(key: MetricKey): MetricSpec {
  const spec = METRICS.find((m) => m.key === key);
  if (!spec) throw new Error(`unknown metric ${key}`);
  return spec;
}

/** A period-over-period change of one metric, as shown. */
export interface ShownChange {
  delta: number | null;
  ci: [number, number] | null;
  /** True when the change is outside the 95% noise band. */
  significant: boolean;
  /** False for the composite score, which has no interval to test against. */
  tested: boolean;
  verdict: 'better' | 'worse' | 'inside the noise' | 'no comparison' | 'not tested';
}

/**
 * Changes of every metric between the previous and the current period, using the analysis code's own tests:
 * Newcombe's interval for a difference of proportions and a normal interval for a difference of means. A change
 * whose interval contains zero is "inside the noise". The visibility score is a composite without an interval, so
 * its change is shown but not tested (its components are).
 */
export function compareMetrics(
  before: EntityMetricsView | undefined,
  after: EntityMetricsView,
): Record<MetricKey, ShownChange> {
  const none: ShownChange = { delta: null, ci: null, significant: false, tested: true, verdict: 'no comparison' };
  if (!before) {
    return {
      visibilityScore: { ...none, tested: false },
      mentionRate: none,
      shareOfVoice: none,
      averagePosition: none,
      sentiment: none,
      citationShare: none,
    };
  }
  const changes = compareEntityMetrics(before, after);
  const shown = (change: Change, higherIsBetter: boolean): ShownChange => {
    if (change.delta === null) return none;
    if (!change.significant) return { ...change, tested: true, verdict: 'inside the noise' };
    const up = change.delta > 0;
    return { ...change, tested: true, verdict: up === higherIsBetter ? 'better' : 'worse' };
  };
  return {
    visibilityScore: {
      delta: after.visibilityScore.value - before.visibilityScore.value,
      ci: null,
      significant: false,
      tested: false,
      verdict: 'not tested',
    },
    mentionRate: shown(changes.mentionRate, true),
    shareOfVoice: shown(changes.shareOfVoice, true),
    averagePosition: shown(changes.averagePosition, false),
    sentiment: shown(changes.sentiment, true),
    citationShare: shown(changes.citationShare, true),
  };
}
