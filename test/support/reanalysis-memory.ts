import type { ReanalysisJob, ReanalysisStatus } from '../../shared/contracts/reanalysis.ts';
import type { Page, PageRequest } from '../../shared/ports/pagination.ts';
import type {
  AnalysedBrand,
  AnalysisConfigSnapshot,
  AnalysisLedger,
  AnalysisRecord,
  AnalysisSpan,
  ReanalysisChunkDelta,
  ReanalysisJobStore,
} from '../../shared/ports/reanalysis.ts';

/** In-memory ledger with the DynamoDB adapter's semantics (compare-and-set on revision, (day, answer) order). */
export class MemoryAnalysisLedger implements AnalysisLedger {
  readonly records = new Map<string, AnalysisRecord>();
  readonly configs = new Map<string, AnalysisConfigSnapshot>();
  readonly brands = new Map<string, AnalysedBrand>();
  private key = (tenantId: string, brandId: string, day: string, answerId: string) =>
    `${tenantId}|${brandId}|${day}|${answerId}`;

  async recordFirst(tenantId: string, record: AnalysisRecord) {
    const k = this.key(tenantId, record.brandId, record.cell.day, record.answerId);
    const stored = this.records.get(k);
    if (!stored || stored.revision === 0) this.records.set(k, structuredClone(record));
    const bk = `${tenantId}|${record.brandId}`;
    if (!this.brands.has(bk))
      this.brands.set(bk, {
        tenantId,
        brandId: record.brandId,
        analyzerVersion: record.analyzerVersion,
        configFingerprint: record.configFingerprint,
      });
  }
  async get(tenantId: string, brandId: string, day: string, answerId: string) {
    const r = this.records.get(this.key(tenantId, brandId, day, answerId));
    return r ? structuredClone(r) : null;
  }
  private sorted(tenantId: string, brandId: string) {
    return [...this.records.entries()]
      .filter(([k]) => k.startsWith(`${tenantId}|${brandId}|`))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, r]) => r);
  }
  async list(tenantId: string, brandId: string, from: string, to: string, page: PageRequest) {
    const all = this.sorted(tenantId, brandId).filter((r) => r.cell.day >= from && r.cell.day <= to);
    const start = page.cursor ? Number(page.cursor) : 0;
    const items = all.slice(start, start + page.limit).map((r) => structuredClone(r));
    const next = start + page.limit < all.length ? String(start + page.limit) : null;
    return { items, nextCursor: next };
  }
  async span(tenantId: string, brandId: string): Promise<AnalysisSpan> {
    const all = this.sorted(tenantId, brandId);
    return { count: all.length, firstDay: all[0]?.cell.day ?? null, lastDay: all.at(-1)?.cell.day ?? null };
  }
  async advance(tenantId: string, next: AnalysisRecord, expectedRevision: number) {
    const k = this.key(tenantId, next.brandId, next.cell.day, next.answerId);
    const stored = this.records.get(k);
    if (!stored || stored.revision !== expectedRevision) return false;
    this.records.set(k, structuredClone(next));
    return true;
  }
  async clearPending(tenantId: string, r: Pick<AnalysisRecord, 'brandId' | 'cell' | 'answerId' | 'revision'>) {
    const stored = this.records.get(this.key(tenantId, r.brandId, r.cell.day, r.answerId));
    if (stored && stored.revision === r.revision) stored.pendingCorrection = null;
  }
  async putConfig(tenantId: string, brandId: string, snapshot: AnalysisConfigSnapshot) {
    this.configs.set(`${tenantId}|${brandId}|${snapshot.fingerprint}`, structuredClone(snapshot));
  }
  async getConfig(tenantId: string, brandId: string, fingerprint: string) {
    return this.configs.get(`${tenantId}|${brandId}|${fingerprint}`) ?? null;
  }
  async listBrands(_page: PageRequest): Promise<Page<AnalysedBrand>> {
    return { items: [...this.brands.values()], nextCursor: null };
  }
  async markBrand(brand: AnalysedBrand) {
    this.brands.set(`${brand.tenantId}|${brand.brandId}`, { ...brand });
  }
}

export class MemoryReanalysisJobs implements ReanalysisJobStore {
  readonly jobs = new Map<string, ReanalysisJob>();
  readonly latestOf = new Map<string, { jobId: string; generation: number }>();
  readonly chunks = new Set<string>();
  readonly usage = new Map<string, number>();

  async start(tenantId: string, draft: Omit<ReanalysisJob, 'generation'>) {
    const bk = `${tenantId}|${draft.brandId}`;
    const prev = this.latestOf.get(bk);
    const job: ReanalysisJob = { ...draft, generation: (prev?.generation ?? 0) + 1 };
    this.jobs.set(`${tenantId}|${job.jobId}`, job);
    this.latestOf.set(bk, { jobId: job.jobId, generation: job.generation });
    let superseded: string | null = null;
    const old = prev ? this.jobs.get(`${tenantId}|${prev.jobId}`) : undefined;
    if (old && old.status === 'running') {
      old.status = 'superseded';
      old.supersededBy = job.jobId;
      old.finishedAt = draft.startedAt;
      superseded = old.jobId;
    }
    return { job: structuredClone(job), superseded };
  }
  async latest(tenantId: string, brandId: string) {
    return this.latestOf.get(`${tenantId}|${brandId}`)?.jobId ?? null;
  }
  async get(tenantId: string, jobId: string) {
    const j = this.jobs.get(`${tenantId}|${jobId}`);
    return j ? structuredClone(j) : null;
  }
  async setTotal(tenantId: string, jobId: string, total: number) {
    const j = this.jobs.get(`${tenantId}|${jobId}`);
    if (j) j.total = total;
  }
  async recordChunk(tenantId: string, jobId: string, chunkKey: string, day: string, d: ReanalysisChunkDelta) {
    const k = `${tenantId}|${jobId}|${chunkKey}`;
    if (this.chunks.has(k)) return false;
    this.chunks.add(k);
    const j = this.jobs.get(`${tenantId}|${jobId}`);
    if (j) {
      j.done += d.done;
      j.rescored += d.rescored;
      j.unchanged += d.unchanged;
      j.lambdaMs += d.lambdaMs;
      for (const [r, n] of Object.entries(d.skipped)) j.skipped[r] = (j.skipped[r] ?? 0) + n;
    }
    this.usage.set(`${tenantId}|${day}`, (this.usage.get(`${tenantId}|${day}`) ?? 0) + d.lambdaMs);
    return true;
  }
  async usageMs(tenantId: string, day: string) {
    return this.usage.get(`${tenantId}|${day}`) ?? 0;
  }
  async finish(tenantId: string, jobId: string, status: Exclude<ReanalysisStatus, 'running'>, at: string) {
    const j = this.jobs.get(`${tenantId}|${jobId}`);
    if (!j) return null;
    if (j.status === 'running') {
      j.status = status;
      j.finishedAt = at;
    }
    return structuredClone(j);
  }
  async list(tenantId: string, brandId: string | null, page: PageRequest) {
    const items = [...this.jobs.entries()]
      .filter(([k, j]) => k.startsWith(`${tenantId}|`) && (!brandId || j.brandId === brandId))
      .map(([, j]) => structuredClone(j))
      .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
    return { items: items.slice(0, page.limit), nextCursor: null };
  }
}
