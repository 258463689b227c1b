import { beforeEach, describe, expect, it } from 'vitest';
import { analyzeText, compileEntities } from '../../../shared/analysis/analyze.ts';
import type { TrackedEntity } from '../../../shared/analysis/types.ts';
import type { Brand } from '../../../shared/contracts/brands.ts';
import type { Answer } from '../../../shared/contracts/runs.ts';
import { toTrackedEntities } from '../../../shared/domain/tracked-entities.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import { answerAnalyzedEvent } from '../../../shared/events/builders.ts';
import type { CanonicalEvent } from '../../../shared/ports/event-publisher.ts';
import { aggregateRecords } from '../../../shared/use-cases/aggregate.ts';
import {
  finishReanalysis,
  planReanalysis,
  type ReanalysisDeps,
  requestReanalysis,
  runReanalysisChunk,
  sweepStaleBrands,
} from '../../../shared/use-cases/reanalysis.ts';
import { firstAnalysisRecord } from '../../../shared/use-cases/reanalysis-chunk.ts';
import { MemoryAnalysisLedger, MemoryReanalysisJobs } from '../../support/reanalysis-memory.ts';
import { loadCorpus, loadEntityConfigs } from '../analysis/corpus.ts';
import { MemoryRollupStore } from '../events/memory-rollup-store.ts';

const TENANT = 'ws_01j9zzzzzzzzzzzzzzzzzzzzzz';

/** The labelled corpus's largest entity configuration as a brand (its texts are what gets re-scored). */
function corpusBrand(): { brand: Brand; texts: string[] } {
  const configs = loadEntityConfigs();
  const corpus = loadCorpus().filter((c) => c.label.kind === 'answer');
  const counts = new Map<string, number>();
  for (const c of corpus) counts.set(c.label.config, (counts.get(c.label.config) ?? 0) + 1);
  // The largest configuration whose brand has aliases (the change under test is "the brand's aliases").
  const withAliases = [...counts.entries()].filter(([name]) =>
    (configs[name] ?? []).some((e) => e.kind === 'brand' && e.aliases.length > 0),
  );
  const [config] = withAliases.sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  const entities = configs[config] as TrackedEntity[];
  const own = entities.find((e) => e.kind === 'brand') as TrackedEntity;
  const brand: Brand = {
    id: own.id,
    name: own.name,
    category: 'analytics',
    aliases: own.aliases.map((a) => ({ caseSensitive: false, ambiguous: false, ...a })),
    ownedDomains: own.ownedDomains,
    markets: [],
    competitors: entities
      .filter((e) => e.kind === 'competitor')
      .map((e) => ({
        id: e.id,
        name: e.name,
        aliases: e.aliases.map((a) => ({ caseSensitive: false, ambiguous: false, ...a })),
        ownedDomains: e.ownedDomains,
      })),
    topics: [],
    promptSetVersion: 1,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  } as Brand;
  return { brand, texts: corpus.filter((c) => c.label.config === config).map((c) => c.text) };
}

const { brand: fullBrand, texts } = corpusBrand();
/** The configuration history was first analysed with: no brand aliases, and without the last competitor. */
const oldBrand: Brand = {
  ...fullBrand,
  aliases: [],
  competitors: fullBrand.competitors.slice(0, -1),
};

function answerOf(i: number, text: string): Answer {
  const day = `2026-02-${String(1 + (i % 20)).padStart(2, '0')}`;
  return {
    answerId: `run_01j9zzzzzzzzzzzzzzzzzzzzzz.item${i}`,
    runId: 'run_01j9zzzzzzzzzzzzzzzzzzzzzz',
    itemId: `item${i}`,
    brandId: fullBrand.id,
    promptId: `prm_${i % 4}`,
    promptText: 'q',
    provider: (['openai', 'anthropic', 'gemini'] as const)[i % 3] ?? 'openai',
    model: 'm',
    modelVersion: null,
    surface: 'api',
    locale: 'en-US',
    sampleIndex: 0,
    text,
    citations: [],
    latencyMs: 5,
    usage: { inputTokens: 10 + i, outputTokens: 50 + i },
    costUsd: 0.0001 * i,
    providerRequestId: null,
    analysisStatus: 'analyzed',
    analysis: null,
    createdAt: `${day}T09:00:00.000Z`,
  };
}

