/**
 * What every action test family shares: the snapshot split into evaluation windows, scopes, per-day cluster totals
 * from the rollup cells, quoting answers with highlights, and building a candidate with its fingerprint and
 * priority. A family (content-gap.ts, competitor-gap.ts, ...) turns this into hypotheses; engine.ts controls the
 * false discoveries across all of them and asks for persistence.
 */

import { analyzeText, type CompiledEntities, compileEntities } from '../analysis/analyze.ts';
import type { ClusteredMean, ClusteredProportion } from '../analysis/stats.ts';
import type { Evidence, EvidenceFigure, Highlight } from '../contracts/actions.ts';
import { PROVIDER_CATALOG, type ProviderId } from '../contracts/run-settings.ts';
import { addDays, matchesFilter, type RollupCounters, type RollupFilter, sumCounters } from '../events/rollups.ts';
import type { RollupCell } from '../ports/rollups.ts';
import type { ClusterTotals } from '../statistics/clustered.ts';
import type { ActionCandidate, EngineConfig } from './engine.ts';
import { fingerprint, priorityScore, round3 } from './scoring.ts';
import type { ActionSnapshot, SnapshotAnswer } from './snapshot.ts';

export type Scope = { label: string; key: string; filter: RollupFilter };

/** A window of days and the cells in it. */
export interface Window {
  from: string;
  to: string;
  cells: RollupCell[];
}

/**
 * One evaluation: the snapshot's windows as of its last day, or shifted back by `lag` days (for persistence: a
 * finding must also hold on the windows ending the day before). Shifted windows keep their length; the earliest
 * baseline day they would need is not in the snapshot, so a shifted baseline is one day shorter.
 */
export interface Evaluation {
  lag: number;
  current: Window;
  baseline: Window;
  /** Answers as of the evaluation's day (shifted: those answered before the unshifted current window's last day). */
  answers: SnapshotAnswer[];
}

const stripped = new WeakMap<RollupCounters, RollupCounters>();

/**
 * A cell's counters without its per-prompt sums (`p#…`, kept for the metrics reader's prompt clusters): the engine
 * clusters by day or provider-day and never reads them, and summing them dominated its cost. Cached per cell.
 */
function withoutPromptCounters(counters: RollupCounters): RollupCounters {
  let out = stripped.get(counters);
  if (!out) {
    out = Object.fromEntries(Object.entries(counters).filter(([k]) => !k.startsWith('p#')));
    stripped.set(counters, out);
  }
  return out;
}

export function evaluationAt(s: ActionSnapshot, lag: number): Evaluation {
  if (lag === 0) return { lag, current: s.current, baseline: s.baseline, answers: s.answers };
  const all = [...s.baseline.cells, ...s.current.cells];
  const window = (from: string, to: string): Window => ({
    from,
    to,
    cells: all.filter((c) => c.dims.day >= from && c.dims.day <= to),
  });
  const cutoff = addDays(s.current.to, 1 - lag);
  return {
    lag,
    current: window(addDays(s.current.from, -lag), addDays(s.current.to, -lag)),
    baseline: window(addDays(s.baseline.from, -lag), addDays(s.baseline.to, -lag)),
    answers: s.answers.filter((a) => a.answeredAt.slice(0, 10) < cutoff),
  };
}

export const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);

/** "one-sided p = 0.0004, 95% interval 6 to 21 points": what a rationale says about the test it rests on. */
export function testSummary(test: { p: number; ci: [number, number] | null }, points = true): string {
  const p = test.p < 0.0001 ? '< 0.0001' : `= ${test.p.toPrecision(2)}`;
  const scale = (x: number) => (points ? `${Math.round(x * 100)}` : x.toFixed(2));
  const interval = test.ci
    ? `, 95% interval ${scale(test.ci[0])} to ${scale(test.ci[1])}${points ? ' points' : ''}`
    : '';
  return `one-sided p ${p}${interval}`;
}
export const width = (ci: [number, number] | null) => (ci ? ci[1] - ci[0] : 1);

