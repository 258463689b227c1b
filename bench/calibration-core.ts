/**
 * Calibration of the mention-rate metric against the truth the provider simulator plants.
 *
 * For each seeded market: register it with a running simulator (`PUT /_control/markets`), ask its prompts through the
 * production provider adapters over real HTTP (what the fan-out's Ask step calls), analyse every answer with the
 * production analysis engine, build the production `answer.analyzed` events, fold them with the production rollup
 * functions and read the metrics with `metricsFromRollups` (what the metrics API serves). Each cell is one market ×
 * provider × tracked entity × scope; it is covered when the metric's 95% interval holds the planted rate.
 *
 * Scopes: `prompt` (one prompt, today, N samples: i.i.d. draws with one planted rate) and `mix` (three prompts of
 * the market, as a dashboard aggregates a prompt set; the planted value is the mean of the planted rates of the
 * answers' contexts, since topics move the rate between prompts). The simulator answers with its own clock's day,
 * so drift over days is not part of the measured cells.
 *
 * Not covered here: the Step Functions workflow and DynamoDB/Kinesis transport (the rollup arithmetic is the same
 * code; the transports are tested elsewhere), and share of voice, position and sentiment (the simulator plants no
 * value on those metrics' scales).
 */
import { createProviderRegistry, readProvidersConfig } from '../functions/adapters/providers/registry.ts';
import { buildMarket, type MarketSpec } from '../local/provider-simulator/market-model.ts';
import { type AnswerContext, plantedMentionRate } from '../local/provider-simulator/truth.ts';
import { analyzeText, compileEntities } from '../shared/analysis/analyze.ts';
import type { Answer } from '../shared/contracts/runs.ts';
import { toTrackedEntities } from '../shared/domain/tracked-entities.ts';
import { answerAnalyzedEvent } from '../shared/events/builders.ts';
import { metricsFromRollups, type RollupCounters, rollupDelta, sumCounters } from '../shared/events/rollups.ts';
import type { AnswerSurface, ProviderId } from '../shared/ports/ai-provider.ts';

export interface CalibrationOptions {
  simulatorUrl: string;
  /** Simulator seed (the stack's default is 42): the planted market is rebuilt locally from the same spec and seed. */
  simulatorSeed?: number;
  markets: number;
  /** Samples per prompt in the `prompt` scope. */
  samples: number;
  /** Samples per prompt in the `mix` scope (three prompts). */
  mixSamples: number;
  /** UTC day the simulator answers with (its clock): `YYYY-MM-DD`. */
  today: string;
  concurrency?: number;
}

export interface CalibrationCell {
  market: string;
  provider: ProviderId;
  entity: string;
  scope: 'prompt' | 'mix';
  n: number;
  planted: number;
  estimate: number;
  ci: [number, number];
  covered: boolean;
}

