/**
 * Competitor gap: a competitor's mention rate in a topic or provider rose from the baseline window to the current
 * one. The windows are independent samples of the same prompt set (persistent prompt effects cancel in the
 * change), so each rate gets its cluster-robust standard error over its provider-days and the rise is tested > 0 with
 * Welch's t. One hypothesis per (scope, competitor); one action per (competitor, scope).
 */

import { type ClusteredProportion, clusteredProportion } from '../analysis/stats.ts';
import { entityCounter } from '../events/rollups.ts';
import { oneSidedT, welchDf } from '../statistics/clustered.ts';
import { pct, proportionFigure, proportionSe, testSummary, width } from './context.ts';
import type { Family, Finding } from './engine.ts';
import { confidenceOf, round3 } from './scoring.ts';

/** One-sided test that `after` is above (`greater`) or below (`less`) `before`. */
export function compareClustered(before: ClusteredProportion, after: ClusteredProportion, side: 'greater' | 'less') {
  const se1 = proportionSe(before);
  const se2 = proportionSe(after);
  const df = welchDf(se1, before.clusters - 1, se2, after.clusters - 1);
  return oneSidedT((after.value ?? 0) - (before.value ?? 0), Math.sqrt(se1 * se1 + se2 * se2), df, side);
}

export const competitorGapFindings: Family = (ctx, ev, note) => {
  const out: Finding[] = [];
  const brandM = entityCounter(ctx.brandId, 'm');
  for (const scope of ctx.scopes(undefined)) {
    const current = ctx.days(ev.current, scope.filter, true);
    const baseline = ctx.days(ev.baseline, scope.filter, true);
    const nCur = current.reduce((a, d) => a + (d.n ?? 0), 0);
    const nBase = baseline.reduce((a, d) => a + (d.n ?? 0), 0);
    const [daysCur, daysBase] = [ctx.dayCount(ev.current, scope.filter), ctx.dayCount(ev.baseline, scope.filter)];
    const { minAnswers, minDays } = ctx.config;
    if (nCur < minAnswers || nBase < minAnswers || daysCur < minDays || daysBase < minDays) {
      note(
        `competitor gap, ${scope.label}: ${nBase} baseline / ${nCur} current answers over ${daysBase} / ${daysCur} days (< ${minAnswers} / ${minDays})`,
      );
      continue;
    }
    const rate = (days: typeof current, counter: string) =>
      clusteredProportion(days.map((d) => ({ k: d[counter] ?? 0, n: d.n ?? 0 })));
    for (const competitorId of ctx.competitorIds) {
      const m = entityCounter(competitorId, 'm');
      const before = rate(baseline, m);
      const after = rate(current, m);
      const test = compareClustered(before, after, 'greater');
      const delta = test.estimate ?? 0;
      out.push({
        id: `competitor_gap|${competitorId}|${scope.key}`,
        group: `competitor_gap|${competitorId}|${scope.key}`,
        p: test.p,
        actionable: delta >= ctx.config.minShift,
        effect: delta,
        nest: { family: 'competitor_gap', subject: competitorId, scopeKey: scope.key, scopeLabel: scope.label },
        make: () => {
          const name = ctx.name(competitorId);
          const brandBefore = rate(baseline, brandM);
          const brandNow = rate(current, brandM);
          const brandFell = compareClustered(brandBefore, brandNow, 'less').p < ctx.config.falseDiscoveryRate;
          const answers = ev.answers.filter(
            (a) => ctx.answerInScope(a, scope.filter) && a.mentionedEntityIds.includes(competitorId),
          );
          return ctx.candidate({
            type: 'competitor_gap',
            dedupeKey: `competitor_gap|${competitorId}|${scope.key}`,
            title: `${name} is gaining ground in ${scope.label}`,
            rationale:
              `${name}'s mention rate in ${scope.label} rose from ${pct(before.value)} (${before.n} answers over ` +
              `${daysBase} days) to ${pct(after.value)} (${after.n} answers over ${daysCur} days); with provider-days ` +
              `as the unit of noise (${testSummary(test)}) the rise passes the false-discovery control over all of ` +
              "today's tests and held the day before too. " +
              (brandFell
                ? `${ctx.s.brand.name} fell over the same period. `
                : `${ctx.s.brand.name} did not move outside the noise. `) +
              `Review what the answers now say about ${name} and answer it with your own positioning.`,
            evidence: {
              ...ctx.emptyEvidence(),
              figures: [
                proportionFigure(`${name} mention rate (baseline)`, before, daysBase),
                proportionFigure(`${name} mention rate (current)`, after, daysCur),
                proportionFigure(`${ctx.s.brand.name} mention rate (current)`, brandNow, daysCur),
              ],
              prompts: ctx.promptsOf(answers),
              answers: ctx.quote(answers, [competitorId]),
            },
            evidenceAnswers: answers,
            target: {
              metric: 'mentionRate',
              entityId: ctx.brandId,
              goal: 'up',
              filter: scope.filter,
              label: `${ctx.s.brand.name} mention rate, ${scope.label}`,
            },
            expectedImpact: {
              summary: `${name} gained ${pct(delta)} of answers in ${scope.label}; winning back half of that is the goal.`,
              score: round3(Math.min(1, delta * 2)),
            },
            confidence: confidenceOf(Math.min(before.n, after.n), width(test.ci) / 2),
            urgency: brandFell ? 'high' : 'medium',
          });
        },
      });
    }
  }
  return out;
};