/** An evidence figure of a clustered proportion: n answers over `days` days, design-effect Wilson interval. */
export const proportionFigure = (label: string, p: ClusteredProportion, days: number): EvidenceFigure => ({
  label,
  value: p.value === null ? null : round3(p.value),
  n: p.n,
  unit: 'answers',
  days,
  ci: [round3(p.ci[0]), round3(p.ci[1])],
});

export const meanFigure = (label: string, m: ClusteredMean): EvidenceFigure => ({
  label,
  value: m.value === null ? null : round3(m.value),
  n: m.n,
  unit: 'answers',
  days: m.clusters,
  ci: m.ci ? [round3(m.ci[0]), round3(m.ci[1])] : null,
});

export class EngineContext {
  readonly insufficient: string[] = [];
  readonly compiled: CompiledEntities;
  readonly promptById: Map<string, ActionSnapshot['prompts'][number]>;
  readonly competitorIds: string[];
  readonly nameOf: Map<string, string>;
  readonly providers: string[];
  private readonly dayMemo = new WeakMap<Window, Map<string, RollupCounters[]>>();

  constructor(
    readonly s: ActionSnapshot,
    readonly config: EngineConfig,
  ) {
    this.compiled = compileEntities(s.trackedEntities);
    this.promptById = new Map(s.prompts.map((p) => [p.id, p]));
    this.competitorIds = s.competitors.map((c) => c.id);
    this.nameOf = new Map([[s.brand.id, s.brand.name], ...s.competitors.map((c) => [c.id, c.name] as const)]);
    this.providers = [...new Set(s.current.cells.map((c) => c.dims.provider))].sort();
  }

  get brandId() {
    return this.s.brand.id;
  }

  name(id: string) {
    return this.nameOf.get(id) ?? id;
  }

  /**
   * Counters of a window and filter summed per cluster, in order: per day, or per provider-day (`byProvider`).
   * Which is the cluster is an assumption about where shocks are shared (docs/actions.md): mention rates are
   * clustered by provider-day (a model's day moves its own answers), sentiment by day (news moves every provider).
   */
  days(window: Window, filter: RollupFilter, byProvider = false): RollupCounters[] {
    // Every family asks for the same few (window, scope) sums: computed once per evaluation.
    const memo = this.dayMemo.get(window) ?? new Map<string, RollupCounters[]>();
    this.dayMemo.set(window, memo);
    const memoKey = `${byProvider}|${JSON.stringify(filter)}`;
    const known = memo.get(memoKey);
    if (known) return known;
    const byKey = new Map<string, RollupCounters[]>();
    for (const c of window.cells) {
      if (!matchesFilter(c.dims, filter)) continue;
      const key = byProvider ? `${c.dims.day}|${c.dims.provider}` : c.dims.day;
      byKey.set(key, [...(byKey.get(key) ?? []), withoutPromptCounters(c.counters)]);
    }
    const out = [...byKey.keys()].sort().map((k) => sumCounters(byKey.get(k) ?? []));
    memo.set(memoKey, out);
    return out;
  }

  /** Distinct days of a window and filter with answers. */
  dayCount(window: Window, filter: RollupFilter): number {
    return new Set(window.cells.filter((c) => matchesFilter(c.dims, filter)).map((c) => c.dims.day)).size;
  }

  /** Cluster totals of one counter over the day counters (`n` = answers). */
  static totals(days: readonly RollupCounters[], sum: string, n = 'n', sumSq?: string): ClusterTotals[] {
    return days.map((c) => ({ n: c[n] ?? 0, sum: c[sum] ?? 0, ...(sumSq ? { sumSq: c[sumSq] ?? 0 } : {}) }));
  }

  topicName(id: string) {
    return this.s.brand.topics.find((t) => t.id === id)?.name ?? id;
  }

