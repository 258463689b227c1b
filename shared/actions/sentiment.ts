/**
 * Negative sentiment. From the answers: the per-answer sentiment toward the brand (one value per answer that names
 * it, so a long answer with many mentions does not count many times), averaged per day; a scope is flagged when
 * the mean is below zero or fell from the baseline, each tested with the cluster-robust t over days. From social
 * signals: each downward sentiment swing the signal detector already alerted on becomes an action directly.
 */

import { type ClusteredMean, clusteredMean, Z95 } from '../analysis/stats.ts';
import type { EvidenceFigure } from '../contracts/actions.ts';
import type { RollupCounters } from '../events/rollups.ts';
import { entityCounter } from '../events/rollups.ts';
import { oneSidedT, welchDf } from '../statistics/clustered.ts';
import { EngineContext, meanFigure, type Scope, width } from './context.ts';
import type { ActionCandidate, Family, Finding } from './engine.ts';
import { confidenceOf, round3 } from './scoring.ts';
import type { SignalAlert } from './snapshot.ts';

/** One-sided Welch t test that the `after` mean is below the `before` mean. */
export function meanFell(before: ClusteredMean, after: ClusteredMean) {
  if (before.value === null || after.value === null || before.se === null || after.se === null) {
    return oneSidedT(0, 0, 0, 'less');
  }
  const df = welchDf(before.se, before.df, after.se, after.df);
  return oneSidedT(after.value - before.value, Math.sqrt(before.se ** 2 + after.se ** 2), df, 'less');
}

export const sentimentFindings: Family = (ctx, ev, note) => {
  const out: Finding[] = [];
  const id = ctx.brandId;
  const [as, asN, as2] = [entityCounter(id, 'as'), entityCounter(id, 'asN'), entityCounter(id, 'as2')];
  const meanOf = (days: RollupCounters[]) => clusteredMean(EngineContext.totals(days, as, asN, as2));
  const scopes: Scope[] = [{ label: 'all answers', key: 'all', filter: {} }, ...ctx.scopes(undefined)];
  for (const scope of scopes) {
    const currentDays = ctx.days(ev.current, scope.filter).filter((d) => (d[asN] ?? 0) > 0);
    const baselineDays = ctx.days(ev.baseline, scope.filter).filter((d) => (d[asN] ?? 0) > 0);
    const current = meanOf(currentDays);
    const baseline = meanOf(baselineDays);
    if (current.n < ctx.config.minAnswers || current.clusters < ctx.config.minDays || current.se === null) {
      note(
        `negative sentiment, ${scope.label}: ${current.n} answers naming the brand over ${current.clusters} days (< ${ctx.config.minAnswers} / ${ctx.config.minDays})`,
      );
      continue;
    }
    const group = `negative_sentiment|${scope.key}`;
    const below = oneSidedT(current.value ?? 0, current.se, current.df, 'less');
    const make = (discoveries: ReadonlySet<string>) =>
      negativeCandidate(ctx, ev.answers, scope, current, baseline, {
        negative: discoveries.has(`${group}|below_zero`),
        fell: discoveries.has(`${group}|fell`),
      });
    const nest = { family: 'negative_sentiment', subject: id, scopeKey: scope.key, scopeLabel: scope.label };
    out.push({
      id: `${group}|below_zero`,
      group,
      p: below.p,
      actionable: true,
      effect: -(current.value ?? 0),
      make,
      nest,
    });
    if (baseline.n >= ctx.config.minAnswers && baseline.clusters >= ctx.config.minDays) {
      const fell = meanFell(baseline, current);
      out.push({ id: `${group}|fell`, group, p: fell.p, actionable: true, effect: -(fell.estimate ?? 0), make, nest });
    }
  }
  return out;
};

