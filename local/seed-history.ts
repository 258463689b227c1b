/**
 * About 90 days of history for the demo workspace, produced through the real pipeline so that Analytics and the Action
 * Hub have something to show on first view: the provider simulator's answer generator (the same code behind its HTTP
 * APIs) answers every tracked prompt for every enabled provider and sample, once a day; the production analysis engine
 * analyses each answer; the answers are stored like the fan-out's Ask step stores them (so the drill-down can show
 * them); the production builders make `answer.analyzed` events timed at the (backdated) answer time; the production
 * Kinesis publisher sends them to the stream, where the SAME aggregate handler and lake writer as for live runs turn
 * them into daily/weekly rollups and lake files (partitioned by the answer day), which the warehouse reads.
 *
 * With `s3Endpoint` it also stores each answer's raw provider payload and its first analysis in the re-analysis
 * ledger, as the fan-out's Ask and Analyze steps do, so a brand change re-scores the demo history too.
 *
 * What it skips, to stay under a minute: the Step Functions workflow and the provider SDKs over HTTP. It writes one
 * finished run record per day (the daily schedule's run, with its counts, usage and cost) through the production run
 * repository, so the Runs list shows the history; their work items and `run.completed` events are not written.
 *
 * Movement the analytics can find: over the last three weeks Northwind Insights gains on Anthropic while the demo
 * brand loses ground there, and between 5 and 3 weeks ago answers on OpenAI talk about the demo brand less favourably
 * (a sentiment dip that recovers).
 *
 * Idempotent: a marker item is written after the last event is published; a restart finds it and does nothing, and a
 * start that died half-way publishes the same deterministic event ids again (counted once, deduplicated in the lake).
 */

import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/adapters/aws/clients.ts';
import { DynamoDbAnalysisLedger } from '../functions/adapters/aws/dynamodb-analysis-ledger.ts';
import { DynamoDbBrandRepository } from '../functions/adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbRollupStore } from '../functions/adapters/aws/dynamodb-rollup-store.ts';
import { DynamoDbRunRepository } from '../functions/adapters/aws/dynamodb-run-repository.ts';
import { KinesisEventPublisher } from '../functions/adapters/aws/kinesis-event-publisher.ts';
import { S3RawAnswerStore } from '../functions/adapters/aws/s3-raw-answer-store.ts';
import { analyzeText, compileEntities } from '../shared/analysis/analyze.ts';
import type { Answer, Run } from '../shared/contracts/runs.ts';
import { estimateCost } from '../shared/domain/pricing.ts';
import { toTrackedEntities } from '../shared/domain/tracked-entities.ts';
import { isTenantId, type TenantId } from '../shared/domain/workspace.ts';
import { answerAnalyzedEvent } from '../shared/events/builders.ts';
import { deterministicUlid } from '../shared/events/envelope.ts';
import { addDays, sumCounters } from '../shared/events/rollups.ts';
import { RESOURCE_NAMES } from '../shared/infra/resources.ts';
import { firstAnalysisRecord } from '../shared/use-cases/reanalysis-chunk.ts';
import { rawAnswerKey } from '../shared/use-cases/runs.ts';
import { localKinesisClient } from './emulators/kinesis.ts';
import { localS3Client } from './emulators/s3.ts';
import { approxTokens, generateAnswer } from './provider-simulator/answers.ts';
import { DEMO_MARKET, type Market } from './provider-simulator/market.ts';
import { reportedModelId } from './provider-simulator/models.ts';

export interface DemoHistoryOptions {
  /** DynamoDB Local and kinesalite endpoints of the running stack. */
  dynamodbEndpoint: string;
  kinesisEndpoint: string;
  /** s3rver: with it the raw answers and the re-analysis ledger are written too (the history is re-scorable). */
  s3Endpoint?: string;
  tenantId: string;
  /** Days of history, ending yesterday. @default 90 */
  days?: number;
  /** Wait until the rollups hold every answer (bounded), so the first view is complete. @default true */
  waitForRollups?: boolean;
  now?: () => Date;
  log?: (line: string) => void;
}

