/**
 * Owned-content citation: answers carry citations, competitors' pages among them, but never the brand's own. A
 * count of zero over enough citations is a fact about the window, not an estimate of a change, so it is raised
 * directly (outside the false discovery control) and stays one open action while it holds.
 */

import type { proportion } from '../analysis/stats.ts';
import type { EvidenceFigure } from '../contracts/actions.ts';
import { matchesFilter, metricsFromRollups, type RollupFilter, sumCounters } from '../events/rollups.ts';
import { type EngineContext, width } from './context.ts';
import type { ActionCandidate } from './engine.ts';
import { confidenceOf, round3 } from './scoring.ts';
import { classifyDomain } from './source-opportunity.ts';

const figure = (label: string, p: ReturnType<typeof proportion>): EvidenceFigure => ({
  label,
  value: p.value === null ? null : round3(p.value),
  n: p.n,
  unit: 'answers',
  ci: [round3(p.ci[0]), round3(p.ci[1])],
});

function reportOf(ctx: EngineContext, filter: RollupFilter) {
  const counters = sumCounters(ctx.s.current.cells.filter((c) => matchesFilter(c.dims, filter)).map((c) => c.counters));
  return {
    counters,
    metrics: metricsFromRollups(counters, { brandId: ctx.s.brand.id, competitorIds: ctx.competitorIds }),
  };
}

/** Owned-content citation: answers cite sources, competitors' pages among them, but never the brand's own. */
export function ownedContentCitation(ctx: EngineContext): ActionCandidate[] {
  if (ctx.s.brand.ownedDomains.length === 0) {
    ctx.insufficient.push('owned-content citation: the brand has no owned domains configured');
    return [];
  }
  const { counters, metrics } = reportOf(ctx, {});
  const citations = counters.cit ?? 0;
  if (metrics.n < ctx.config.minAnswers || citations < ctx.config.minCitations) {
    ctx.insufficient.push(
      `owned-content citation: ${metrics.n} answers, ${citations} citations (< ${ctx.config.minAnswers} / ${ctx.config.minCitations})`,
    );
    return [];
  }
  const brand = metrics.brand.citationConsistency;
  if (brand.k > 0) return [];
  const cited = metrics.competitors.filter((c) => c.citationConsistency.k > 0);
  const domains = new Map<string, number>();
  for (const a of ctx.s.answers) for (const d of new Set(a.citedDomains)) domains.set(d, (domains.get(d) ?? 0) + 1);
  const answers = ctx.s.answers.filter(
    (a) => a.mentionedEntityIds.includes(ctx.s.brand.id) && a.citedDomains.length > 0,
  );
  return [
    ctx.candidate({
      type: 'owned_content_citation',
      dedupeKey: 'owned_content_citation|all',
      title: `Assistants never cite ${ctx.s.brand.ownedDomains.join(', ')}`,
      rationale:
        `${metrics.n} answers carried ${citations} citations and none pointed at ${ctx.s.brand.name}'s own pages` +
        (cited.length > 0
          ? `, while ${cited.map((c) => ctx.nameOf.get(c.entityId) ?? c.entityId).join(', ')} had theirs cited.`
          : '.') +
        ' Make the pages that answer these prompts crawlable, specific and quotable (facts, comparisons, pricing).',
      evidence: {
        ...ctx.emptyEvidence(),
        figures: [
          figure(`Answers citing ${ctx.s.brand.name}'s pages`, brand),
          ...cited.map((c) =>
            figure(`Answers citing ${ctx.nameOf.get(c.entityId) ?? c.entityId}'s pages`, c.citationConsistency),
          ),
        ],
        prompts: ctx.promptsOf(answers),
        answers: ctx.quote(answers, [ctx.s.brand.id]),
        domains: [...domains]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 10)
          .map(([domain, n]) => ({ domain, class: classifyDomain(ctx, domain).kind, answers: n })),
      },
      evidenceAnswers: answers,
      target: {
        metric: 'citationConsistency',
        entityId: ctx.s.brand.id,
        goal: 'up',
        filter: {},
        label: `Answers citing ${ctx.s.brand.name}'s pages`,
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