// Each text asked on four days by different providers: a month of history.
const answers = [...texts, ...texts, ...texts, ...texts].map((t, i) => answerOf(i, t));
const eventsUnder = (brand: Brand, only?: (a: Answer) => boolean) => {
  const compiled = compileEntities(toTrackedEntities(brand));
  return answers
    .filter((a) => !only || only(a))
    .map((answer, i) =>
      answerAnalyzedEvent({
        tenantId: TENANT,
        answer,
        promptSetVersion: 1,
        prompt: { branded: i % 5 === 0, topicId: null, intent: 'informational', persona: null },
        analysis: analyzeText({ text: answer.text, kind: 'answer', citations: answer.citations }, compiled),
      }),
    );
};

/** Counters with zero values dropped and floats rounded: absent and 0 are the same count. */
function normalised(store: MemoryRollupStore) {
  const clean = (counters: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(counters)
        .filter(([, v]) => Math.abs(v) > 1e-9)
        .map(([k, v]) => [k, Math.round(v * 1e6) / 1e6])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  const snap = store.snapshot();
  const of = (m: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(m).map(([k, v]) => [k, clean((v as { counters: Record<string, number> }).counters)]),
    );
  return { cells: of(snap.cells), days: of(snap.days), weekCells: of(snap.weekCells), weeks: of(snap.weeks) };
}

async function applyEvents(store: MemoryRollupStore, events: readonly CanonicalEvent[]) {
  const result = await aggregateRecords(
    { rollups: store },
    events.map((e, i) => ({ sequenceNumber: String(i), data: JSON.stringify(e) })),
  );
  expect(result.rejected).toBe(0);
  return result;
}

class Stream {
  readonly published: CanonicalEvent[] = [];
  failNext = 0;
  async publish(events: readonly CanonicalEvent[]) {
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('stream unavailable'), { name: 'EventPublishError' });
    }
    this.published.push(...events);
  }
}

let ledger: MemoryAnalysisLedger;
let jobs: MemoryReanalysisJobs;
let stream: Stream;
let raw: Map<string, unknown>;
let current: Brand;
let deps: ReanalysisDeps;
let clockMs: number;
let rejudged: string[];

beforeEach(async () => {
  ledger = new MemoryAnalysisLedger();
  jobs = new MemoryReanalysisJobs();
  stream = new Stream();
  raw = new Map();
  current = oldBrand;
  clockMs = Date.parse('2026-03-01T00:00:00.000Z');
  rejudged = [];
  let id = 0;
  deps = {
    ledger,
    jobs,
    events: stream,
    rawAnswers: {
      put: async (k, b) => void raw.set(k, b),
      get: async (k) => {
        const v = raw.get(k);
        if (v === 'THROW') throw new Error('AccessDenied');
        return v ?? null;
      },
    },
    brands: { getBrand: async (_t: TenantId, brandId: string) => (brandId === current.id ? current : null) },
    ids: { next: () => `01J9ZZZZZZZZZZZZZZZZZZZZ${String(++id).padStart(2, '0')}` },
    clock: {
      now: () => {
        clockMs += 7;
        return new Date(clockMs);
      },
    },
    afterRescore: async (_t, b) => void rejudged.push(b),
    limits: { pageSize: 7, recordsPerCall: 10 },
  };
  const fp = compileEntities(toTrackedEntities(oldBrand)).fingerprint;
  for (const [i, e] of eventsUnder(oldBrand).entries()) {
    const answer = answers[i] as Answer;
    const rawKey = `raw/${answer.answerId}`;
    raw.set(rawKey, { request: {}, response: { text: answer.text, citations: [] } });
    await ledger.recordFirst(
      TENANT,
      firstAnalysisRecord(e.data, { rawKey, configFingerprint: fp, configuredAt: oldBrand.updatedAt }),
    );
    stream.published.push(e);
  }
});