export interface DemoHistoryResult {
  created: boolean;
  answers: number;
  days: number;
  /** Milliseconds spent generating + publishing, and until the rollups held everything (null when not waited). */
  publishMs: number;
  aggregatedMs: number | null;
}

const MARKER_VERSION = 'v1';
const SIMULATOR_SEED = 42;
const HOUR_MS = 3_600_000;
/** The competitor that gains on one provider over the last weeks. */
const RISING = { competitor: 'Northwind Insights', provider: 'anthropic', weeks: 3 } as const;
/** A window in which one provider's tone toward the demo brand dips. */
const DIP = { provider: 'openai', fromDaysAgo: 35, toDaysAgo: 21 } as const;

/** The demo market as it stood `daysAgo` days ago: the stories above, as changes to visibility and tone. */
export function marketOn(daysAgo: number): Market {
  const [brand, ...competitors] = DEMO_MARKET.brands;
  if (!brand) return DEMO_MARKET;
  const rising = Math.max(0, 1 - daysAgo / (RISING.weeks * 7)); // 0 before the window, 1 yesterday
  const dip =
    daysAgo <= DIP.fromDaysAgo && daysAgo >= DIP.toDaysAgo
      ? Math.sin((Math.PI * (DIP.fromDaysAgo - daysAgo)) / (DIP.fromDaysAgo - DIP.toDaysAgo))
      : 0;
  return {
    ...DEMO_MARKET,
    brands: [
      {
        ...brand,
        visibility: {
          ...brand.visibility,
          [RISING.provider]: Math.max(0.05, (brand.visibility[RISING.provider] ?? 0.5) - 0.2 * rising),
        },
        tone: { ...brand.tone, [DIP.provider]: (brand.tone?.[DIP.provider] ?? 0.2) - 1.6 * dip },
      },
      ...competitors.map((c) =>
        c.name === RISING.competitor
          ? {
              ...c,
              visibility: {
                ...c.visibility,
                [RISING.provider]: Math.min(0.95, (c.visibility[RISING.provider] ?? 0.4) + 0.5 * rising),
              },
            }
          : c,
      ),
    ],
  };
}

