/**
 * The opt-in LLM sentiment judge in the fan-out's Analyze step. Off unless the brand's run settings name a judge
 * model (`sentimentJudge`). When on, it asks the judge only about the brands whose offline verdict is low-confidence
 * (shared/analysis/judge-gate.ts), only while the workspace is under its spend caps, and records every call's usage
 * and cost in the usage ledger like any other model call. Any failure keeps the offline analysis.
 */

import { type JudgeOutcome, refineSentimentWithJudge } from '../analysis/judge.ts';
import { lowConfidenceEntityIds } from '../analysis/judge-gate.ts';
import type { Analysis, TrackedEntity } from '../analysis/types.ts';
import { JUDGE_CALL_TOKENS } from '../domain/judge-settings.ts';
import { DEFAULT_SPEND_CAPS } from '../domain/plans.ts';
import { assertWithinSpendCaps } from '../domain/runs.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { SentimentJudgeFactory } from '../ports/analysis.ts';
import type { RunDeps } from './runs.ts';

export interface JudgeDeps extends Pick<RunDeps, 'brands' | 'workspaces' | 'usage' | 'clock'> {
  /** Present where the AI providers are wired; without it an opted-in brand's answers stay offline (recorded). */
  sentimentJudges?: SentimentJudgeFactory | undefined;
}

/** What the judge step did for one answer. */
export interface JudgeStepOutcome extends JudgeOutcome {
  /** Entity ids sent to the judge (empty when it was not called). */
  asked: string[];
  /** Recorded USD of the call (0 when not called; null when the provider's model is unpriced). */
  costUsd: number | null;
}

const notCalled = (detail: string, model: string | null = null): JudgeStepOutcome => ({
  status: 'skipped',
  model,
  detail,
  asked: [],
  costUsd: 0,
});

/** Refines the low-confidence per-brand verdicts of `analysis` with the brand's judge, when it has opted in. */
export async function judgeLowConfidence(
  deps: JudgeDeps,
  tenantId: TenantId,
  brandId: string,
  text: string,
  analysis: Analysis,
  entities: readonly TrackedEntity[],
): Promise<{ analysis: Analysis; outcome: JudgeStepOutcome }> {
  const settings = await deps.brands.getRunSettings(tenantId, brandId);
  const setting = settings?.sentimentJudge ?? null;
  if (!setting) return { analysis, outcome: notCalled('not opted in') };
  const model = `${setting.provider}:${setting.model}`;
  if (!deps.sentimentJudges) return { analysis, outcome: notCalled('no provider wiring in this step', model) };
  const asked = lowConfidenceEntityIds(analysis);
  if (asked.length === 0) return { analysis, outcome: notCalled('every verdict is confident', model) };

  const now = deps.clock.now();
  const caps = (await deps.workspaces.getSettings(tenantId))?.spendCaps ?? DEFAULT_SPEND_CAPS;
  try {
    // A read-then-call check, not a reservation: one judge call costs a fraction of a cent, so concurrent answers can
    // overshoot a cap by at most a few calls, and the next check refuses.
    assertWithinSpendCaps(caps, await deps.usage.usageToDate(tenantId, now), {
      calls: 1,
      tokens: JUDGE_CALL_TOKENS.input + JUDGE_CALL_TOKENS.output,
      usd: 0,
    });
  } catch {
    return { analysis, outcome: notCalled('spend cap reached', model) };
  }

  const costs: { tokens: number; usd: number | null }[] = [];
  const judge = deps.sentimentJudges(setting.provider, setting.model, (c) =>
    costs.push({ tokens: c.inputTokens + c.outputTokens, usd: c.usd }),
  );
  const refined = await refineSentimentWithJudge(text, analysis, entities, judge, undefined, asked);
  let costUsd: number | null = 0;
  for (const c of costs) {
    // Recorded like the runs' own answers: one call, its tokens, its estimated USD (0 when unpriced, as they do).
    await deps.usage.record(tenantId, now, { calls: 1, tokens: c.tokens, usd: c.usd ?? 0 });
    costUsd = c.usd === null || costUsd === null ? null : costUsd + c.usd;
  }
  return { analysis: refined.analysis, outcome: { ...refined.outcome, asked, costUsd } };
}

/** The outcome as stored on the answer's analysis summary (`sentimentJudge`). */
export function judgeSummary(outcome: JudgeStepOutcome) {
  return {
    status: outcome.status,
    model: outcome.model,
    detail: outcome.detail,
    askedEntityIds: outcome.asked,
    costUsd: outcome.costUsd,
  };
}