const CATEGORIES = [
  'Cloud cost management',
  'Product analytics',
  'CRM software',
  'Observability platform',
  'Quantum widget rental',
];
const STEMS = ['Contoso', 'Fabrikam', 'Northwind', 'Tailwind', 'Relecloud', 'Humongous', 'Datum', 'Bellows', 'Lamna'];
const TAILS = ['Cloud', 'Works', 'Labs', 'Systems', 'Hub', 'IQ'];
const PROVIDERS: { provider: ProviderId; model: string; surface: AnswerSurface }[] = [
  { provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' },
  { provider: 'anthropic', model: 'claude-haiku-4-5', surface: 'api' },
  { provider: 'perplexity', model: 'sonar', surface: 'api_web_search' },
];

/** The i-th seeded market spec: brand, 1–3 competitors, two topics, a category (one the model does not know). */
export function calibrationSpec(i: number): MarketSpec {
  const name = (k: number) => `${STEMS[(i * 3 + k) % STEMS.length]} ${TAILS[(i + k * 2) % TAILS.length]}${i}`;
  return {
    brand: { name: name(0) },
    competitors: Array.from({ length: 1 + (i % 3) }, (_, k) => ({ name: name(k + 1) })),
    category: CATEGORIES[i % CATEGORIES.length] ?? 'Software',
    topics: ['onboarding', 'pricing'],
    locale: 'en-US',
  };
}

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** Runs the calibration (see the module comment) and returns every cell. */
export async function runCalibration(options: CalibrationOptions): Promise<CalibrationCell[]> {
  const registry = createProviderRegistry(
    readProvidersConfig({ PROVIDER_SIMULATOR_URL: options.simulatorUrl, PROVIDER_TIMEOUT_MS: '30000' }),
  );
  const cells: CalibrationCell[] = [];
  for (let i = 0; i < options.markets; i++) {
    const spec = calibrationSpec(i);
    const key = `calibration/${i}`;
    const registered = await fetch(`${options.simulatorUrl}/_control/markets`, {
      method: 'PUT',
      body: JSON.stringify({ key, spec }),
    });
    if (!registered.ok) throw new Error(`market ${i}: ${registered.status} ${await registered.text()}`);
    const market = buildMarket(spec, options.simulatorSeed ?? 42);
    const category = spec.category.toLowerCase();
    const brandId = `brd_cal${i}`;
    const brand = {
      id: brandId,
      name: spec.brand.name,
      aliases: [],
      ownedDomains: [],
      competitors: spec.competitors.map((c, k) => ({
        id: `cmp_cal${i}_${k}`,
        name: c.name,
        aliases: [],
        ownedDomains: [],
      })),
    };
    const compiled = compileEntities(toTrackedEntities(brand));
    const entities = [
      { id: brandId, name: spec.brand.name },
      ...brand.competitors.map((c) => ({ id: c.id, name: c.name })),
    ];
    // Non-branded prompts only: a prompt naming a brand plants a rate of 1 for it (tested in unit tests).
    const prompts = [
      `What are the best ${category} tools for a mid-size company?`,
      `Which ${category} tool would you recommend for onboarding new teams?`,
      `How should I compare ${category} vendors on pricing?`,
    ];
    type Job = {
      provider: (typeof PROVIDERS)[number];
      prompt: string;
      promptIndex: number;
      sample: number;
      day: string;
    };
    const scopes: { scope: 'prompt' | 'mix'; jobs: Job[] }[] = [
      {
        scope: 'prompt',
        jobs: PROVIDERS.flatMap((provider) =>
          Array.from({ length: options.samples }, (_, sample) => ({
            provider,
            prompt: prompts[0] ?? '',
            promptIndex: 0,
            sample,
            day: options.today,
          })),
        ),
      },
    ];
    scopes.push({
      scope: 'mix',
      jobs: PROVIDERS.flatMap((provider) =>
        prompts.flatMap((prompt, promptIndex) =>
          Array.from({ length: options.mixSamples }, (_, s) => ({
            provider,
            prompt,
            promptIndex,
            sample: 1000 + s,
            day: options.today,
          })),
        ),
      ),
    });
    for (const { scope, jobs } of scopes) {
      const counters = new Map<ProviderId, RollupCounters[]>();
      const planted = new Map<string, number[]>();
      await pool(jobs, options.concurrency ?? 8, async (job) => {
        const result = await registry.get(job.provider.provider).ask({
          prompt: job.prompt,
          model: job.provider.model,
          locale: 'en-US',
          surface: job.provider.surface,
          requestId: `cal-${i}-${scope}-${job.provider.provider}-${job.promptIndex}-${job.sample}`,
          sampleIndex: job.sample,
        });
        const answer: Answer = {
          answerId: `ans_cal_${i}_${scope}_${job.provider.provider}_${job.promptIndex}_${job.sample}`,
          runId: `run_cal_${i}`,
          itemId: `item_${job.sample}`,
          brandId,
          promptId: `prm_cal_${i}_${job.promptIndex}`,
          promptText: job.prompt,
          provider: job.provider.provider,
          model: job.provider.model,
          modelVersion: result.modelVersion,
          surface: job.provider.surface,
          locale: 'en-US',
          sampleIndex: job.sample,
          text: result.text,
          citations: result.citations,
          latencyMs: result.latencyMs,
          usage: { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens },
          costUsd: result.cost.usd,
          providerRequestId: result.providerRequestId,
          analysisStatus: 'analyzed',
          analysis: null,
          createdAt: `${job.day}T06:00:00.000Z`,
        };
        const analysis = analyzeText({ text: answer.text, kind: 'answer', citations: answer.citations }, compiled);
        const event = answerAnalyzedEvent({
          tenantId: 'ws_01calibrationcalibration00',
          answer,
          promptSetVersion: 1,
          prompt: { branded: false, topicId: null, intent: 'informational', persona: null },
          analysis,
        });
        const delta = rollupDelta({ ...event, id: answer.answerId });
        if (!delta) throw new Error('answer.analyzed gave no rollup delta');
        counters.set(job.provider.provider, [...(counters.get(job.provider.provider) ?? []), delta.counters]);
        const context: AnswerContext = {
          prompt: job.prompt,
          provider: job.provider.provider,
          surface: job.provider.surface,
          date: job.day,
        };
        for (const e of entities) {
          const k = `${job.provider.provider}|${e.id}`;
          planted.set(k, [...(planted.get(k) ?? []), plantedMentionRate(market, e.name, context)]);
        }
      });
      for (const { provider } of PROVIDERS) {
        const report = metricsFromRollups(sumCounters(counters.get(provider) ?? []), {
          brandId,
          competitorIds: brand.competitors.map((c) => c.id),
        });
        for (const metrics of [report.brand, ...report.competitors]) {
          const values = planted.get(`${provider}|${metrics.entityId}`) ?? [];
          const truth = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
          const ci = metrics.mentionRate.ci;
          if (!ci || metrics.mentionRate.value === null) continue;
          cells.push({
            market: spec.brand.name,
            provider,
            entity: entities.find((e) => e.id === metrics.entityId)?.name ?? metrics.entityId,
            scope,
            n: metrics.mentionRate.n,
            planted: truth,
            estimate: metrics.mentionRate.value,
            ci: [ci[0], ci[1]],
            covered: ci[0] <= truth && truth <= ci[1],
          });
        }
      }
    }
  }
  return cells;
}

/** Coverage and bias per scope (and overall), for the printed table. */
export function summarise(cells: readonly CalibrationCell[]) {
  const rows = (['prompt', 'mix', 'all'] as const).map((scope) => {
    const own = cells.filter((c) => scope === 'all' || c.scope === scope);
    const covered = own.filter((c) => c.covered).length;
    const bias = own.reduce((a, c) => a + (c.estimate - c.planted), 0) / Math.max(1, own.length);
    const meanAbs = own.reduce((a, c) => a + Math.abs(c.estimate - c.planted), 0) / Math.max(1, own.length);
    return { scope, cells: own.length, coverage: own.length ? covered / own.length : 0, bias, meanAbsError: meanAbs };
  });
  return rows;
}
