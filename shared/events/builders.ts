import { positionAdjustedWords } from '../analysis/metrics.ts';
import type { Analysis } from '../analysis/types.ts';
import type { TrackedPrompt } from '../contracts/prompt-sets.ts';
import type { Answer, Run } from '../contracts/runs.ts';
import { textSentiment } from '../domain/connectors-sentiment.ts';
import { makeEvent } from './envelope.ts';
import type {
  AnswerAnalyzedData,
  AnswerAnalyzedEvent,
  RunCompletedEvent,
  RunProgressedEvent,
  SignalObservedData,
  SignalObservedEvent,
} from './schemas.ts';

const clampUnit = (x: number) => Math.max(-1, Math.min(1, x));

/** The per-answer facts of an analysis, in the event's shape (what the rollups are computed from). */
export function observationsOf(analysis: Analysis): Pick<AnswerAnalyzedData, 'entities' | 'citations' | 'refusal'> {
  const pawc = positionAdjustedWords(analysis);
  return {
    refusal: analysis.refusal,
    entities: analysis.entities.map((e) => {
      const own = analysis.mentions.filter((m) => m.entityId === e.entityId);
      return {
        entityId: e.entityId,
        kind: e.kind,
        mentioned: e.mentioned,
        mentions: own.length,
        rank: e.rank,
        sentiment: e.mentioned ? clampUnit(e.sentiment.score) : null,
        mentionSentiments: own.filter((m) => m.via === 'text').map((m) => clampUnit(m.sentiment)),
        ownedCitations: analysis.citations.filter((c) => c.entityId === e.entityId).length,
        positionAdjustedWords: pawc.get(e.entityId) ?? 0,
        primaryRecommendation: e.primaryRecommendation,
      };
    }),
    citations: analysis.citations.map((c) => ({
      url: c.url,
      domain: c.domain,
      class: c.class,
      entityId: c.entityId,
      category: c.category,
    })),
  };
}

/** `promptpulse.answer.analyzed` for a stored answer; the id is stable for the answer (retries republish it). */
export function answerAnalyzedEvent(input: {
  tenantId: string;
  answer: Answer;
  promptSetVersion: number;
  prompt: Pick<TrackedPrompt, 'branded' | 'topicId' | 'intent' | 'persona'> | null;
  analysis: Analysis;
}): AnswerAnalyzedEvent {
  const { answer, prompt } = input;
  const data: AnswerAnalyzedData = {
    tenantId: input.tenantId,
    brandId: answer.brandId,
    runId: answer.runId,
    answerId: answer.answerId,
    prompt: {
      id: answer.promptId,
      setVersion: input.promptSetVersion,
      branded: prompt?.branded ?? false,
      topicId: prompt?.topicId ?? null,
      intent: prompt?.intent ?? null,
      persona: prompt?.persona ?? null,
    },
    provider: answer.provider,
    model: answer.model,
    modelVersion: answer.modelVersion,
    surface: answer.surface,
    locale: answer.locale,
    sampleIndex: answer.sampleIndex,
    answeredAt: answer.createdAt,
    analyzerVersion: input.analysis.analyzerVersion,
    ...observationsOf(input.analysis),
    usage: answer.usage,
    costUsd: answer.costUsd === null ? null : Math.max(0, answer.costUsd),
    latencyMs: Math.max(0, answer.latencyMs),
  };
  return makeEvent({
    type: 'promptpulse.answer.analyzed',
    tenantId: input.tenantId,
    subject: `brands/${answer.brandId}/answers/${answer.answerId}`,
    time: answer.createdAt,
    key: answer.answerId,
    data,
  });
}

/** `promptpulse.run.completed` for a run in its terminal status. */
export function runCompletedEvent(tenantId: string, run: Run): RunCompletedEvent {
  const finishedAt = run.finishedAt ?? run.createdAt;
  return makeEvent({
    type: 'promptpulse.run.completed',
    tenantId,
    subject: `brands/${run.brandId}/runs/${run.id}`,
    time: finishedAt,
    key: run.id,
    data: {
      tenantId,
      brandId: run.brandId,
      runId: run.id,
      status: run.status,
      promptSetVersion: run.promptSetVersion,
      counts: run.counts,
      trigger: run.trigger,
      perProvider: run.perProvider,
      usage: run.usage,
      startedAt: run.startedAt,
      finishedAt,
    },
  });
}

/** `promptpulse.run.progressed`: one snapshot; the key includes the counters so each distinct snapshot is one event. */
export function runProgressedEvent(tenantId: string, run: Run, at: string): RunProgressedEvent {
  const c = run.counts;
  return makeEvent({
    type: 'promptpulse.run.progressed',
    tenantId,
    subject: `brands/${run.brandId}/runs/${run.id}`,
    time: at,
    key: `${run.id}|${c.succeeded}|${c.failed}|${c.skipped}|${run.status}`,
    data: {
      tenantId,
      brandId: run.brandId,
      runId: run.id,
      status: run.status,
      promptSetVersion: run.promptSetVersion,
      counts: c,
      at,
    },
  });
}

/** A normalised item as a connector produces it: the signal.observed fields that do not come from the analysis. */
export type ObservedItem = Omit<
  SignalObservedData,
  'tenantId' | 'brandId' | 'connectorId' | 'observedAt' | 'analyzerVersion' | 'sentiment' | 'entities' | 'citations'
>;

/** The text a signal's analysis runs over: the title (articles, Reddit posts) then the body. */
export function signalAnalysisText(item: Pick<ObservedItem, 'title' | 'text'>): string {
  return item.title ? `${item.title}\n\n${item.text}` : item.text;
}

/**
 * `promptpulse.signal.observed` for one analysed item. Idempotency: the event id hashes tenant + type +
 * `<connectorId>|<externalId>` (time part = publishedAt), so polling the same item again, or retrying a publish,
 * produces the same id and consumers dedupe on it. `analysis` must be of `signalAnalysisText(item)`.
 */
export function signalObservedEvent(input: {
  tenantId: string;
  brandId: string;
  connectorId: string;
  item: ObservedItem;
  analysis: Analysis;
  observedAt: string;
}): SignalObservedEvent {
  const { item } = input;
  const { entities, citations } = observationsOf(input.analysis);
  const data: SignalObservedData = {
    tenantId: input.tenantId,
    brandId: input.brandId,
    connectorId: input.connectorId,
    ...item,
    observedAt: input.observedAt,
    analyzerVersion: input.analysis.analyzerVersion,
    sentiment: textSentiment(signalAnalysisText(item)),
    entities,
    citations,
  };
  return makeEvent({
    type: 'promptpulse.signal.observed',
    tenantId: input.tenantId,
    subject: `brands/${input.brandId}/connectors/${input.connectorId}/items/${encodeURIComponent(item.externalId)}`,
    time: item.publishedAt,
    key: `${input.connectorId}|${item.externalId}`,
    data,
  });
}
