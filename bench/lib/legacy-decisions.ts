/**
 * TODAY's action engine, frozen for `npm run bench:decisions` (bench/decisions.bench.ts): the detectors as they
 * were before the cluster-aware rewrite (each answer independent, Newcombe / Welch intervals, no false-discovery
 * control, no persistence, source opportunities per domain over answers). Kept callable so the bench measures the
 * old false-positive rates and power beside the new ones on the same simulated data, rather than quoting them.
 * Not used by the product.
 *
 * Original header:*
 * The recommendation engine: a pure function from an {@link ActionSnapshot} (rollups of two windows, recent
 * answers, prompts, signal alerts) to typed action candidates. Every candidate rests on a test that its finding is
 * outside the noise (a Newcombe or Welch 95% interval of a difference or change that excludes
 * zero, or a count large enough that "never" is unlikely by chance); a scope with too little data produces no
 * candidate, only an `insufficientData` note. Definitions and thresholds: docs/actions.md.
 */

import { confidenceOf, fingerprint, priorityScore, round3 } from '../../shared/actions/scoring.ts';
import type { ActionSnapshot, SnapshotAnswer } from '../../shared/actions/snapshot.ts';
import { analyzeText, type CompiledEntities, compileEntities } from '../../shared/analysis/analyze.ts';
import {
  type Change,
  compareMeans,
  compareProportions,
  type Proportion,
  proportion,
} from '../../shared/analysis/stats.ts';
import type { ActionType, Evidence, EvidenceFigure, Highlight, TargetMetric } from '../../shared/contracts/actions.ts';
import {
  matchesFilter,
  meanFromSums,
  metricsFromRollups,
  type RollupFilter,
  sumCounters,
} from '../../shared/events/rollups.ts';

/** An action the engine proposes; the reconciler decides whether it creates, updates or is suppressed. */
export interface ActionCandidate {
  type: ActionType;
  dedupeKey: string;
  title: string;
  rationale: string;
  evidence: Evidence;
  evidenceAsOf: string;
  evidenceFingerprint: string;
  target: TargetMetric;
  expectedImpact: { summary: string; score: number };
  confidence: ReturnType<typeof confidenceOf>;
  urgency: 'high' | 'medium' | 'low';
  priority: number;
}

export interface EngineConfig {
  /** Fewest answers in a scope before any rate there is judged. @default 10 */
  minAnswers: number;
  /** Fewest answers of one prompt before "never returns a tracked brand" is judged. @default 6 */
  minPromptAnswers: number;
  /** Fewest answers citing a third-party domain before it is an opportunity. @default 4 */
  minSourceAnswers: number;
  /** Fewest citations in the window before "owned pages are never cited" is judged. @default 10 */
  minCitations: number;
  /** Smallest change of a competitor's mention rate worth an action (on top of significance). @default 0.05 */
  minShift: number;
  /** Answers quoted per action. @default 5 */
  maxEvidenceAnswers: number;
}

export const LEGACY_ENGINE_CONFIG: EngineConfig = {
  minAnswers: 10,
  minPromptAnswers: 6,
  minSourceAnswers: 4,
  minCitations: 10,
  minShift: 0.05,
  maxEvidenceAnswers: 5,
};

export interface EngineResult {
  candidates: ActionCandidate[];
  /** Checks skipped for too little data (human-readable, for logs and the generate endpoint). */
  insufficientData: string[];
}

type Scope = { label: string; key: string; filter: RollupFilter };

const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);
const width = (ci: [number, number] | null) => (ci ? ci[1] - ci[0] : 1);
const figure = (label: string, p: Proportion): EvidenceFigure => ({
  label,
  value: p.value === null ? null : round3(p.value),
  n: p.n,
  ci: [round3(p.ci[0]), round3(p.ci[1])],
});

/** Runs every detector over the snapshot. */
export function legacyGenerateCandidates(
  snapshot: ActionSnapshot,
  config: EngineConfig = LEGACY_ENGINE_CONFIG,
): EngineResult {
  const context = new EngineContext(snapshot, config);
  const candidates = [
    ...context.contentGaps(),
    ...context.competitorGaps(),
    ...context.negativeSentiment(),
    ...context.sourceOpportunities(),
    ...context.ownedContentCitation(),
    ...context.dataQuality(),
  ].sort((a, b) => b.priority - a.priority || a.dedupeKey.localeCompare(b.dedupeKey));
  return { candidates, insufficientData: context.insufficient };
}

