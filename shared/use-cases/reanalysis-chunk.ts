/**
 * One chunk of a re-analysis job: a page of a brand's analysis records, each re-scored from its stored raw text
 * (S3) with the job's engine version and configuration. No model calls. Why the order of writes: the new revision
 * and its correction event are written together by compare-and-set (the outbox), then published, then the outbox
 * is cleared, so a crash anywhere leaves either the old revision (the retry redoes it, same event id) or a pending
 * correction (republished by the retry or the next job; the rollups dedupe on the event id).
 */

import { ANALYZER_VERSION, analyzeText, type CompiledEntities } from '../analysis/index.ts';
import type { ReanalysisJob, ReanalysisSkipReason } from '../contracts/reanalysis.ts';
import { observationsOf } from '../events/builders.ts';
import { type AnswerReanalyzedEvent, answerReanalyzedEvent } from '../events/reanalysis.ts';
import { answerCounters, type RollupCounters } from '../events/rollups.ts';
import type { AnswerAnalyzedData } from '../events/schemas.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { AnalysisLedger, AnalysisRecord, ReanalysisChunkDelta } from '../ports/reanalysis.ts';
import type { RawAnswerStore } from '../ports/runs.ts';
import type { Clock } from '../ports/system.ts';

export interface ChunkDeps {
  ledger: AnalysisLedger;
  rawAnswers: RawAnswerStore;
  events: EventPublisher;
  clock: Clock;
}

/** The counters an analysis does not change: the answer count, the branded split, tokens and cost. */
const KEPT_COUNTERS = ['n', 'nNB', 'inTok', 'outTok', 'costUsd'] as const;

/** The raw provider payload as the fan-out stores it (`{ request, response: { text, citations } }`). */
export function textOfRawAnswer(raw: unknown): { text: string; citations: { url: string; title?: string }[] } | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const response = (raw as { response?: unknown }).response;
  if (typeof response !== 'object' || response === null) return null;
  const { text, citations } = response as { text?: unknown; citations?: unknown };
  if (typeof text !== 'string') return null;
  const list = Array.isArray(citations) ? citations : [];
  const clean = list.filter(
    (c): c is { url: string; title?: string } => typeof c === 'object' && c !== null && typeof c.url === 'string',
  );
  return {
    text,
    citations: clean.map((c) => (typeof c.title === 'string' ? { url: c.url, title: c.title } : { url: c.url })),
  };
}

/** The rollup counters of a new analysis of an answer whose previous contribution was `previous`. */
export function contributionOf(
  analysis: Parameters<typeof observationsOf>[0],
  prompt: { id: string; branded: boolean },
  previous: RollupCounters,
): RollupCounters {
  const observed = observationsOf(analysis);
  const counters = answerCounters({
    ...observed,
    prompt: { id: prompt.id, branded: prompt.branded },
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: null,
  } as unknown as AnswerAnalyzedData);
  for (const k of KEPT_COUNTERS) {
    delete counters[k];
    if (previous[k] !== undefined) counters[k] = previous[k];
  }
  return counters;
}

export interface ChunkOutcome extends ReanalysisChunkDelta {
  /** Corrections published by this call (new or republished from an outbox). */
  published: number;
}

const emptyOutcome = (): ChunkOutcome => ({
  done: 0,
  rescored: 0,
  unchanged: 0,
  skipped: {},
  lambdaMs: 0,
  published: 0,
});

/** Records of a page re-scored at once (each is an S3 read and a conditional write: I/O, not CPU). */
export const RECORD_CONCURRENCY = 16;

type RecordResult =
  | { kind: 'current'; mine: boolean; pending: AnalysisRecord | null }
  | { kind: 'skipped'; reason: ReanalysisSkipReason; pending: AnalysisRecord | null }
  | { kind: 'rescored'; next: AnalysisRecord; pending: AnalysisRecord | null };

/**
 * Re-scores one page of records, {@link RECORD_CONCURRENCY} at a time. Returns what it did; the caller records it
 * once per chunk key. Throws only when the ledger or the stream fails (the workflow retries the chunk); a bad raw
 * item is skipped with its reason.
 */
export async function reanalyzeRecords(
  deps: ChunkDeps,
  tenantId: string,
  job: Pick<ReanalysisJob, 'jobId' | 'configuredAt'>,
  compiled: CompiledEntities,
  records: readonly AnalysisRecord[],
): Promise<ChunkOutcome> {
  const results: RecordResult[] = new Array(records.length);
  let nextIndex = 0;
  const worker = async () => {
    for (let i = nextIndex++; i < records.length; i = nextIndex++) {
      results[i] = await reanalyzeRecord(deps, tenantId, job, compiled, records[i] as AnalysisRecord);
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECORD_CONCURRENCY, records.length) }, worker));

  const out = emptyOutcome();
  const toPublish: { record: AnalysisRecord; event: AnswerReanalyzedEvent }[] = [];
  for (const result of results) {
    out.done++;
    // A correction written earlier but never published (a crash before the publish): sent now, same event id.
    if (result.pending)
      toPublish.push({ record: result.pending, event: result.pending.pendingCorrection as AnswerReanalyzedEvent });
    if (result.kind === 'current') {
      if (result.mine) out.rescored++;
      else out.unchanged++;
    } else if (result.kind === 'skipped') {
      out.skipped[result.reason] = (out.skipped[result.reason] ?? 0) + 1;
    } else {
      out.rescored++;
      toPublish.push({ record: result.next, event: result.next.pendingCorrection as AnswerReanalyzedEvent });
    }
  }
  if (toPublish.length > 0) {
    await deps.events.publish(toPublish.map((p) => p.event));
    out.published = toPublish.length;
    await Promise.all(toPublish.map((p) => deps.ledger.clearPending(tenantId, p.record)));
  }
  return out;
}