/** Writes the demo history once per tenant (see the module comment). */
export async function seedDemoHistory(options: DemoHistoryOptions): Promise<DemoHistoryResult> {
  const log = options.log ?? (() => {});
  const days = options.days ?? 90;
  if (!isTenantId(options.tenantId)) throw new Error(`demo history: not a tenant id: ${options.tenantId}`);
  const tenantId: TenantId = options.tenantId;
  const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: options.dynamodbEndpoint });
  const kinesis = localKinesisClient(options.kinesisEndpoint);
  const table = RESOURCE_NAMES.table;
  const marker = { pk: `${tenantId}#SEED`, sk: `DEMO_HISTORY#${MARKER_VERSION}` };
  try {
    const existing = await db.send(new GetCommand({ TableName: table, Key: marker }));
    if (existing.Item) return { created: false, answers: 0, days, publishMs: 0, aggregatedMs: null };

    const brands = new DynamoDbBrandRepository(db, table);
    const runs = new DynamoDbRunRepository(db, table);
    const brand = (await brands.listBrands(tenantId, { limit: 100 })).items.find(
      (b) => b.name === DEMO_MARKET.brands[0]?.name,
    );
    if (!brand) throw new Error('demo history: the demo brand is missing');
    const [promptSet, settings] = await Promise.all([
      brands.getPromptSetVersion(tenantId, brand.id, brand.promptSetVersion),
      brands.getRunSettings(tenantId, brand.id),
    ]);
    if (!promptSet || !settings) throw new Error('demo history: the demo prompts or run settings are missing');
    const providers = settings.providers.filter((p) => p.enabled);
    const compiled = compileEntities(toTrackedEntities(brand));
    const publisher = new KinesisEventPublisher(kinesis, RESOURCE_NAMES.eventStream);

    const started = Date.now();
    const now = options.now?.() ?? new Date();
    const today = now.toISOString().slice(0, 10);
    let answers = 0;
    const all: { answer: Answer; event: ReturnType<typeof answerAnalyzedEvent> }[] = [];
    for (let daysAgo = days; daysAgo >= 1; daysAgo--) {
      const day = addDays(today, -daysAgo);
      const market = marketOn(daysAgo);
      const runId = `run_${deterministicUlid(Date.parse(`${day}T06:00:00Z`), `${tenantId}|demo-history|${day}`).toLowerCase()}`;
      const batch: { answer: Answer; event: ReturnType<typeof answerAnalyzedEvent> }[] = [];
      let slot = 0;
      for (const prompt of promptSet.prompts)
        for (const provider of providers)
          for (let sampleIndex = 0; sampleIndex < settings.samplesPerPrompt; sampleIndex++) {
            const generated = generateAnswer(
              {
                prompt: prompt.text,
                provider: provider.provider,
                model: provider.model,
                sampleIndex,
                date: day,
                surface: provider.surface,
                seed: SIMULATOR_SEED,
              },
              market,
            );
            const web = provider.surface === 'api_web_search';
            const usage = { inputTokens: approxTokens(prompt.text) + 40, outputTokens: approxTokens(generated.text) };
            // The snapshot id the simulator reports for this model, as a live answer would store it.
            const modelVersion = reportedModelId(provider.provider, provider.model);
            const cost = estimateCost({
              provider: provider.provider,
              model: provider.model,
              modelVersion,
              inputTokens: usage.inputTokens,
              outputTokens: usage.outputTokens,
              cachedInputTokens: 0,
              webSearchRequests: web ? 1 : 0,
            });
            // The daily schedule runs at 06:00 UTC; answers arrive over the following minutes.
            const createdAt = new Date(Date.parse(`${day}T06:00:00Z`) + ((slot++ * 7_919) % HOUR_MS)).toISOString();
            const itemId = `${prompt.id}.${provider.provider}.${provider.model}.${sampleIndex}`.replace(
              /[^\w.-]/g,
              '-',
            );
            const answer: Answer = {
              answerId: `${runId}.${itemId}`,
              runId,
              itemId,
              brandId: brand.id,
              promptId: prompt.id,
              promptText: prompt.text,
              provider: provider.provider,
              model: provider.model,
              modelVersion,
              surface: provider.surface,
              locale: prompt.locale,
              sampleIndex,
              text: generated.text,
              citations: web ? generated.sources.map((s) => ({ url: s.url, title: s.title })) : [],
              latencyMs: 900 + ((slot * 137) % 2400),
              usage,
              costUsd: cost.usd,
              providerRequestId: `demo-history-${slot}`,
              analysisStatus: 'analyzed',
              analysis: null,
              createdAt,
            };
            const analysis = analyzeText({ text: answer.text, kind: 'answer', citations: answer.citations }, compiled);
            const own = analysis.entities.find((e) => e.entityId === brand.id);
            answer.analysis = {
              brandMentioned: Boolean(own?.mentioned),
              brandRank: own?.rank ?? null,
              brandSentiment: own?.mentioned ? own.sentiment.score : null,
              mentionedEntityIds: analysis.entities.filter((e) => e.mentioned).map((e) => e.entityId),
              citedDomains: [
                ...new Set(analysis.citations.map((c) => c.domain).filter((d): d is string => Boolean(d))),
              ],
            };
            const event = answerAnalyzedEvent({
              tenantId,
              answer,
              promptSetVersion: promptSet.version,
              prompt,
              analysis,
            });
            batch.push({ answer, event });
          }
      all.push(...batch);
    }
    const generatedMs = Date.now() - started;
    // Storing the answers (for the drill-down) and publishing the events are independent: both at once.
    const rawAnswers = options.s3Endpoint
      ? new S3RawAnswerStore(localS3Client(options.s3Endpoint), RESOURCE_NAMES.lakeBucket)
      : null;
    const ledger = new DynamoDbAnalysisLedger(db, table);
    const fingerprint = compiled.fingerprint;
    await Promise.all([
      runInParallel(all, 32, async ({ answer, event }) => {
        await runs.putAnswer(tenantId, answer);
        if (!rawAnswers) return;
        const rawKey = rawAnswerKey(tenantId, brand.id, answer.runId, answer.itemId);
        const response = { text: answer.text, citations: answer.citations };
        await rawAnswers.put(rawKey, { request: { promptText: answer.promptText }, response });
        await ledger.recordFirst(
          tenantId,
          firstAnalysisRecord(event.data, { rawKey, configFingerprint: fingerprint, configuredAt: brand.updatedAt }),
        );
      }),
      (async () => {
        for (let i = 0; i < all.length; i += 500) await publisher.publish(all.slice(i, i + 500).map((b) => b.event));
      })(),
    ]);
    answers = all.length;
    await writeRunRecords(
      runs,
      tenantId,
      brand,
      promptSet.version,
      settings.samplesPerPrompt,
      all.map((b) => b.answer),
    );
    const publishMs = Date.now() - started;
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { ...marker, type: 'SeedMarker', answers, days, createdAt: new Date().toISOString() },
      }),
    );
    log(
      `demo history: ${answers} answers over ${days} days generated (simulator + analysis) in ${(generatedMs / 1000).toFixed(1)} s, stored and published after ${(publishMs / 1000).toFixed(1)} s`,
    );

    let aggregatedMs: number | null = null;
    if (options.waitForRollups !== false) {
      const rollups = new DynamoDbRollupStore(db, table);
      const from = addDays(today, -days);
      const deadline = Date.now() + 120_000;
      for (;;) {
        const counted = sumCounters(
          (await rollups.readDays(tenantId, brand.id, from, addDays(today, -1))).map((d) => d.counters),
        ).n;
        if ((counted ?? 0) >= answers) {
          aggregatedMs = Date.now() - started;
          log(`demo history: rollups hold all ${answers} answers after ${(aggregatedMs / 1000).toFixed(1)} s`);
          break;
        }
        if (Date.now() > deadline) {
          log(
            `demo history: rollups hold ${counted ?? 0} of ${answers} answers so far; the rest arrives in the background`,
          );
          break;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    return { created: true, answers, days, publishMs, aggregatedMs };
  } finally {
    db.destroy();
    kinesis.destroy();
  }
}

async function runInParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** One finished scheduled run per day of history, with the counts, usage and cost of its answers. Idempotent. */
async function writeRunRecords(
  runs: DynamoDbRunRepository,
  tenantId: TenantId,
  brand: { id: string; name: string },
  promptSetVersion: number,
  samplesPerPrompt: number,
  answers: readonly Answer[],
) {
  const byRun = new Map<string, Answer[]>();
  for (const answer of answers) byRun.set(answer.runId, [...(byRun.get(answer.runId) ?? []), answer]);
  for (const [runId, own] of byRun) {
    if (await runs.getRunState(tenantId, runId)) continue;
    const perProvider: Run['perProvider'] = {};
    for (const answer of own) {
      const counts = perProvider[answer.provider] ?? { planned: 0, succeeded: 0, failed: 0, skipped: 0 };
      counts.planned++;
      counts.succeeded++;
      perProvider[answer.provider] = counts;
    }
    const times = own.map((a) => a.createdAt).sort();
    const first = times[0] ?? new Date().toISOString();
    const last = times.at(-1) ?? first;
    const run: Run = {
      id: runId,
      brandId: brand.id,
      brandName: brand.name,
      trigger: 'schedule',
      status: 'queued',
      promptSetVersion,
      samplesPerPrompt,
      counts: { planned: own.length, succeeded: own.length, failed: 0, skipped: 0 },
      perProvider,
      usage: {
        inputTokens: own.reduce((a, x) => a + x.usage.inputTokens, 0),
        outputTokens: own.reduce((a, x) => a + x.usage.outputTokens, 0),
        costUsd: own.reduce((a, x) => a + (x.costUsd ?? 0), 0),
      },
      errors: [],
      createdBy: 'schedule',
      createdAt: first,
      startedAt: null,
      finishedAt: null,
      cancelRequested: false,
      version: 1,
    };
    await runs.createRun(tenantId, run);
    await runs.markRunning(tenantId, runId, first);
    await runs.finalize(tenantId, { ...run, status: 'running', startedAt: first }, 'succeeded', last);
  }
}