class EngineContext {
  readonly insufficient: string[] = [];
  private readonly compiled: CompiledEntities;
  private readonly promptById: Map<string, ActionSnapshot['prompts'][number]>;
  private readonly competitorIds: string[];
  private readonly nameOf: Map<string, string>;
  private readonly providers: string[];

  constructor(
    private readonly s: ActionSnapshot,
    private readonly config: EngineConfig,
  ) {
    this.compiled = compileEntities(s.trackedEntities);
    this.promptById = new Map(s.prompts.map((p) => [p.id, p]));
    this.competitorIds = s.competitors.map((c) => c.id);
    this.nameOf = new Map([[s.brand.id, s.brand.name], ...s.competitors.map((c) => [c.id, c.name] as const)]);
    this.providers = [...new Set(s.current.cells.map((c) => c.dims.provider))].sort();
  }

  private report(window: 'current' | 'baseline', filter: RollupFilter) {
    const cells = this.s[window].cells.filter((c) => matchesFilter(c.dims, filter));
    const counters = sumCounters(cells.map((c) => c.counters));
    return {
      counters,
      metrics: metricsFromRollups(counters, { brandId: this.s.brand.id, competitorIds: this.competitorIds }),
    };
  }

  private topicName(id: string) {
    return this.s.brand.topics.find((t) => t.id === id)?.name ?? id;
  }

  /** Scopes of the non-branded prompts: each topic and each provider. */
  private scopes(branded: boolean | undefined): Scope[] {
    const topics = [...new Set(this.s.current.cells.map((c) => c.dims.topic))].filter((t) => t !== 'none').sort();
    const base = branded === undefined ? {} : { branded };
    return [
      ...topics.map((t) => ({
        label: `topic “${this.topicName(t)}”`,
        key: `topic=${t}`,
        filter: { ...base, topic: t },
      })),
      ...this.providers.map((p) => ({ label: `${p}`, key: `provider=${p}`, filter: { ...base, provider: p } })),
    ];
  }

  private answerInScope(answer: SnapshotAnswer, filter: RollupFilter): boolean {
    const prompt = this.promptById.get(answer.promptId);
    if (!prompt) return false;
    if (filter.branded !== undefined && prompt.branded !== filter.branded) return false;
    if (filter.topic !== undefined && (prompt.topicId ?? 'none') !== filter.topic) return false;
    if (filter.provider !== undefined && answer.provider !== filter.provider) return false;
    return true;
  }

