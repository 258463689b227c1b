import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient, createS3Client } from '../../../functions/adapters/aws/clients.ts';
import { DynamoDbAnalysisLedger } from '../../../functions/adapters/aws/dynamodb-analysis-ledger.ts';
import { DynamoDbBrandRepository } from '../../../functions/adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbRollupStore } from '../../../functions/adapters/aws/dynamodb-rollup-store.ts';
import { DynamoDbRunRepository } from '../../../functions/adapters/aws/dynamodb-run-repository.ts';
import { systemClock, ulidGenerator } from '../../../functions/adapters/system.ts';
import { createReanalysisDeps } from '../../../functions/handlers/reanalysis/deps.ts';
import { analyzeText, compileEntities } from '../../../shared/analysis/analyze.ts';
import { type Brand, BrandInputSchema } from '../../../shared/contracts/brands.ts';
import { DrilldownResponseSchema } from '../../../shared/contracts/drilldown.ts';
import type { TrackedPrompt } from '../../../shared/contracts/prompt-sets.ts';
import type { ReanalysisJob } from '../../../shared/contracts/reanalysis.ts';
import type { Answer } from '../../../shared/contracts/runs.ts';
import { toTrackedEntities } from '../../../shared/domain/tracked-entities.ts';
import type { TenantId, UserId } from '../../../shared/domain/workspace.ts';
import { answerAnalyzedEvent } from '../../../shared/events/builders.ts';
import { isPromptCounter } from '../../../shared/events/rollup-counters.ts';
import { answerCounters, type RollupCounters, sumCounters } from '../../../shared/events/rollups.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';
import type { CanonicalEvent } from '../../../shared/ports/event-publisher.ts';
import type { AnalysisRecord } from '../../../shared/ports/reanalysis.ts';
import { type BrandDeps, updateBrand as updateBrandUseCase } from '../../../shared/use-cases/brands.ts';
import {
  finishReanalysis,
  planReanalysis,
  requestReanalysis,
  runReanalysisChunk,
} from '../../../shared/use-cases/reanalysis.ts';
import { call } from '../../support/api.ts';
import { brandWithTwoPrompts, runToCompletion } from '../../support/runs.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

const stack = inject('stack');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
const rollups = new DynamoDbRollupStore(db, RESOURCE_NAMES.table);
const runsRepo = new DynamoDbRunRepository(db, RESOURCE_NAMES.table);
const ledger = new DynamoDbAnalysisLedger(db, RESOURCE_NAMES.table);
const brandRepo = new DynamoDbBrandRepository(db, RESOURCE_NAMES.table);
const env = {
  TABLE_NAME: RESOURCE_NAMES.table,
  AWS_REGION: 'us-east-1',
  DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
  S3_ENDPOINT: stack.s3Endpoint,
  KINESIS_ENDPOINT: stack.kinesisEndpoint,
  LAKE_BUCKET: RESOURCE_NAMES.lakeBucket,
  EVENT_STREAM_NAME: RESOURCE_NAMES.eventStream,
};
const s3 = createS3Client(env);
afterAll(() => {
  db.destroy();
  s3.destroy();
});

/**
 * Answer counters with zeros dropped and decimals rounded (absent and 0 are the same count). The day total also
 * counts the run itself (`run#…`, from `run.completed`), which re-analysis does not touch.
 */
