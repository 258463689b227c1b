/**
 * The recommendation engine: a pure function from an {@link ActionSnapshot} (rollups of two windows, recent
 * answers, prompts, signal alerts) to typed action candidates. Definitions, thresholds and the false-positive budget:
 * docs/actions.md.
 *
 * How a finding becomes a candidate:
 * 1. Each test family states hypotheses with one-sided p-values from tests that respect how the data were sampled:
 *    provider-days are the clusters of mention rates and days those of sentiment (a prompt's samples share their
 *    provider-day, so within-prompt and within-day correlation stay inside a cluster), variances are cluster-robust,
 *    comparisons within the same answers are paired (content gaps), and source opportunities count distinct
 *    prompts, not answers.
 * 2. Benjamini–Hochberg at `falseDiscoveryRate` over every hypothesis of the brand's evaluation (all families, all
 *    scopes, all competitors, including those too small to act on): ~60 daily tests no longer add up to a daily
 *    false alarm. Discrete tests that could not pass on their sample (few discordant prompts) are left out of the
 *    count (Tarone's K, Gilbert's modified BH), so they do not dilute the others.
 * 3. Persistence: a finding must also be a discovery on the windows ending each of the `persistDays − 1` days
 *    before (recomputed from the same rollup cells, so the engine stays stateless).
 * 4. Near-duplicates fold: a finding held in a narrower scope of the same family and subject as another is merged
 *    into the broadest one ({@link foldNested}).
 * A scope with too little data produces no hypothesis, only an `insufficientData` note. Facts that are not
 * estimates (owned pages never cited, prompts that never name a brand) and swings the signal detector already
 * judged are raised directly.
 */

import type { ActionType, Evidence, TargetMetric } from '../contracts/actions.ts';
import { taroneBenjaminiHochberg } from '../statistics/clustered.ts';
import { competitorGapFindings } from './competitor-gap.ts';
import { contentGapFindings } from './content-gap.ts';
import { EngineContext, type Evaluation, evaluationAt } from './context.ts';
import { dataQuality } from './data-quality.ts';
import { ownedContentCitation } from './owned-citation.ts';
import type { confidenceOf } from './scoring.ts';
import { sentimentFindings, signalSwingCandidates } from './sentiment.ts';
import type { ActionSnapshot } from './snapshot.ts';
import { sourceOpportunityFindings } from './source-opportunity.ts';

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
  /** Fewest days with answers in a window before it is judged (the clusters of every variance). @default 4 */
  minDays: number;
  /** Fewest answers of one prompt before "never returns a tracked brand" is judged. @default 6 */
  minPromptAnswers: number;
  /** Fewest distinct prompts citing a domain with a competitor and not with the brand. @default 4 */
  minSourcePrompts: number;
  /** Fewest citations in the window before "owned pages are never cited" is judged. @default 10 */
  minCitations: number;
  /** Smallest gap or change of a mention rate worth an action (on top of significance). @default 0.05 */
  minShift: number;
  /** Benjamini–Hochberg false discovery rate over a brand's daily hypotheses. @default 0.1 */
  falseDiscoveryRate: number;
  /** Consecutive daily evaluations (today and the days before) a finding must hold on. @default 2 */
  persistDays: number;
  /** Answers quoted per action. @default 5 */
  maxEvidenceAnswers: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  minAnswers: 10,
  minDays: 4,
  minPromptAnswers: 6,
  minSourcePrompts: 4,
  minCitations: 10,
  minShift: 0.05,
  falseDiscoveryRate: 0.1,
  persistDays: 2,
  maxEvidenceAnswers: 5,
};

export interface EngineResult {
  candidates: ActionCandidate[];
  /** Checks skipped for too little data (human-readable, for logs and the generate endpoint). */
  insufficientData: string[];
}

/** One tested hypothesis of a family. */
export interface Finding {
  /** Stable identity across evaluations (family, scope, entity, direction): persistence matches on it. */
  id: string;
  /** Candidates are made per group (one action per scope, say), from the group's discoveries. */
  group: string;
  /** One-sided p-value. */
  p: number;
  /**
   * The smallest p-value the test could give on this sample (discrete tests: an exact McNemar on n discordant
   * prompts cannot go below 0.5^n); 0 or absent for continuous tests. Hypotheses that could never pass do not
   * count against the others ({@link taroneBenjaminiHochberg}).
   */
  minP?: number;
  /** False when the effect is significant-or-not but too small to act on: it still counts in the family size. */
  actionable: boolean;
  /** Orders a group's discoveries: the largest effect leads the action. */
  effect: number;
  /** Builds the action from this (leading) finding and the ids of all discoveries of its group. */
  make: (discoveries: ReadonlySet<string>) => ActionCandidate;
  /**
   * What the finding is about, for folding near-duplicates ({@link foldNested}): the same `subject` (the brand, a
   * competitor) in a narrower scope than another held finding of the same family is merged into that one.
   */
  nest?: { family: string; subject: string; scopeKey: string; scopeLabel: string };
}