  /** Quotes answers with the tracked names highlighted (offsets from the analysis matcher). */
  private quote(answers: SnapshotAnswer[], focus: string[]): Evidence['answers'] {
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

  private promptsOf(answers: SnapshotAnswer[]): Evidence['prompts'] {
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

  private candidate(
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

  private emptyEvidence(): Evidence {
    return { figures: [], prompts: [], answers: [], posts: [], domains: [] };
  }

  /**
   * Content gap: in a non-branded scope (topic or provider) a competitor is mentioned significantly more often
   * than the brand (Newcombe's 95% interval of the difference excludes zero) by at least `minShift`.
   */
  contentGaps(): ActionCandidate[] {
    const out: ActionCandidate[] = [];
    const totalNB = this.report('current', { branded: false }).metrics.n;
    for (const scope of this.scopes(false)) {
      const { metrics } = this.report('current', scope.filter);
      if (metrics.n < this.config.minAnswers) {
        this.insufficient.push(
          `content gap, ${scope.label}: ${metrics.n} non-branded answers (< ${this.config.minAnswers})`,
        );
        continue;
      }
      const brand = metrics.brand.mentionRate;
      // Newcombe's interval of the difference (competitor − brand) must exclude zero, and the gap be worth acting on.
      const leaders = metrics.competitors
        .filter((c) => {
          const change = compareProportions(brand, c.mentionRate);
          return change.significant && change.direction === 'up' && (change.delta ?? 0) >= this.config.minShift;
        })
        .sort((a, b) => (b.mentionRate.value ?? 0) - (a.mentionRate.value ?? 0));
      const leader = leaders[0];
      if (!leader) continue;
      const gap = (leader.mentionRate.value ?? 0) - (brand.value ?? 0);
      const leaderName = this.nameOf.get(leader.entityId) ?? leader.entityId;
      const answers = this.s.answers.filter(
        (a) =>
          this.answerInScope(a, scope.filter) &&
          a.mentionedEntityIds.includes(leader.entityId) &&
          !a.mentionedEntityIds.includes(this.s.brand.id),
      );
      const reach = totalNB > 0 ? metrics.n / totalNB : 1;
      const difference = compareProportions(brand, leader.mentionRate);
      out.push(
        this.candidate({
          type: 'content_gap',
          dedupeKey: `content_gap|${scope.key}`,
          title: `${this.s.brand.name} is missing from ${scope.label} answers where ${leaderName} appears`,
          rationale:
            `In non-branded prompts for ${scope.label}, assistants mention ${leaderName} in ${pct(leader.mentionRate.value)} ` +
            `of ${metrics.n} answers but ${this.s.brand.name} in only ${pct(brand.value)}. The 95% interval of the difference ` +
            'excludes zero, so this is not sampling noise. Publish or strengthen content that answers these questions and names your product.',
          evidence: {
            ...this.emptyEvidence(),
            figures: [
              figure(`${this.s.brand.name} mention rate`, brand),
              figure(`${leaderName} mention rate`, leader.mentionRate),
            ],
            prompts: this.promptsOf(answers),
            answers: this.quote(answers, [leader.entityId]),
          },
          evidenceAnswers: answers,
          target: {
            metric: 'mentionRate',
            entityId: this.s.brand.id,
            goal: 'up',
            filter: scope.filter,
            label: `${this.s.brand.name} mention rate, non-branded, ${scope.label}`,
          },
          expectedImpact: {
            summary: `Closing half the gap would lift the mention rate in ${scope.label} by about ${pct(gap / 2)}.`,
            score: round3(Math.min(1, gap) * Math.sqrt(reach)),
          },
          confidence: confidenceOf(metrics.n, width(difference.ci) / 2),
          urgency: gap >= 0.4 ? 'high' : gap >= 0.2 ? 'medium' : 'low',
        }),
      );
    }
    return out;
  }

  /** Competitor gap: a competitor's mention rate in a scope rose from the baseline window, outside the noise. */
  competitorGaps(): ActionCandidate[] {
    const out: ActionCandidate[] = [];
    for (const scope of this.scopes(undefined)) {
      const current = this.report('current', scope.filter);
      const baseline = this.report('baseline', scope.filter);
      if (current.metrics.n < this.config.minAnswers || baseline.metrics.n < this.config.minAnswers) {
        this.insufficient.push(
          `competitor gap, ${scope.label}: ${baseline.metrics.n} baseline / ${current.metrics.n} current answers (< ${this.config.minAnswers})`,
        );
        continue;
      }
      const rises: { id: string; change: Change; before: Proportion; after: Proportion }[] = [];
      for (const c of current.metrics.competitors) {
        const before = baseline.metrics.competitors.find((b) => b.entityId === c.entityId)?.mentionRate;
        if (!before) continue;
        const change = compareProportions(before, c.mentionRate);
        if (change.significant && change.direction === 'up' && (change.delta ?? 0) >= this.config.minShift) {
          rises.push({ id: c.entityId, change, before, after: c.mentionRate });
        }
      }
      rises.sort((a, b) => (b.change.delta ?? 0) - (a.change.delta ?? 0));
      const top = rises[0];
      if (!top) continue;
      const name = this.nameOf.get(top.id) ?? top.id;
      const brandChange = compareProportions(baseline.metrics.brand.mentionRate, current.metrics.brand.mentionRate);
      const brandFell = brandChange.significant && brandChange.direction === 'down';
      const answers = this.s.answers.filter(
        (a) => this.answerInScope(a, scope.filter) && a.mentionedEntityIds.includes(top.id),
      );
      const delta = top.change.delta ?? 0;
      out.push(
        this.candidate({
          type: 'competitor_gap',
          dedupeKey: `competitor_gap|${top.id}|${scope.key}`,
          title: `${name} is gaining ground in ${scope.label}`,
          rationale:
            `${name}'s mention rate in ${scope.label} rose from ${pct(top.before.value)} (n=${top.before.n}) to ` +
            `${pct(top.after.value)} (n=${top.after.n}); the 95% interval of the change excludes zero. ` +
            (brandFell
              ? `${this.s.brand.name} fell over the same period. `
              : `${this.s.brand.name} did not move outside the noise. `) +
            `Review what the answers now say about ${name} and answer it with your own positioning.`,
          evidence: {
            ...this.emptyEvidence(),
            figures: [
              figure(`${name} mention rate (baseline)`, top.before),
              figure(`${name} mention rate (current)`, top.after),
              figure(`${this.s.brand.name} mention rate (current)`, current.metrics.brand.mentionRate),
            ],
            prompts: this.promptsOf(answers),
            answers: this.quote(answers, [top.id]),
          },
          evidenceAnswers: answers,
          target: {
            metric: 'mentionRate',
            entityId: this.s.brand.id,
            goal: 'up',
            filter: scope.filter,
            label: `${this.s.brand.name} mention rate, ${scope.label}`,
          },
          expectedImpact: {
            summary: `${name} gained ${pct(delta)} of answers in ${scope.label}; winning back half of that is the goal.`,
            score: round3(Math.min(1, delta * 2)),
          },
          confidence: confidenceOf(Math.min(top.before.n, top.after.n), width(top.change.ci) / 2),
          urgency: brandFell ? 'high' : 'medium',
        }),
      );
    }
    return out;
  }

  /**
   * Negative sentiment: sentiment toward the brand is significantly below zero in the current window, or fell
   * significantly from the baseline; and each significant downward social swing reported by the signals pipeline.
   */
  negativeSentiment(): ActionCandidate[] {
    const out: ActionCandidate[] = [];
    const id = this.s.brand.id;
    const sentimentOf = (window: 'current' | 'baseline', filter: RollupFilter) => {
      const { counters } = this.report(window, filter);
      const c = (name: string) => counters[`e#${id}#${name}`] ?? 0;
      return meanFromSums(c('sN'), c('s'), c('s2'));
    };
    const scopes: Scope[] = [{ label: 'all answers', key: 'all', filter: {} }, ...this.scopes(undefined)];
    for (const scope of scopes) {
      const current = sentimentOf('current', scope.filter);
      const baseline = sentimentOf('baseline', scope.filter);
      if (current.n < this.config.minAnswers) {
        this.insufficient.push(
          `negative sentiment, ${scope.label}: ${current.n} mentions (< ${this.config.minAnswers})`,
        );
        continue;
      }
      const negative = current.ci !== null && current.ci[1] < 0;
      const change: Change =
        baseline.n >= this.config.minAnswers
          ? compareMeans(baseline, current)
          : { delta: null, ci: null, significant: false, direction: 'unknown' };
      const fell = change.significant && change.direction === 'down';
      if (!negative && !fell) continue;
      const answers = this.s.answers
        .filter((a) => this.answerInScope(a, scope.filter) && a.brandSentiment !== null && a.brandSentiment < 0)
        .sort((a, b) => (a.brandSentiment ?? 0) - (b.brandSentiment ?? 0));
      const meanFigure = (label: string, m: typeof current): EvidenceFigure => ({
        label,
        value: m.value === null ? null : round3(m.value),
        n: m.n,
        ci: m.ci ? [round3(m.ci[0]), round3(m.ci[1])] : null,
      });
      const severity = Math.min(1, Math.max(0, -(current.value ?? 0)) + Math.max(0, -(change.delta ?? 0)));
      out.push(
        this.candidate({
          type: 'negative_sentiment',
          dedupeKey: `negative_sentiment|${scope.key}`,
          title: negative
            ? `Assistants describe ${this.s.brand.name} negatively in ${scope.label}`
            : `Sentiment toward ${this.s.brand.name} dropped in ${scope.label}`,
          rationale:
            `Mean sentiment toward ${this.s.brand.name} in ${scope.label} is ${current.value?.toFixed(2)} over ${current.n} mentions` +
            (baseline.n > 0 ? ` (baseline ${baseline.value?.toFixed(2)}, n=${baseline.n})` : '') +
            (negative ? '; its 95% interval lies below zero.' : '; the fall is outside the noise.') +
            ' The quotes below show what drives it: correct outdated claims and address the criticism in your content.',
          evidence: {
            ...this.emptyEvidence(),
            figures: [meanFigure('Sentiment (current)', current), meanFigure('Sentiment (baseline)', baseline)],
            prompts: this.promptsOf(answers),
            answers: this.quote(answers, [id]),
          },
          evidenceAnswers: answers,
          target: {
            metric: 'sentiment',
            entityId: id,
            goal: 'up',
            filter: scope.filter,
            label: `Sentiment toward ${this.s.brand.name}, ${scope.label}`,
          },
          expectedImpact: {
            summary: 'Bringing sentiment back to neutral or better in these answers.',
            score: round3(severity),
          },
          confidence: confidenceOf(current.n, width(current.ci) / 2),
          urgency: negative && fell ? 'high' : 'medium',
        }),
      );
    }
    for (const alert of this.s.alerts) {
      if (!alert.significant || alert.direction !== 'down') continue;
      if (alert.n < this.config.minAnswers) {
        this.insufficient.push(`social swing ${alert.alertId}: ${alert.n} posts (< ${this.config.minAnswers})`);
        continue;
      }
      out.push(
        this.candidate({
          type: 'negative_sentiment',
          dedupeKey: `negative_sentiment|signal|${alert.metric}`,
          title: `Social ${alert.metric} for ${this.s.brand.name} swung below its baseline`,
          rationale:
            `On social and news signals, ${alert.metric} is ${alert.value.toFixed(2)} against a baseline of ` +
            `${alert.baseline.toFixed(2)} over ${alert.n} posts, outside the noise. Read the posts and respond where the conversation happens.`,
          evidence: {
            ...this.emptyEvidence(),
            figures: [
              { label: `${alert.metric} (now)`, value: round3(alert.value), n: alert.n, ci: null },
              { label: `${alert.metric} (baseline)`, value: round3(alert.baseline), n: alert.n, ci: null },
            ],
            posts: alert.posts.slice(0, this.config.maxEvidenceAnswers),
          },
          evidenceAnswers: [],
          asOf: alert.observedAt,
          target: {
            metric: 'sentiment',
            entityId: id,
            goal: 'up',
            filter: {},
            label: `Sentiment toward ${this.s.brand.name}`,
          },
          expectedImpact: {
            summary: 'Containing a negative swing before assistants pick it up from the web.',
            score: round3(Math.min(1, Math.abs(alert.baseline - alert.value))),
          },
          confidence: confidenceOf(alert.n, 0.3),
          urgency: 'high',
        }),
      );
    }
    return out;
  }

  private classify(domain: string): { kind: 'owned' | 'competitor' | 'third-party'; entityId: string | null } {
    const owns = (owned: string[]) => owned.some((d) => domain === d || domain.endsWith(`.${d}`));
    if (owns(this.s.brand.ownedDomains)) return { kind: 'owned', entityId: this.s.brand.id };
    const competitor = this.s.competitors.find((c) => owns(c.ownedDomains));
    return competitor ? { kind: 'competitor', entityId: competitor.id } : { kind: 'third-party', entityId: null };
  }

  /**
   * Source opportunity: a third-party domain cited in answers that name competitors and never in answers that
   * name the brand (enough citing answers that the brand's absence is unlikely to be chance).
   */
  sourceOpportunities(): ActionCandidate[] {
    const byDomain = new Map<string, SnapshotAnswer[]>();
    for (const a of this.s.answers) {
      for (const d of new Set(a.citedDomains)) {
        if (this.classify(d).kind !== 'third-party') continue;
        byDomain.set(d, [...(byDomain.get(d) ?? []), a]);
      }
    }
    const out: ActionCandidate[] = [];
    for (const [domain, citing] of [...byDomain].sort(([a], [b]) => a.localeCompare(b))) {
      const withBrand = citing.filter((a) => a.mentionedEntityIds.includes(this.s.brand.id));
      const competitorOnly = citing.filter(
        (a) =>
          !a.mentionedEntityIds.includes(this.s.brand.id) &&
          a.mentionedEntityIds.some((e) => this.competitorIds.includes(e)),
      );
      if (withBrand.length > 0 || competitorOnly.length === 0) continue;
      const share = proportion(withBrand.length, citing.length);
      if (competitorOnly.length < this.config.minSourceAnswers || share.ci[1] >= 0.5) {
        this.insufficient.push(
          `source opportunity ${domain}: ${competitorOnly.length} citing answers (< ${this.config.minSourceAnswers})`,
        );
        continue;
      }
      const named = [...new Set(competitorOnly.flatMap((a) => a.mentionedEntityIds))]
        .filter((e) => this.competitorIds.includes(e))
        .map((e) => this.nameOf.get(e) ?? e);
      out.push(
        this.candidate({
          type: 'source_opportunity',
          dedupeKey: `source_opportunity|${domain}`,
          title: `Get ${this.s.brand.name} covered on ${domain}`,
          rationale:
            `Assistants cite ${domain} in ${competitorOnly.length} answers that recommend ${named.join(', ')} and in none that ` +
            `mention ${this.s.brand.name}. Sources assistants already trust are the fastest way into their answers: ` +
            'pitch a review, a comparison entry or a guest piece there.',
          evidence: {
            ...this.emptyEvidence(),
            figures: [figure(`Answers citing ${domain} that mention ${this.s.brand.name}`, share)],
            prompts: this.promptsOf(competitorOnly),
            answers: this.quote(competitorOnly, this.competitorIds),
            domains: [{ domain, class: 'third-party', answers: citing.length }],
          },
          evidenceAnswers: competitorOnly,
          target: {
            metric: 'mentionRate',
            entityId: this.s.brand.id,
            goal: 'up',
            filter: {},
            label: `${this.s.brand.name} mention rate`,
          },
          expectedImpact: {
            summary: `${competitorOnly.length} recent answers rest on ${domain}; appearing there can put ${this.s.brand.name} into them.`,
            score: round3(Math.min(1, competitorOnly.length / Math.max(1, this.s.answers.length)) * 2),
          },
          confidence: confidenceOf(citing.length, width(share.ci)),
          urgency: 'low',
        }),
      );
    }
    return out;
  }

  /** Owned-content citation: answers cite sources, competitors' pages among them, but never the brand's own. */
  ownedContentCitation(): ActionCandidate[] {
    if (this.s.brand.ownedDomains.length === 0) {
      this.insufficient.push('owned-content citation: the brand has no owned domains configured');
      return [];
    }
    const { counters, metrics } = this.report('current', {});
    const citations = counters.cit ?? 0;
    if (metrics.n < this.config.minAnswers || citations < this.config.minCitations) {
      this.insufficient.push(
        `owned-content citation: ${metrics.n} answers, ${citations} citations (< ${this.config.minAnswers} / ${this.config.minCitations})`,
      );
      return [];
    }
    const brand = metrics.brand.citationConsistency;
    if (brand.k > 0) return [];
    const cited = metrics.competitors.filter((c) => c.citationConsistency.k > 0);
    const domains = new Map<string, number>();
    for (const a of this.s.answers) for (const d of new Set(a.citedDomains)) domains.set(d, (domains.get(d) ?? 0) + 1);
    const answers = this.s.answers.filter(
      (a) => a.mentionedEntityIds.includes(this.s.brand.id) && a.citedDomains.length > 0,
    );
    return [
      this.candidate({
        type: 'owned_content_citation',
        dedupeKey: 'owned_content_citation|all',
        title: `Assistants never cite ${this.s.brand.ownedDomains.join(', ')}`,
        rationale:
          `${metrics.n} answers carried ${citations} citations and none pointed at ${this.s.brand.name}'s own pages` +
          (cited.length > 0
            ? `, while ${cited.map((c) => this.nameOf.get(c.entityId) ?? c.entityId).join(', ')} had theirs cited.`
            : '.') +
          ' Make the pages that answer these prompts crawlable, specific and quotable (facts, comparisons, pricing).',
        evidence: {
          ...this.emptyEvidence(),
          figures: [
            figure(`Answers citing ${this.s.brand.name}'s pages`, brand),
            ...cited.map((c) =>
              figure(`Answers citing ${this.nameOf.get(c.entityId) ?? c.entityId}'s pages`, c.citationConsistency),
            ),
          ],
          prompts: this.promptsOf(answers),
          answers: this.quote(answers, [this.s.brand.id]),
          domains: [...domains]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 10)
            .map(([domain, n]) => ({ domain, class: this.classify(domain).kind, answers: n })),
        },
        evidenceAnswers: answers,
        target: {
          metric: 'citationConsistency',
          entityId: this.s.brand.id,
          goal: 'up',
          filter: {},
          label: `Answers citing ${this.s.brand.name}'s pages`,
        },
        expectedImpact: {
          summary: 'Owned pages that get cited carry your own wording into answers.',
          score: round3(Math.min(1, 0.3 + 0.2 * cited.length)),
        },
        confidence: confidenceOf(metrics.n, width(brand.ci)),
        urgency: cited.length > 0 ? 'medium' : 'low',
      }),
    ];
  }

  /**
   * Data quality: tracked prompts whose answers never mention any tracked brand (with enough answers that
   * "never" is not chance). They cost money and tell nothing; reword them or add the brands they surface.
   */
  dataQuality(): ActionCandidate[] {
    const byPrompt = new Map<string, SnapshotAnswer[]>();
    for (const a of this.s.answers) byPrompt.set(a.promptId, [...(byPrompt.get(a.promptId) ?? []), a]);
    const silent: { promptId: string; answers: SnapshotAnswer[] }[] = [];
    for (const prompt of this.s.prompts) {
      const answers = byPrompt.get(prompt.id) ?? [];
      if (answers.some((a) => a.mentionedEntityIds.length > 0)) continue;
      if (answers.length < this.config.minPromptAnswers) {
        if (answers.length > 0) {
          this.insufficient.push(
            `data quality, prompt ${prompt.id}: ${answers.length} answers (< ${this.config.minPromptAnswers})`,
          );
        }
        continue;
      }
      silent.push({ promptId: prompt.id, answers });
    }
    if (silent.length === 0) return [];
    const n = Math.min(...silent.map((s) => s.answers.length));
    const share = proportion(0, n);
    const all = silent.flatMap((s) => s.answers);
    return [
      this.candidate({
        type: 'data_quality',
        dedupeKey: 'data_quality|silent_prompts',
        title:
          silent.length === 1
            ? 'A tracked prompt never returns any tracked brand'
            : `${silent.length} tracked prompts never return any tracked brand`,
        rationale:
          `Every answer to ${silent.length === 1 ? 'this prompt' : 'these prompts'} (at least ${n} each) names neither ` +
          `${this.s.brand.name} nor a tracked competitor. They cost calls and measure nothing: reword them, or add the ` +
          'brands the answers do recommend as competitors.',
        evidence: {
          ...this.emptyEvidence(),
          figures: [figure('Answers naming a tracked brand (smallest prompt sample)', share)],
          prompts: silent.map((s) => ({ promptId: s.promptId, text: this.promptById.get(s.promptId)?.text ?? '' })),
          answers: this.quote(
            silent.map((s) => s.answers[0]).filter((a): a is SnapshotAnswer => a !== undefined),
            [],
          ),
        },
        evidenceAnswers: all,
        target: {
          metric: 'trackedMentionRate',
          entityId: this.s.brand.id,
          goal: 'up',
          filter: {},
          label: 'Answers naming any tracked brand',
        },
        expectedImpact: {
          summary: `${silent.length} of ${this.s.prompts.length} prompts would start measuring something.`,
          score: round3(silent.length / Math.max(1, this.s.prompts.length)),
        },
        confidence: confidenceOf(n, width(share.ci)),
        urgency: 'low',
      }),
    ];
  }
}