  /** Scopes: each topic and each provider (optionally only branded or non-branded prompts). */
  scopes(branded: boolean | undefined): Scope[] {
    const topics = [...new Set(this.s.current.cells.map((c) => c.dims.topic))].filter((t) => t !== 'none').sort();
    const base = branded === undefined ? {} : { branded };
    return [
      ...topics.map((t) => ({
        label: `topic “${this.topicName(t)}”`,
        key: `topic=${t}`,
        filter: { ...base, topic: t },
      })),
      ...this.providers.map((p) => ({
        label: PROVIDER_CATALOG[p as ProviderId]?.label ?? p,
        key: `provider=${p}`,
        filter: { ...base, provider: p },
      })),
    ];
  }

  answerInScope(answer: SnapshotAnswer, filter: RollupFilter): boolean {
    const prompt = this.promptById.get(answer.promptId);
    if (!prompt) return false;
    if (filter.branded !== undefined && prompt.branded !== filter.branded) return false;
    if (filter.topic !== undefined && (prompt.topicId ?? 'none') !== filter.topic) return false;
    if (filter.provider !== undefined && answer.provider !== filter.provider) return false;
    return true;
  }

  /** Quotes answers with the tracked names highlighted (offsets from the analysis matcher). */
  quote(answers: SnapshotAnswer[], focus: string[]): Evidence['answers'] {
    return answers.slice(0, this.config.maxEvidenceAnswers).map((a) => {
      const analysis = analyzeText(a.text, this.compiled);
      const highlights: Highlight[] = analysis.mentions
        .filter((m) => m.via === 'text')
        .map((m) => ({
          start: m.start,
          end: m.end,
          entityId: m.entityId,
          kind: m.entityId === this.s.brand.id ? ('brand' as const) : ('competitor' as const),
        }));
      const anchor = highlights.find((h) => focus.includes(h.entityId)) ?? highlights[0];
      const excerptStart = Math.max(0, (anchor?.start ?? 0) - 120);
      const excerptEnd = Math.min(a.text.length, (anchor?.end ?? 0) + 200);
      return {
        answerId: a.answerId,
        promptId: a.promptId,
        provider: a.provider,
        excerpt: a.text.slice(excerptStart, excerptEnd),
        excerptStart,
        highlights,
      };
    });
  }

  promptsOf(answers: SnapshotAnswer[]): Evidence['prompts'] {
    const ids = [...new Set(answers.map((a) => a.promptId))];
    return ids.flatMap((id) => {
      const p = this.promptById.get(id);
      return p ? [{ promptId: id, text: p.text }] : [];
    });
  }

  /** Newest evidence time: the newest quoted answer, else the end of the current window. */
  private asOf(answers: SnapshotAnswer[]): string {
    const newest = answers
      .map((a) => a.answeredAt)
      .sort()
      .at(-1);
    return newest ?? `${this.s.current.to}T23:59:59.999Z`;
  }

  candidate(
    parts: Omit<ActionCandidate, 'priority' | 'evidenceFingerprint' | 'evidenceAsOf'> & {
      evidenceAnswers: SnapshotAnswer[];
      asOf?: string;
    },
  ): ActionCandidate {
    const { evidenceAnswers, asOf, ...rest } = parts;
    const evidenceFingerprint = fingerprint([
      rest.dedupeKey,
      ...rest.evidence.figures.flatMap((f) => [f.label, f.value === null ? null : Math.round(f.value * 100), f.n]),
      ...evidenceAnswers.map((a) => a.answerId).sort(),
      ...rest.evidence.posts.map((p) => p.url).sort(),
    ]);
    return {
      ...rest,
      evidenceAsOf: asOf ?? this.asOf(evidenceAnswers),
      evidenceFingerprint,
      priority: priorityScore(rest.expectedImpact.score, rest.confidence.score, rest.urgency),
    };
  }

  emptyEvidence(): Evidence {
    return { figures: [], prompts: [], answers: [], posts: [], domains: [] };
  }
}

/** Standard error of a clustered proportion (its design effect times the binomial variance, p kept off 0 and 1). */
export function proportionSe(p: ClusteredProportion): number {
  if (!(p.n > 0)) return Number.POSITIVE_INFINITY;
  const shrunk = (p.k + 0.5) / (p.n + 1);
  return Math.sqrt((p.deff * shrunk * (1 - shrunk)) / p.n);
}