const clean = (c: RollupCounters) =>
  Object.fromEntries(
    Object.entries(c)
      .filter(([k, v]) => Math.abs(v) > 1e-9 && !k.startsWith('run#'))
      .map(([k, v]) => [k, Math.round(v * 1e6) / 1e6])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

/** The rollups of the brand's day from scratch: every answer analysed once with the brand's configuration now. */
async function fromScratch(tenantId: string, brand: Brand, answers: Answer[], runPromptSetVersion: number) {
  const compiled = compileEntities(toTrackedEntities(brand));
  const prompts = (await call(stack.apiUrl, 'GET', `/brands/${brand.id}/prompt-set`, { token: tokenOf(tenantId) })).json
    .prompts as TrackedPrompt[];
  return sumCounters(
    answers.map((answer) => {
      const prompt = prompts.find((p) => p.id === answer.promptId);
      const event = answerAnalyzedEvent({
        tenantId,
        answer,
        promptSetVersion: runPromptSetVersion,
        prompt: prompt ?? null,
        analysis: analyzeText({ text: answer.text, kind: 'answer', citations: answer.citations }, compiled),
      });
      return answerCounters(event.data);
    }),
  );
}

const tokens = new Map<string, string>();
const tokenOf = (tenantId: string) => tokens.get(tenantId) as string;

/** The brand's fine cells of the day summed (the per-prompt counters live in cells only). */
async function stored(tenantId: string, brandId: string, day: string) {
  const cells = await rollups.readCells(tenantId, brandId, day, day);
  return clean(sumCounters(cells.map((c) => c.counters)));
}

const withoutPromptCounters = (c: RollupCounters) =>
  Object.fromEntries(Object.entries(c).filter(([k]) => !isPromptCounter(k)));

/** PUT /brands/{id} with some fields changed; returns the saved brand. */
async function updateBrand(token: string, brand: Brand, change: Partial<Brand>): Promise<Brand> {
  const next = { ...brand, ...change };
  const res = await call(stack.apiUrl, 'PUT', `/brands/${brand.id}`, {
    token,
    headers: { 'if-match': `"${brand.version}"` },
    body: {
      name: next.name,
      category: next.category,
      aliases: next.aliases,
      ownedDomains: next.ownedDomains,
      markets: next.markets,
      competitors: next.competitors,
      topics: next.topics,
    },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json as Brand;
}

/** Polls until the brand's day rollups equal `expected` (the aggregator trails the stream), then returns them. */
async function settle(tenantId: string, brandId: string, day: string, expected: RollupCounters) {
  let now = await stored(tenantId, brandId, day);
  for (let i = 0; i < 120 && JSON.stringify(now) !== JSON.stringify(clean(expected)); i++) {
    await sleep(250);
    now = await stored(tenantId, brandId, day);
  }
  return now;
}

async function latestJob(token: string, brandId: string): Promise<ReanalysisJob | null> {
  return (await call(stack.apiUrl, 'GET', `/brands/${brandId}/reanalysis`, { token })).json.job;
}

describe('re-analysis through the local stack', () => {
  it('a brand change re-scores its history: rollups equal a recomputation, with a crash between chunks, duplicates and a replay; drill-down and metrics agree', async () => {
    const account = await freshAccount(stack, 'reanalysis');
    const { token, tenantId } = await ownerOfNewWorkspace(
      stack.url,
      stack.apiUrl,
      account.email,
      account.password,
      'Rescore Co',
    );
    tokens.set(tenantId, token);
    const brandId = await brandWithTwoPrompts(stack.apiUrl, token);
    const run = await runToCompletion(stack.apiUrl, token, brandId);
    expect(run.counts.succeeded).toBe(6);
    const items = await runsRepo.listItems(tenantId as TenantId, run.id, null, { limit: 50 });
    const answers = (
      await Promise.all(
        items.items.map((i) => (i.answerId ? runsRepo.getAnswer(tenantId as TenantId, i.answerId) : null)),
      )
    ).filter((a): a is Answer => a !== null);
    expect(answers).toHaveLength(6);
    const day = (answers[0] as Answer).createdAt.slice(0, 10);
    let brand = (await call(stack.apiUrl, 'GET', `/brands/${brandId}`, { token })).json as Brand;
    expect(
      await settle(tenantId, brandId, day, await fromScratch(tenantId, brand, answers, run.promptSetVersion)),
    ).toEqual(clean(await fromScratch(tenantId, brand, answers, run.promptSetVersion)));

    // A name the answers use that the brand does not track yet becomes a competitor (what "add a competitor" does).
    const tracked = new Set([brand.name, ...brand.competitors.map((c) => c.name)].flatMap((n) => n.split(' ')));
    const words = new Map<string, number>();
    for (const a of answers)
      for (const w of new Set(a.text.match(/\b[A-Z][a-z]{4,}\b/g) ?? []))
        if (!tracked.has(w)) words.set(w, (words.get(w) ?? 0) + 1);
    const [newName] = [...words.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
    expect(newName, 'the simulator answers name something untracked').toBeTruthy();

    const put = await call(stack.apiUrl, 'PUT', `/brands/${brandId}`, {
      token,
      headers: { 'if-match': `"${brand.version}"` },
      body: {
        name: brand.name,
        category: brand.category,
        aliases: brand.aliases,
        ownedDomains: brand.ownedDomains,
        markets: brand.markets,
        competitors: [...brand.competitors, { name: newName, aliases: [], ownedDomains: [] }],
        topics: brand.topics,
      },
    });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    brand = put.json as Brand;

    // The workflow (the deployed ASL on the local runner) re-scores the six answers.
    let job = await latestJob(token, brandId);
    for (let i = 0; i < 240 && job?.status === 'running'; i++) {
      await sleep(250);
      job = await latestJob(token, brandId);
    }
    expect(job).toMatchObject({ status: 'succeeded', total: 6, done: 6, rescored: 6, skipped: {} });
    const afterFirst = await fromScratch(tenantId, brand, answers, run.promptSetVersion);
    expect(await settle(tenantId, brandId, day, afterFirst)).toEqual(clean(afterFirst));
    expect(afterFirst[`e#${brand.competitors.at(-1)?.id}#m`] ?? 0).toBeGreaterThan(0);

    // Admin list: the job with its cost and outcome.
    const list = await call(stack.apiUrl, 'GET', '/reanalysis/jobs', { token });
    expect(list.status).toBe(200);
    expect(list.json.items[0]).toMatchObject({ jobId: job?.jobId, status: 'succeeded' });
    expect(list.json.items[0].lambdaMs).toBeGreaterThanOrEqual(0);

    // A second change whose job did not start with it (the update's start failed; the sweep's case), played by this
    // test as the workflow (real SDK against the emulators) in pages of two. The stream refuses the first publish
    // after the ledger already holds the new revisions (a crash between chunks): the call is retried and republishes
    // the pending corrections.
    const last = brand.competitors.at(-1) as Brand['competitors'][number];
    const second = await updateBrandUseCase(
      { brands: brandRepo, workspaces: {} as BrandDeps['workspaces'], clock: systemClock, ids: ulidGenerator },
      {
        userId: 'usr_test' as UserId,
        email: null,
        tenantId: tenantId as TenantId,
        claimedRole: 'owner',
        role: 'owner',
      },
      brandId,
      brand.version,
      BrandInputSchema.parse({
        name: brand.name,
        category: brand.category,
        aliases: brand.aliases,
        ownedDomains: [...brand.ownedDomains, 'acme-analytics.example'],
        markets: brand.markets,
        competitors: [
          ...brand.competitors.slice(0, -1),
          { ...last, aliases: [{ value: `${newName} Labs`, caseSensitive: false, ambiguous: false }] },
        ],
        topics: brand.topics,
      }),
    );
    expect(await latestJob(token, brandId)).toMatchObject({ jobId: job?.jobId, status: 'succeeded' });
    const afterFirstChange = brand;
    brand = second;
    // The raw answers of the last two records (in the order the workflow reads them): one deleted, one unreadable.
    const records = (await ledger.list(tenantId, brandId, day, day, { limit: 50 })).items;
    expect(records).toHaveLength(6);
    const [missing, unreadable] = records.slice(-2) as [AnalysisRecord, AnalysisRecord];
    await s3.send(new DeleteObjectCommand({ Bucket: RESOURCE_NAMES.lakeBucket, Key: missing.rawKey }));
    await s3.send(
      new PutObjectCommand({ Bucket: RESOURCE_NAMES.lakeBucket, Key: unreadable.rawKey, Body: '{"response": {"te' }),
    );
    const broken = new Set([missing.answerId, unreadable.answerId]);

    const real = createReanalysisDeps(env);
    const published: CanonicalEvent[] = [];
    let refuse = 1;
    const deps = {
      ...real,
      starter: undefined,
      afterRescore: undefined,
      limits: { pageSize: 2, recordsPerCall: 2 },
      events: {
        publish: async (events: readonly CanonicalEvent[]) => {
          if (refuse-- > 0) throw Object.assign(new Error('stream unavailable'), { name: 'EventPublishError' });
          await real.events.publish(events);
          published.push(...events);
        },
      },
    };
    // The brand's next job generation (the stack's first job is finished), one ISO week of history: one chunk.
    const mine = await requestReanalysis(deps, { tenantId, brandId, trigger: 'manual' });
    const { chunks } = await planReanalysis(deps, { tenantId, jobId: mine.jobId });
    expect(chunks).toHaveLength(1);
    const input = { tenantId, jobId: mine.jobId, ...(chunks[0] as { from: string; to: string }), cursor: null };
    const firstCall = await runReanalysisChunk(deps, input).catch(() => runReanalysisChunk(deps, input));
    expect(refuse).toBeLessThan(0);
    expect(firstCall).toMatchObject({ stop: null, cursor: expect.any(String) });
    expect(published).toHaveLength(2);

    // A third change while that job runs (the brand's aliases): the stack starts a job that supersedes it.
    const [aliasWord] = [...words.entries()].sort((a, b) => b[1] - a[1])[1] ?? [];
    expect(aliasWord, 'a second untracked name in the answers').toBeTruthy();
    brand = await updateBrand(token, brand, {
      aliases: [...brand.aliases, { value: aliasWord as string, caseSensitive: false, ambiguous: false }],
    });
    const secondCall = await runReanalysisChunk(deps, { ...input, cursor: firstCall.cursor });
    expect(secondCall).toEqual({ cursor: null, stop: 'superseded' });
    expect(await finishReanalysis(deps, { tenantId, jobId: mine.jobId })).toMatchObject({
      status: 'superseded',
      done: 2,
      rescored: 2,
    });
    job = await latestJob(token, brandId);
    for (let i = 0; i < 240 && job?.status === 'running'; i++) {
      await sleep(250);
      job = await latestJob(token, brandId);
    }
    // The missing and the unreadable raw answer are counted by reason and skipped; the job still succeeds.
    expect(job).toMatchObject({
      status: 'succeeded',
      total: 6,
      done: 6,
      rescored: 4,
      skipped: { raw_missing: 1, raw_unreadable: 1 },
    });
    // Every correction of the superseded job delivered twice more (duplicates and a replay): already counted.
    await real.events.publish(published);
    await real.events.publish(published);

    // The recomputation: the skipped answers keep the analysis of the configuration before, the rest are re-scored.
    const expected = sumCounters([
      await fromScratch(
        tenantId,
        afterFirstChange,
        answers.filter((a) => broken.has(a.answerId)),
        run.promptSetVersion,
      ),
      await fromScratch(
        tenantId,
        brand,
        answers.filter((a) => !broken.has(a.answerId)),
        run.promptSetVersion,
      ),
    ]);
    expect(await settle(tenantId, brandId, day, expected)).toEqual(clean(expected));
    await sleep(1000);
    expect(await stored(tenantId, brandId, day)).toEqual(clean(expected));
    const total = (await rollups.readDays(tenantId, brandId, day, day))[0]?.counters ?? {};
    expect(clean(withoutPromptCounters(total))).toEqual(clean(withoutPromptCounters(expected)));
    for (const a of answers) {
      const record = await ledger.get(tenantId, brandId, day, a.answerId);
      expect(record?.pendingCorrection ?? null).toBeNull();
      expect(record?.configuredAt).toBe(broken.has(a.answerId) ? afterFirstChange.updatedAt : brand.updatedAt);
    }

    // The drill-down shows the analysis the numbers count: its mentions per entity add up to the metric cards'.
    const prompts = (await call(stack.apiUrl, 'GET', `/brands/${brandId}/prompt-set`, { token })).json.prompts as {
      id: string;
    }[];
    const metrics = (await call(stack.apiUrl, 'GET', `/brands/${brandId}/metrics?from=${day}&to=${day}`, { token }))
      .json;
    const mentionedIn = new Map<string, number>();
    for (const prompt of prompts) {
      const res = await call(
        stack.apiUrl,
        'GET',
        `/brands/${brandId}/analytics/drilldown?promptId=${prompt.id}&from=${day}&to=${day}&limit=25`,
        { token },
      );
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      const page = DrilldownResponseSchema.parse(res.json);
      expect(page.items).toHaveLength(3);
      for (const item of page.items) {
        expect(item.configuredAt).toBe(broken.has(item.answerId) ? afterFirstChange.updatedAt : brand.updatedAt);
        for (const e of item.entities)
          if (e.mentioned) mentionedIn.set(e.entityId, (mentionedIn.get(e.entityId) ?? 0) + 1);
      }
    }
    for (const entity of [metrics.brand, ...metrics.competitors]) {
      const answersMentioning = Math.round((entity.mentionRate.value ?? 0) * metrics.n);
      expect(mentionedIn.get(entity.entityId) ?? 0, entity.name).toBe(answersMentioning);
    }
    expect(mentionedIn.get(brand.competitors.at(-1)?.id ?? '') ?? 0).toBeGreaterThan(0);
  });
});