/** A family's hypotheses on one evaluation; `note` records too-little-data skips (today's evaluation only). */
export type Family = (ctx: EngineContext, ev: Evaluation, note: (line: string) => void) => Finding[];

const FAMILIES: readonly Family[] = [
  contentGapFindings,
  competitorGapFindings,
  sentimentFindings,
  sourceOpportunityFindings,
];

/** The discoveries of one evaluation after false discovery control. */
export function discoveries(ctx: EngineContext, ev: Evaluation, note: (line: string) => void): Finding[] {
  const findings = FAMILIES.flatMap((family) => family(ctx, ev, note));
  const rejected = taroneBenjaminiHochberg(
    findings.map((f) => f.p),
    findings.map((f) => f.minP ?? 0),
    ctx.config.falseDiscoveryRate,
  );
  return findings.filter((f, i) => rejected[i] && f.actionable);
}

/** Scope breadth: all answers, then a topic, then a provider (a topic's change shows in every provider's answers). */
const scopeLevel = (key: string) => (key === 'all' ? 0 : key.startsWith('topic=') ? 1 : 2);

/**
 * Near-duplicates: a held finding of a family and subject whose scope is narrower than another held finding's of
 * the same family and subject (a provider under a topic or all answers, a topic under all answers) is folded into
 * the broadest one (largest effect first among equals). Returns, per lead finding, the findings folded into it, or
 * null for a finding that was folded away. Findings without `nest` stand alone.
 */
export function foldNested(leads: readonly Finding[]): Map<Finding, Finding[] | null> {
  const out = new Map<Finding, Finding[] | null>(leads.map((f) => [f, []]));
  for (const f of leads) {
    const nest = f.nest;
    if (!nest) continue;
    const level = scopeLevel(nest.scopeKey);
    const host = leads
      .filter(
        (g) => g.nest?.family === nest.family && g.nest.subject === nest.subject && scopeLevel(g.nest.scopeKey) < level,
      )
      .sort(
        (a, b) =>
          scopeLevel(a.nest?.scopeKey ?? '') - scopeLevel(b.nest?.scopeKey ?? '') ||
          b.effect - a.effect ||
          a.id.localeCompare(b.id),
      )[0];
    if (!host) continue;
    out.set(f, null);
    out.get(host)?.push(f);
  }
  return out;
}

/** Runs every detector over the snapshot. */
export function generateCandidates(
  snapshot: ActionSnapshot,
  config: EngineConfig = DEFAULT_ENGINE_CONFIG,
): EngineResult {
  const ctx = new EngineContext(snapshot, config);
  const note = (line: string) => ctx.insufficient.push(line);
  let held = discoveries(ctx, evaluationAt(snapshot, 0), note);
  for (let lag = 1; lag < config.persistDays && held.length > 0; lag++) {
    const before = new Set(discoveries(ctx, evaluationAt(snapshot, lag), () => {}).map((f) => f.id));
    held = held.filter((f) => before.has(f.id));
  }
  const groups = new Map<string, Finding[]>();
  for (const f of held) groups.set(f.group, [...(groups.get(f.group) ?? []), f]);
  const leads = [...groups.values()].map((group) => ({
    lead: [...group].sort((a, b) => b.effect - a.effect || a.id.localeCompare(b.id))[0] as Finding,
    ids: new Set(group.map((f) => f.id)),
  }));
  const folded = foldNested(leads.map((g) => g.lead));
  const tested = leads.flatMap(({ lead, ids }) => {
    const absorbed = folded.get(lead);
    if (absorbed === null) return [];
    const candidate = lead.make(ids);
    if (!absorbed || absorbed.length === 0) return [candidate];
    const where = absorbed.map((f) => f.nest?.scopeLabel).join(', ');
    return [
      { ...candidate, rationale: `${candidate.rationale} The same finding also holds in ${where}; merged here.` },
    ];
  });
  const candidates = [...tested, ...signalSwingCandidates(ctx), ...ownedContentCitation(ctx), ...dataQuality(ctx)].sort(
    (a, b) => b.priority - a.priority || a.dedupeKey.localeCompare(b.dedupeKey),
  );
  return { candidates, insufficientData: ctx.insufficient };
}
