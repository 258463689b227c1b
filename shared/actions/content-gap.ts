/**
 * Content gap: in non-branded answers of a topic or provider, a competitor is named more often than the brand.
 * The two rates come from the same answers, so the test is paired: per provider-day, answers naming the competitor minus
 * answers naming the brand (concordant answers cancel: the day's discordant difference), its mean over answers
 * tested > 0 with the cluster-robust t over provider-days. One hypothesis per (scope, competitor); one action per scope.
 */

import { clusteredProportion } from '../analysis/stats.ts';
import { entityCounter } from '../events/rollups.ts';
import { pairedDifferenceTest } from '../statistics/clustered.ts';
import { pct, proportionFigure, testSummary, width } from './context.ts';
import type { Family, Finding } from './engine.ts';
import { confidenceOf, round3 } from './scoring.ts';

export const contentGapFindings: Family = (ctx, ev, note) => {
  const out: Finding[] = [];
  const brandId = ctx.brandId;
  const totalNB = ctx.days(ev.current, { branded: false }).reduce((a, d) => a + (d.n ?? 0), 0);
  for (const scope of ctx.scopes(false)) {
    const days = ctx.days(ev.current, scope.filter, true);
    const n = days.reduce((a, d) => a + (d.n ?? 0), 0);
    const dayCount = ctx.dayCount(ev.current, scope.filter);
    if (n < ctx.config.minAnswers || dayCount < ctx.config.minDays) {
      note(
        `content gap, ${scope.label}: ${n} non-branded answers over ${dayCount} days (< ${ctx.config.minAnswers} / ${ctx.config.minDays})`,
      );
      continue;
    }
    const brandM = entityCounter(brandId, 'm');
    const brand = clusteredProportion(days.map((d) => ({ k: d[brandM] ?? 0, n: d.n ?? 0 })));
    for (const competitorId of ctx.competitorIds) {
      const m = entityCounter(competitorId, 'm');
      const pX = days.reduce((a, d) => a + (d[m] ?? 0), 0) / n;
      const pB = brand.value ?? 0;
      // The independent-answers floor as if the two mentions were independent (the rollups do not keep who was
      // named together); the day-to-day spread usually exceeds it.
      const test = pairedDifferenceTest(
        days.map((d) => ({ n: d.n ?? 0, sum: (d[m] ?? 0) - (d[brandM] ?? 0) })),
        'greater',
        pX + pB - 2 * pX * pB - (pX - pB) ** 2,
      );
      const gap = test.estimate ?? 0;
      out.push({
        id: `content_gap|${scope.key}|${competitorId}`,
        group: `content_gap|${scope.key}`,
        p: test.p,
        actionable: gap >= ctx.config.minShift,
        effect: gap,
        nest: { family: 'content_gap', subject: competitorId, scopeKey: scope.key, scopeLabel: scope.label },
        make: () => {
          const leader = clusteredProportion(days.map((d) => ({ k: d[m] ?? 0, n: d.n ?? 0 })));
          const leaderName = ctx.name(competitorId);
          const answers = ev.answers.filter(
            (a) =>
              ctx.answerInScope(a, scope.filter) &&
              a.mentionedEntityIds.includes(competitorId) &&
              !a.mentionedEntityIds.includes(brandId),
          );
          const reach = totalNB > 0 ? n / totalNB : 1;
          return ctx.candidate({
            type: 'content_gap',
            dedupeKey: `content_gap|${scope.key}`,
            title: `${ctx.s.brand.name} is missing from ${scope.label} answers where ${leaderName} appears`,
            rationale:
              `In non-branded prompts for ${scope.label}, assistants mention ${leaderName} in ${pct(leader.value)} ` +
              `of ${n} answers over ${dayCount} days but ${ctx.s.brand.name} in only ${pct(brand.value)}. Compared ` +
              `answer by answer, with provider-days as the unit of noise (${testSummary(test)}), the gap passes the ` +
              "false-discovery control over all of today's tests and held the day before too. Publish or strengthen " +
              'content that answers these questions and names your product.',
            evidence: {
              ...ctx.emptyEvidence(),
              figures: [
                proportionFigure(`${ctx.s.brand.name} mention rate`, brand, dayCount),
                proportionFigure(`${leaderName} mention rate`, leader, dayCount),
                {
                  label: `${leaderName} minus ${ctx.s.brand.name} (paired)`,
                  value: round3(gap),
                  n,
                  unit: 'answers',
                  days: dayCount,
                  ci: test.ci ? [round3(test.ci[0]), round3(test.ci[1])] : null,
                },
              ],
              prompts: ctx.promptsOf(answers),
              answers: ctx.quote(answers, [competitorId]),
            },
            evidenceAnswers: answers,
            target: {
              metric: 'mentionRate',
              entityId: brandId,
              goal: 'up',
              filter: scope.filter,
              label: `${ctx.s.brand.name} mention rate, non-branded, ${scope.label}`,
            },
            expectedImpact: {
              summary: `Closing half the gap would lift the mention rate in ${scope.label} by about ${pct(gap / 2)}.`,
              score: round3(Math.min(1, gap) * Math.sqrt(reach)),
            },
            confidence: confidenceOf(n, width(test.ci) / 2),
            urgency: gap >= 0.4 ? 'high' : gap >= 0.2 ? 'medium' : 'low',
          });
        },
      });
    }
  }
  return out;
};
