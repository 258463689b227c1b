import { analyzeText, compileEntities } from '../analysis/index.ts';
import type { Analysis } from '../analysis/types.ts';
import type { Brand } from '../contracts/brands.ts';
import type { TrackedPrompt } from '../contracts/prompt-sets.ts';
import type { Answer } from '../contracts/runs.ts';
import { toTrackedEntities } from '../domain/tracked-entities.ts';
import type { TenantId } from '../domain/workspace.ts';
import { answerAnalyzedEvent } from '../events/builders.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { AnalysisLedger } from '../ports/reanalysis.ts';
import { judgeLowConfidence, judgeSummary } from './judge-sentiment.ts';
import { firstAnalysisRecord } from './reanalysis-chunk.ts';
import { type RunDeps, rawAnswerKey, tenantIdOf, type WorkerDeps } from './runs.ts';

/*
 * The fan-out's "Analyze" step, apart from runs.ts so that the other steps' bundles do not carry the analysis engine
 * (and its public-suffix list).
 */

/** Brand-level summary of an analysis, stored on the answer for the viewer and for quick counts. */
export function summarizeAnalysis(
  brand: Brand,
  text: string,
  citations: Answer['citations'],
): NonNullable<Answer['analysis']> {
  return summaryOf(brand, analyzeText({ text, kind: 'answer', citations }, compileEntities(toTrackedEntities(brand))));
}

function summaryOf(brand: Brand, analysis: Analysis): NonNullable<Answer['analysis']> {
  const own = analysis.entities.find((e) => e.entityId === brand.id);
  return {
    brandMentioned: Boolean(own?.mentioned),
    brandRank: own?.rank ?? null,
    brandSentiment: own?.mentioned ? own.sentiment.score : null,
    mentionedEntityIds: analysis.entities.filter((e) => e.mentioned).map((e) => e.entityId),
    citedDomains: [...new Set(analysis.citations.map((c) => c.domain).filter((d): d is string => Boolean(d)))],
  };
}

/** Workflow step "Analyze": runs the analysis engine over a stored answer. Failure here never fails the item. */
export async function analyzeAnswer(
  deps: WorkerDeps & { analysisLedger?: AnalysisLedger | undefined },
  input: { tenantId: string; runId: string; answerId: string | null },
) {
  if (!input.answerId) return { analyzed: false };
  const tenantId = tenantIdOf(input.tenantId);
  const answer = await deps.runs.getAnswer(tenantId, input.answerId);
  if (!answer) return { analyzed: false };
  const brand = await deps.brands.getBrand(tenantId, answer.brandId);
  if (!brand) {
    await deps.runs.setAnswerAnalysis(tenantId, answer.answerId, null, 'failed');
    return { analyzed: false };
  }
  const entities = toTrackedEntities(brand);
  const compiled = compileEntities(entities);
  const offline = analyzeText({ text: answer.text, kind: 'answer', citations: answer.citations }, compiled);
  // Opt-in per brand (run settings); asks only about low-confidence verdicts and records its cost.
  const judged = await judgeLowConfidence(deps, tenantId, brand.id, answer.text, offline, entities);
  const analysis = judged.analysis;
  const summary = summaryOf(brand, analysis);
  if (judged.outcome.model !== null) summary.sentimentJudge = judgeSummary(judged.outcome);
  await deps.runs.setAnswerAnalysis(tenantId, answer.answerId, summary, 'analyzed');
  if (deps.events) {
    const event = await publishAnswerAnalyzed(deps, deps.events, tenantId, answer, analysis);
    // The re-analysis ledger: what this answer contributed, so a later re-scoring can retract it exactly.
    await deps.analysisLedger?.recordFirst(
      tenantId,
      firstAnalysisRecord(event.data, {
        rawKey: rawAnswerKey(tenantId, answer.brandId, answer.runId, answer.itemId),
        configFingerprint: compiled.fingerprint,
        configuredAt: brand.updatedAt,
      }),
    );
  }
  return { analyzed: true };
}

/** Prompts of a prompt-set version by id; versions are immutable, so they are cached per container. */
const promptCache = new Map<string, Map<string, TrackedPrompt>>();
async function promptsOf(deps: Pick<RunDeps, 'brands'>, tenantId: TenantId, brandId: string, version: number) {
  const key = `${tenantId}|${brandId}|${version}`;
  const cached = promptCache.get(key);
  if (cached) return cached;
  const promptSet = version > 0 ? await deps.brands.getPromptSetVersion(tenantId, brandId, version) : null;
  const prompts = new Map((promptSet?.prompts ?? []).map((p) => [p.id, p]));
  if (promptCache.size > 16) promptCache.clear();
  if (promptSet) promptCache.set(key, prompts);
  return prompts;
}

/**
 * Publishes `answer.analyzed` with the prompt's set version, branded flag and topic, so the rollups never read the
 * answer back. A failure propagates: the workflow retries the step, and the event id (derived from the answer id)
 * is the same on every attempt, so consumers count it once.
 */
async function publishAnswerAnalyzed(
  deps: WorkerDeps,
  events: EventPublisher,
  tenantId: TenantId,
  answer: Answer,
  analysis: Analysis,
) {
  const run = await deps.runs.getRunState(tenantId, answer.runId);
  const promptSetVersion = run?.promptSetVersion ?? 0;
  const prompt = (await promptsOf(deps, tenantId, answer.brandId, promptSetVersion)).get(answer.promptId) ?? null;
  const event = answerAnalyzedEvent({ tenantId, answer, promptSetVersion, prompt, analysis });
  await events.publish([event]);
  return event;
}
