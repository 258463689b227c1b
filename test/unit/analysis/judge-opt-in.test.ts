/**
 * The opt-in LLM sentiment judge in the Analyze step (shared/use-cases/judge-sentiment.ts): off unless the brand's run
 * settings name a judge model; when on, asked only about low-confidence per-brand verdicts, only under the spend caps,
 * and every call's cost is recorded in the usage ledger. A fake provider stands behind the real adapter.
 */
import { describe, expect, it } from 'vitest';
import { providerJudgeFactory } from '../../../functions/adapters/providers/sentiment-judge.ts';
import { analyzeText, compileEntities } from '../../../shared/analysis/analyze.ts';
import { lowConfidenceEntityIds } from '../../../shared/analysis/judge-gate.ts';
import type { TrackedEntity } from '../../../shared/analysis/types.ts';
import type { RunSettings } from '../../../shared/contracts/run-settings.ts';
import { judgeCostPer1000 } from '../../../shared/domain/judge-settings.ts';
import { DEFAULT_SPEND_CAPS } from '../../../shared/domain/plans.ts';
import type { UsageEstimate } from '../../../shared/domain/runs.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import type { AiProvider, AskRequest, AskResult } from '../../../shared/ports/ai-provider.ts';
import { type JudgeDeps, judgeLowConfidence } from '../../../shared/use-cases/judge-sentiment.ts';

const tenant = 'ten_01hzzzzzzzzzzzzzzzzzzzzzzz' as TenantId;
const entities: TrackedEntity[] = [
  { id: 'northwind', name: 'Northwind', kind: 'brand', aliases: [{ value: 'Northwind' }], ownedDomains: [] },
  { id: 'initech', name: 'Initech', kind: 'competitor', aliases: [{ value: 'Initech' }], ownedDomains: [] },
];
const compiled = compileEntities(entities);
/** Opposite signs in one sentence: both verdicts are low-confidence for the gate. */
const AMBIGUOUS = 'Northwind is great while Initech is awful.';
const CONFIDENT = 'Northwind is excellent and reliable.';

function fakeProvider(): AiProvider & { asked: AskRequest[] } {
  const asked: AskRequest[] = [];
  return {
    id: 'openai',
    asked,
    async ask(req: AskRequest): Promise<AskResult> {
      asked.push(req);
      const ids = [...req.prompt.matchAll(/^- (\w+):/gm)].map((m) => m[1]);
      return {
        provider: 'openai',
        model: req.model,
        modelVersion: null,
        surface: 'api',
        locale: req.locale,
        text: JSON.stringify({ entities: ids.map((entityId) => ({ entityId, sentiment: -0.9 })) }),
        citations: [],
        latencyMs: 5,
        usage: { inputTokens: 700, outputTokens: 60 },
        cost: { usd: 0.00042, priceTableVersion: 'test' },
        providerRequestId: null,
        finishReason: 'stop',
        truncated: false,
        retrievedSources: [],
      };
    },
  };
}

function deps(judge: RunSettings['sentimentJudge'], used: UsageEstimate = { calls: 0, tokens: 0, usd: 0 }) {
  const provider = fakeProvider();
  const recorded: UsageEstimate[] = [];
  const d = {
    brands: {
      getRunSettings: async () =>
        ({
          brandId: 'brd_1',
          providers: [],
          samplesPerPrompt: 1,
          schedule: { kind: 'manual' },
          sentimentJudge: judge,
        }) as never,
    },
    workspaces: { getSettings: async () => ({ spendCaps: { ...DEFAULT_SPEND_CAPS, callsPerDay: 10 }, version: 1 }) },
    usage: {
      usageToDate: async () => ({ day: used, month: used }),
      record: async (_t: TenantId, _n: Date, u: UsageEstimate) => {
        recorded.push(u);
      },
    },
    clock: { now: () => new Date('2026-03-01T10:00:00Z') },
    sentimentJudges: providerJudgeFactory({ get: () => provider }),
  } as unknown as JudgeDeps;
  return { d, provider, recorded };
}

describe('opt-in sentiment judge', () => {
  it('the gate flags the ambiguous text and not the confident one', () => {
    expect(lowConfidenceEntityIds(analyzeText(AMBIGUOUS, compiled)).sort()).toEqual(['initech', 'northwind']);
    expect(lowConfidenceEntityIds(analyzeText(CONFIDENT, compiled))).toEqual([]);
  });

  it('is never invoked when the brand has not opted in, even on a low-confidence text', async () => {
    const { d, provider, recorded } = deps(null);
    const offline = analyzeText(AMBIGUOUS, compiled);
    const out = await judgeLowConfidence(d, tenant, 'brd_1', AMBIGUOUS, offline, entities);
    expect(provider.asked).toHaveLength(0);
    expect(recorded).toHaveLength(0);
    expect(out.analysis).toBe(offline);
    expect(out.outcome).toMatchObject({ status: 'skipped', detail: 'not opted in', model: null });
  });

  it('when opted in, asks once about the low-confidence verdicts only and records the call in the usage ledger', async () => {
    const { d, provider, recorded } = deps({ provider: 'openai', model: 'gpt-4.1-mini' });
    const offline = analyzeText(AMBIGUOUS, compiled);
    const out = await judgeLowConfidence(d, tenant, 'brd_1', AMBIGUOUS, offline, entities);
    expect(provider.asked).toHaveLength(1);
    expect(provider.asked[0]!.model).toBe('gpt-4.1-mini');
    expect(out.outcome).toMatchObject({ status: 'applied', model: 'openai:gpt-4.1-mini', costUsd: 0.00042 });
    expect(out.analysis.entities.find((e) => e.entityId === 'northwind')!.sentiment.method).toBe('llm');
    expect(recorded).toEqual([{ calls: 1, tokens: 760, usd: 0.00042 }]);
  });

  it('when opted in, leaves confident verdicts offline (no call, no cost)', async () => {
    const { d, provider, recorded } = deps({ provider: 'openai', model: 'gpt-4.1-mini' });
    const offline = analyzeText(CONFIDENT, compiled);
    const out = await judgeLowConfidence(d, tenant, 'brd_1', CONFIDENT, offline, entities);
    expect(provider.asked).toHaveLength(0);
    expect(recorded).toHaveLength(0);
    expect(out.outcome.detail).toBe('every verdict is confident');
  });

  it('stops asking once a spend cap is reached', async () => {
    const { d, provider } = deps({ provider: 'openai', model: 'gpt-4.1-mini' }, { calls: 10, tokens: 0, usd: 0 });
    const out = await judgeLowConfidence(d, tenant, 'brd_1', AMBIGUOUS, analyzeText(AMBIGUOUS, compiled), entities);
    expect(provider.asked).toHaveLength(0);
    expect(out.outcome.detail).toBe('spend cap reached');
  });

  it('shows a price per 1,000 judged answers for priced models and none for unpriced ones', () => {
    expect(judgeCostPer1000({ provider: 'openai', model: 'gpt-4.1-mini' })).toBeCloseTo(0.6, 3);
    expect(judgeCostPer1000({ provider: 'openai', model: 'no-such-model' })).toBeNull();
  });
});