async function reanalyzeRecord(
  deps: ChunkDeps,
  tenantId: string,
  job: Pick<ReanalysisJob, 'jobId' | 'configuredAt'>,
  compiled: CompiledEntities,
  stored: AnalysisRecord,
): Promise<RecordResult> {
  let record = stored;
  const pending = record.pendingCorrection ? record : null;
  if (record.analyzerVersion === ANALYZER_VERSION && record.configFingerprint === compiled.fingerprint) {
    return { kind: 'current', mine: record.jobId === job.jobId, pending };
  }
  let raw: unknown;
  try {
    raw = await deps.rawAnswers.get(record.rawKey);
  } catch {
    return { kind: 'skipped', reason: 'raw_unreadable', pending };
  }
  if (raw === null || raw === undefined) return { kind: 'skipped', reason: 'raw_missing', pending };
  const source = textOfRawAnswer(raw);
  if (!source) return { kind: 'skipped', reason: 'raw_unreadable', pending };
  const analysis = analyzeText({ text: source.text, kind: 'answer', citations: source.citations }, compiled);
  // A concurrent job may have advanced the record since it was listed: retry once from what is stored now.
  for (let attempt = 0; attempt < 2 && record; attempt++) {
    const candidate = nextRevision(tenantId, job, compiled, record, analysis, deps.clock.now().toISOString());
    if (await deps.ledger.advance(tenantId, candidate, record.revision)) {
      return { kind: 'rescored', next: candidate, pending };
    }
    record = (await deps.ledger.get(tenantId, record.brandId, record.cell.day, record.answerId)) as AnalysisRecord;
    if (record && record.analyzerVersion === ANALYZER_VERSION && record.configFingerprint === compiled.fingerprint)
      break;
  }
  return { kind: 'skipped', reason: 'superseded_item', pending };
}

function nextRevision(
  tenantId: string,
  job: Pick<ReanalysisJob, 'jobId' | 'configuredAt'>,
  compiled: CompiledEntities,
  record: AnalysisRecord,
  analysis: ReturnType<typeof analyzeText>,
  at: string,
): AnalysisRecord {
  const counters = contributionOf(analysis, { id: record.promptId, branded: record.cell.branded }, record.counters);
  const mentioned = analysis.entities.filter((e) => e.mentioned).map((e) => e.entityId);
  const before = new Set(record.mentioned);
  const now = new Set(mentioned);
  const revision = record.revision + 1;
  const event = answerReanalyzedEvent({
    tenantId,
    brandId: record.brandId,
    answerId: record.answerId,
    runId: record.runId,
    jobId: job.jobId,
    revision,
    cell: record.cell,
    previous: {
      analyzerVersion: record.analyzerVersion,
      configFingerprint: record.configFingerprint,
      counters: record.counters,
    },
    current: {
      analyzerVersion: ANALYZER_VERSION,
      configFingerprint: compiled.fingerprint,
      configuredAt: job.configuredAt,
      counters,
    },
    addedEntities: mentioned.filter((id) => !before.has(id)),
    removedEntities: record.mentioned.filter((id) => !now.has(id)),
    reanalyzedAt: at,
  });
  return {
    ...record,
    revision,
    analyzerVersion: ANALYZER_VERSION,
    configFingerprint: compiled.fingerprint,
    configuredAt: job.configuredAt,
    counters,
    mentioned,
    jobId: job.jobId,
    pendingCorrection: event,
  };
}

/** The ledger record of an answer's first analysis (revision 0), from its `answer.analyzed` data. */
export function firstAnalysisRecord(
  data: AnswerAnalyzedData,
  input: { rawKey: string; configFingerprint: string; configuredAt: string },
): AnalysisRecord {
  const day = data.answeredAt.slice(0, 10);
  return {
    answerId: data.answerId,
    runId: data.runId,
    brandId: data.brandId,
    promptId: data.prompt.id,
    rawKey: input.rawKey,
    cell: {
      day,
      promptSetVersion: data.prompt.setVersion,
      provider: data.provider,
      surface: data.surface,
      topic: data.prompt.topicId ?? 'none',
      branded: data.prompt.branded,
    },
    revision: 0,
    analyzerVersion: data.analyzerVersion,
    configFingerprint: input.configFingerprint,
    configuredAt: input.configuredAt,
    counters: answerCounters(data),
    mentioned: data.entities.filter((e) => e.mentioned).map((e) => e.entityId),
    jobId: null,
    pendingCorrection: null,
  };
}