function negativeCandidate(
  ctx: EngineContext,
  pool: EngineContext['s']['answers'],
  scope: Scope,
  current: ClusteredMean,
  baseline: ClusteredMean,
  found: { negative: boolean; fell: boolean },
): ActionCandidate {
  const name = ctx.s.brand.name;
  const answers = pool
    .filter((a) => ctx.answerInScope(a, scope.filter) && a.brandSentiment !== null && a.brandSentiment < 0)
    .sort((a, b) => (a.brandSentiment ?? 0) - (b.brandSentiment ?? 0));
  const drop = baseline.value !== null && current.value !== null ? current.value - baseline.value : 0;
  const severity = Math.min(1, Math.max(0, -(current.value ?? 0)) + (found.fell ? Math.max(0, -drop) : 0));
  return ctx.candidate({
    type: 'negative_sentiment',
    dedupeKey: `negative_sentiment|${scope.key}`,
    title: found.negative
      ? `Assistants describe ${name} negatively in ${scope.label}`
      : `Sentiment toward ${name} dropped in ${scope.label}`,
    rationale:
      `Mean sentiment toward ${name} in ${scope.label} is ${current.value?.toFixed(2)} over ${current.n} answers ` +
      `on ${current.clusters} days` +
      (baseline.n > 0 ? ` (baseline ${baseline.value?.toFixed(2)}, ${baseline.n} answers)` : '') +
      (current.ci
        ? ` (95% interval ${current.ci[0].toFixed(2)} to ${current.ci[1].toFixed(2)}, days as the unit of noise)`
        : '') +
      (found.negative ? '; it is below zero' : '; the fall is outside the noise') +
      ", passing the false-discovery control over all of today's tests, and held the day before too." +
      ' The quotes below show what drives it: correct outdated claims and address the criticism in your content.',
    evidence: {
      ...ctx.emptyEvidence(),
      figures: [meanFigure('Sentiment (current)', current), meanFigure('Sentiment (baseline)', baseline)],
      prompts: ctx.promptsOf(answers),
      answers: ctx.quote(answers, [ctx.brandId]),
    },
    evidenceAnswers: answers,
    target: {
      metric: 'sentiment',
      entityId: ctx.brandId,
      goal: 'up',
      filter: scope.filter,
      label: `Sentiment toward ${name}, ${scope.label}`,
    },
    expectedImpact: {
      summary: 'Bringing sentiment back to neutral or better in these answers.',
      score: round3(severity),
    },
    confidence: confidenceOf(current.n, width(current.ci) / 2),
    urgency: found.negative && found.fell ? 'high' : 'medium',
  });
}

/** Each significant downward social swing (already judged by the signal detector) as an action. */
export function signalSwingCandidates(ctx: EngineContext): ActionCandidate[] {
  const out: ActionCandidate[] = [];
  const name = ctx.s.brand.name;
  for (const alert of ctx.s.alerts) {
    if (!alert.significant || alert.direction !== 'down') continue;
    if (alert.n < ctx.config.minAnswers) {
      ctx.insufficient.push(`social swing ${alert.alertId}: ${alert.n} posts (< ${ctx.config.minAnswers})`);
      continue;
    }
    out.push(
      ctx.candidate({
        type: 'negative_sentiment',
        dedupeKey: `negative_sentiment|signal|${alert.metric}`,
        title: `Social ${alert.metric} for ${name} swung below its baseline`,
        rationale:
          `On social and news signals, ${alert.metric} is ${alert.value.toFixed(2)} against a baseline of ` +
          `${alert.baseline.toFixed(2)} over ${alert.n} posts, outside the noise. Read the posts and respond where the conversation happens.`,
        evidence: {
          ...ctx.emptyEvidence(),
          figures: signalSwingFigures(alert),
          posts: alert.posts.slice(0, ctx.config.maxEvidenceAnswers),
        },
        evidenceAnswers: [],
        asOf: alert.observedAt,
        target: {
          metric: 'sentiment',
          entityId: ctx.brandId,
          goal: 'up',
          filter: {},
          label: `Sentiment toward ${name}`,
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

/**
 * The figures of a social swing with the intervals the detector's own spread gives: for sentiment, the change from
 * the baseline ± 1.96 standard errors of that difference; for volume, the day's expected range (baseline ± 1.96 sd
 * of the negative-binomial day count) beside the observed count. The day's own value has no interval of its own
 * (the detector judges the difference), so that cell says so rather than showing a bare dash.
 */
export function signalSwingFigures(alert: SignalAlert): EvidenceFigure[] {
  const baselineN = alert.baselineN ?? alert.n;
  const figures: EvidenceFigure[] = [
    { label: `${alert.metric} (now)`, value: round3(alert.value), n: alert.n, unit: 'posts', ci: null },
  ];
  const spread = alert.spread;
  const isVolume = alert.metric.startsWith('volume');
  figures.push({
    label: `${alert.metric} (baseline)`,
    value: round3(alert.baseline),
    n: baselineN,
    unit: 'posts',
    ci:
      isVolume && spread !== undefined
        ? [round3(Math.max(0, alert.baseline - Z95 * spread)), round3(alert.baseline + Z95 * spread)]
        : null,
  });
  if (!isVolume && spread !== undefined) {
    const change = alert.value - alert.baseline;
    figures.push({
      label: `${alert.metric} (change from baseline)`,
      value: round3(change),
      n: alert.n,
      unit: 'posts',
      ci: [round3(change - Z95 * spread), round3(change + Z95 * spread)],
    });
  }
  return figures;
}
