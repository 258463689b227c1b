import type { TrackedEntity } from '../analysis/types.ts';
import type { ReanalysisJob, ReanalysisStatus } from '../contracts/reanalysis.ts';
import type { AnswerReanalyzedEvent } from '../events/reanalysis.ts';
import type { RollupCounters, RollupDims } from '../events/rollups.ts';
import type { Page, PageRequest } from './pagination.ts';

/**
 * The analysis currently behind one stored answer's numbers: its revision, engine version and configuration
 * fingerprint, the rollup contribution it made, and where its raw provider payload is (S3). Re-analysis replaces
 * it by compare-and-set on `revision`; `pendingCorrection` is an outbox: the correction event is written with the
 * new revision and republished until it is known to be on the stream.
 */
export interface AnalysisRecord {
  answerId: string;
  runId: string;
  brandId: string;
  /** The prompt the answer answers: its per-prompt rollup counters (clustered intervals) are kept under it. */
  promptId: string;
  /** Key of the raw provider payload in the raw answer store. */
  rawKey: string;
  cell: RollupDims;
  revision: number;
  analyzerVersion: string;
  configFingerprint: string;
  configuredAt: string;
  /** What the answer adds to the rollups under this analysis (`answerCounters`). */
  counters: RollupCounters;
  /** Tracked entities this analysis found mentioned. */
  mentioned: string[];
  /** The re-analysis job that wrote this revision (null for the first analysis). */
  jobId: string | null;
  pendingCorrection: AnswerReanalyzedEvent | null;
}

/** The entity configuration an analysis was made with (what the drill-down re-runs to show the stored analysis). */
export interface AnalysisConfigSnapshot {
  fingerprint: string;
  analyzerVersion: string;
  configuredAt: string;
  entities: TrackedEntity[];
}

/** A brand's answers by day: how many and the first and last day (what a job plans its chunks from). */
export interface AnalysisSpan {
  count: number;
  firstDay: string | null;
  lastDay: string | null;
}

/** Per-brand ledger of analyses (DynamoDB in AWS and locally). */
export interface AnalysisLedger {
  /** Stores a first analysis (revision 0). Never overwrites a later revision (a retried analyze step is harmless). */
  recordFirst(tenantId: string, record: AnalysisRecord): Promise<void>;
  get(tenantId: string, brandId: string, day: string, answerId: string): Promise<AnalysisRecord | null>;
  /** A brand's records of days `from`..`to` inclusive, in (day, answer id) order. */
  list(tenantId: string, brandId: string, from: string, to: string, page: PageRequest): Promise<Page<AnalysisRecord>>;
  span(tenantId: string, brandId: string): Promise<AnalysisSpan>;
  /** Replaces the record if its stored revision is still `expectedRevision`; false (nothing written) otherwise. */
  advance(tenantId: string, next: AnalysisRecord, expectedRevision: number): Promise<boolean>;
  /** Clears the outbox of that revision once its correction is published (no-op if the record moved on). */
  clearPending(
    tenantId: string,
    record: Pick<AnalysisRecord, 'brandId' | 'cell' | 'answerId' | 'revision'>,
  ): Promise<void>;
  putConfig(tenantId: string, brandId: string, snapshot: AnalysisConfigSnapshot): Promise<void>;
  getConfig(tenantId: string, brandId: string, fingerprint: string): Promise<AnalysisConfigSnapshot | null>;
  /** Every brand with analyses, across tenants, with the engine version and fingerprint it was last brought to. */
  listBrands(page: PageRequest): Promise<Page<AnalysedBrand>>;
  /** Notes the engine version and fingerprint a finished job brought the brand to. */
  markBrand(brand: AnalysedBrand): Promise<void>;
}

export interface AnalysedBrand {
  tenantId: string;
  brandId: string;
  analyzerVersion: string;
  configFingerprint: string;
}

/** What one chunk (page of records) of a job did; recorded once per chunk key, however often it is retried. */
export interface ReanalysisChunkDelta {
  done: number;
  rescored: number;
  unchanged: number;
  skipped: Record<string, number>;
  lambdaMs: number;
}

/** Re-analysis jobs and the per-brand generation that lets a newer job supersede a running one. */
export interface ReanalysisJobStore {
  /**
   * Stores a new running job as the brand's next generation (atomically), and marks the job it replaces, if that
   * one was still running, superseded. Returns the stored job and the superseded job id.
   */
  start(
    tenantId: string,
    draft: Omit<ReanalysisJob, 'generation'>,
  ): Promise<{ job: ReanalysisJob; superseded: string | null }>;
  /** The brand's newest job id (the only one allowed to write). */
  latest(tenantId: string, brandId: string): Promise<string | null>;
  get(tenantId: string, jobId: string): Promise<ReanalysisJob | null>;
  setTotal(tenantId: string, jobId: string, total: number): Promise<void>;
  /** Adds a chunk's counts to the job and its time to the tenant's day usage, once per `chunkKey`; false = already counted. */
  recordChunk(
    tenantId: string,
    jobId: string,
    chunkKey: string,
    day: string,
    delta: ReanalysisChunkDelta,
  ): Promise<boolean>;
  /** Function time the tenant's re-analysis used on a UTC day (the per-tenant budget). */
  usageMs(tenantId: string, day: string): Promise<number>;
  /** Running → a terminal status (no-op when it already left `running`). Returns the job as stored. */
  finish(
    tenantId: string,
    jobId: string,
    status: Exclude<ReanalysisStatus, 'running'>,
    at: string,
  ): Promise<ReanalysisJob | null>;
  list(tenantId: string, brandId: string | null, page: PageRequest): Promise<Page<ReanalysisJob>>;
}

/** Starts the re-analysis workflow (Step Functions in AWS, the local runner locally). Idempotent per job id. */
export interface ReanalysisStarter {
  start(input: { tenantId: string; jobId: string }): Promise<void>;
}