/** Drives one job like the workflow: Plan, every chunk looped over its cursor, Finish. */
async function runJob(jobId: string, options: { onChunk?: (n: number) => Promise<void> } = {}) {
  const { chunks } = await planReanalysis(deps, { tenantId: TENANT, jobId });
  let calls = 0;
  for (const chunk of chunks) {
    let cursor: string | null = null;
    do {
      await options.onChunk?.(++calls);
      let result: Awaited<ReturnType<typeof runReanalysisChunk>>;
      try {
        result = await runReanalysisChunk(deps, { tenantId: TENANT, jobId, ...chunk, cursor });
      } catch {
        // The workflow's Retry: the same chunk call again.
        result = await runReanalysisChunk(deps, { tenantId: TENANT, jobId, ...chunk, cursor });
      }
      if (result.stop) break;
      cursor = result.cursor;
    } while (cursor);
  }
  return finishReanalysis(deps, { tenantId: TENANT, jobId });
}

const change = (brand: Brand) => {
  current = { ...brand, version: current.version + 1, updatedAt: new Date(clockMs).toISOString() };
};

describe('re-analysis of a brand history', () => {
  it('has history to re-score whose mentions change under the new configuration', () => {
    expect(answers.length).toBeGreaterThan(20);
    const before = JSON.stringify(eventsUnder(oldBrand).map((e) => e.data.entities));
    expect(JSON.stringify(eventsUnder(fullBrand).map((e) => e.data.entities))).not.toBe(before);
  });

  it('ends equal to a from-scratch recomputation under the new configuration, with duplicates, a crash between chunks and a replay', async () => {
    change(fullBrand);
    const job = await requestReanalysis(deps, { tenantId: TENANT, brandId: fullBrand.id, trigger: 'configuration' });
    const finished = await runJob(job.jobId, {
      // The stream refuses the publish of the second chunk call once: the ledger already holds the new revisions
      // (outbox), and the retried call republishes them.
      onChunk: async (n) => {
        if (n === 2) stream.failNext = 1;
      },
    });
    expect(finished.status).toBe('succeeded');
    expect(finished.done).toBe(answers.length);
    expect(finished.rescored + finished.unchanged).toBe(answers.length);
    expect(finished.rescored).toBeGreaterThan(0);
    expect(rejudged).toEqual([fullBrand.id]);

    const store = new MemoryRollupStore();
    // Every event twice (redelivery), then the whole stream once more (replay).
    await applyEvents(
      store,
      stream.published.flatMap((e) => [e, e]),
    );
    const replay = await applyEvents(store, stream.published);
    expect(replay.applied).toBe(0);

    const reference = new MemoryRollupStore();
    await applyEvents(reference, eventsUnder(fullBrand));
    expect(normalised(store)).toEqual(normalised(reference));
    expect(stream.published.filter((e) => e.type === 'promptpulse.answer.reanalyzed').length).toBeGreaterThan(0);
  });

  it('a crash between writing a revision and publishing it leaves a pending correction that the next job publishes', async () => {
    change(fullBrand);
    const job = await requestReanalysis(deps, { tenantId: TENANT, brandId: fullBrand.id, trigger: 'configuration' });
    const { chunks } = await planReanalysis(deps, { tenantId: TENANT, jobId: job.jobId });
    stream.failNext = 1;
    await expect(
      runReanalysisChunk(deps, { tenantId: TENANT, jobId: job.jobId, ...(chunks[0] as { from: string; to: string }) }),
    ).rejects.toThrow('stream unavailable');
    expect([...ledger.records.values()].some((r) => r.pendingCorrection)).toBe(true);
    // The workflow gives up on this job (its Catch marks it failed); a later job finds the outbox.
    await finishReanalysis(deps, { tenantId: TENANT, jobId: job.jobId, failed: true });
    const again = await requestReanalysis(deps, { tenantId: TENANT, brandId: fullBrand.id, trigger: 'manual' });
    expect((await runJob(again.jobId)).status).toBe('succeeded');
    expect([...ledger.records.values()].some((r) => r.pendingCorrection)).toBe(false);

    const store = new MemoryRollupStore();
    await applyEvents(store, stream.published);
    const reference = new MemoryRollupStore();
    await applyEvents(reference, eventsUnder(fullBrand));
    expect(normalised(store)).toEqual(normalised(reference));
  });

  it('a second change during a running job supersedes it without double counting', async () => {
    const withAliases: Brand = { ...oldBrand, aliases: fullBrand.aliases };
    change(withAliases);
    const first = await requestReanalysis(deps, { tenantId: TENANT, brandId: fullBrand.id, trigger: 'configuration' });
    const { chunks } = await planReanalysis(deps, { tenantId: TENANT, jobId: first.jobId });
    const firstChunk = chunks[0] as { from: string; to: string };
    await runReanalysisChunk(deps, { tenantId: TENANT, jobId: first.jobId, ...firstChunk });
    // The competitor is added while the first job runs.
    change(fullBrand);
    const second = await requestReanalysis(deps, { tenantId: TENANT, brandId: fullBrand.id, trigger: 'configuration' });
    const rest = await runReanalysisChunk(deps, { tenantId: TENANT, jobId: first.jobId, ...(chunks[1] ?? firstChunk) });
    expect(rest.stop).toBe('superseded');
    expect((await finishReanalysis(deps, { tenantId: TENANT, jobId: first.jobId })).status).toBe('superseded');
    expect((await runJob(second.jobId)).status).toBe('succeeded');

    const store = new MemoryRollupStore();
    await applyEvents(store, stream.published);
    const reference = new MemoryRollupStore();
    await applyEvents(reference, eventsUnder(fullBrand));
    expect(normalised(store)).toEqual(normalised(reference));
    // Answers the first job re-scored were corrected twice (two revisions), each once.
    expect(Math.max(...[...ledger.records.values()].map((r) => r.revision))).toBe(2);
  });

  it('counts missing and unreadable raw answers by reason, skips them and keeps their previous analysis', async () => {
    const [a, b, c] = answers;
    raw.delete(`raw/${a?.answerId}`);
    raw.set(`raw/${b?.answerId}`, { response: { text: 42 } });
    raw.set(`raw/${c?.answerId}`, 'THROW');
    change(fullBrand);
    const job = await requestReanalysis(deps, { tenantId: TENANT, brandId: fullBrand.id, trigger: 'configuration' });
    const finished = await runJob(job.jobId);
    expect(finished.status).toBe('succeeded');
    expect(finished.skipped).toEqual({ raw_missing: 1, raw_unreadable: 2 });
    expect(finished.done).toBe(answers.length);

    const skippedIds = new Set([a, b, c].map((x) => x?.answerId));
    const store = new MemoryRollupStore();
    await applyEvents(store, stream.published);
    const reference = new MemoryRollupStore();
    await applyEvents(reference, [
      ...eventsUnder(fullBrand, (x) => !skippedIds.has(x.answerId)),
      ...eventsUnder(oldBrand, (x) => skippedIds.has(x.answerId)),
    ]);
    // eventsUnder numbers prompts by position in the filtered list; rebuild the reference with the full list instead.
    const full = eventsUnder(fullBrand);
    const old = eventsUnder(oldBrand);
    const mixed = new MemoryRollupStore();
    await applyEvents(
      mixed,
      full.map((e, i) => (skippedIds.has(e.data.answerId) ? (old[i] as typeof e) : e)),
    );
    expect(normalised(store)).toEqual(normalised(mixed));
  });

  it('stops at the tenant budget and says so', async () => {
    deps.limits = { pageSize: 7, recordsPerCall: 10, dailyBudgetMs: 1 };
    change(fullBrand);
    const job = await requestReanalysis(deps, { tenantId: TENANT, brandId: fullBrand.id, trigger: 'configuration' });
    const finished = await runJob(job.jobId);
    expect(finished.status).toBe('budget_exceeded');
    expect(finished.done).toBeLessThan(answers.length);
  });

  it('the scheduled sweep starts a job for a brand whose configuration changed, and none once it is current', async () => {
    change(fullBrand);
    const first = await sweepStaleBrands(deps);
    expect(first.started).toHaveLength(1);
    expect((await runJob(first.started[0] as string)).status).toBe('succeeded');
    expect((await sweepStaleBrands(deps)).started).toHaveLength(0);
  });
});
