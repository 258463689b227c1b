import { describe, expect, it } from 'vitest';
import type { RunItem } from '#shared/contracts/runs.ts';
import { ProviderQuotaError, ProviderThrottledError, ProviderTimeoutError } from '#shared/domain/provider-errors.ts';
import type { UsageEstimate } from '#shared/domain/runs.ts';
import type { TenantId } from '#shared/domain/workspace.ts';
import type { AiProvider, AskResult, ProviderId } from '#shared/ports/ai-provider.ts';
import type { ProviderPause, ProviderPauseStore } from '#shared/ports/provider-pauses.ts';
import type { UsageLedger } from '#shared/ports/runs.ts';
import { type AskProviderDeps, askProvider } from '#shared/use-cases/ask-provider.ts';

const tenant = 't_1' as TenantId;
const item: RunItem = {
  itemId: '0',
  runId: 'run_1',
  promptId: 'p',
  promptText: 'Best CRM?',
  provider: 'openai',
  model: 'gpt-4.1-mini',
  surface: 'api_web_search',
  locale: 'en-US',
  sampleIndex: 0,
  status: 'pending',
  attempts: 0,
  answerId: null,
  error: null,
  updatedAt: '2025-10-01T00:00:00.000Z',
};
const estimate: UsageEstimate = { calls: 1, tokens: 900, usd: 0.012 };
const answer = { text: 'ok' } as AskResult;

class MemoryPauses implements ProviderPauseStore {
  readonly pauses = new Map<ProviderId, ProviderPause>();
  async get(_t: TenantId, provider: ProviderId, now: Date) {
    const pause = this.pauses.get(provider);
    return pause && (!pause.resumesAt || Date.parse(pause.resumesAt) > now.getTime()) ? pause : null;
  }
  async list() {
    return [...this.pauses.values()];
  }
  async pause(_t: TenantId, pause: ProviderPause) {
    this.pauses.set(pause.provider, pause);
  }
  async resume(_t: TenantId, provider: ProviderId) {
    this.pauses.delete(provider);
  }
}

function setup(outcomes: (AskResult | Error)[]) {
  const calls: number[] = [];
  const slept: number[] = [];
  const recorded: UsageEstimate[] = [];
  const provider: AiProvider = {
    id: 'openai',
    ask: async () => {
      calls.push(calls.length);
      const next = outcomes[Math.min(calls.length - 1, outcomes.length - 1)]!;
      if (next instanceof Error) throw next;
      return next;
    },
  };
  const pauses = new MemoryPauses();
  const deps: AskProviderDeps = {
    providers: { get: () => provider },
    usage: {
      record: async (_t: TenantId, _n: Date, usage: UsageEstimate) => void recorded.push(usage),
    } as unknown as UsageLedger,
    clock: { now: () => new Date('2025-10-01T12:00:00Z') },
    sleep: async (ms) => void slept.push(ms),
    pauses,
  };
  return { deps, calls, slept, recorded, pauses };
}

const throttled = (retryAfterMs: number | null) =>
  new ProviderThrottledError('slow down', { provider: 'openai', status: 429, retryAfterMs });

describe('askProvider: retry-after, quotas and timeouts', () => {
  it('waits out the provider’s retry-after (up to 30 s a wait) and asks again in the same step', async () => {
    const { deps, calls, slept } = setup([throttled(20_000), answer]);
    await expect(askProvider(deps, tenant, 'run_1', item, estimate)).resolves.toBe(answer);
    expect(calls).toHaveLength(2);
    expect(slept[0]).toBeGreaterThanOrEqual(20_000);
  });

  it('hands a longer wait, or one past the pacing budget, back to the workflow', async () => {
    const long = setup([throttled(45_000), answer]);
    await expect(askProvider(long.deps, tenant, 'run_1', item, estimate)).rejects.toThrow('slow down');
    expect(long.calls).toHaveLength(1);
    const budget = setup([throttled(25_000), throttled(25_000), throttled(25_000), answer]);
    await expect(askProvider(budget.deps, tenant, 'run_1', item, estimate)).rejects.toThrow('slow down');
    expect(budget.slept).toHaveLength(2);
  });

  it('a quota error pauses the provider for the workspace; the next item fails at once with the reason', async () => {
    const quota = new ProviderQuotaError('openai: HTTP 429 (insufficient_quota): billing quota exhausted', {
      provider: 'openai',
      status: 429,
      providerCode: 'insufficient_quota',
    });
    const { deps, calls, pauses } = setup([quota, answer]);
    await expect(askProvider(deps, tenant, 'run_1', item, estimate)).rejects.toBe(quota);
    // Billing has no known reset: the provider is tried again an hour later (quota errors are not billed).
    expect(pauses.pauses.get('openai')).toMatchObject({
      code: 'insufficient_quota',
      runId: 'run_1',
      resumesAt: '2025-10-01T13:00:00.000Z',
    });
    const next = askProvider(deps, tenant, 'run_1', { ...item, itemId: '1' }, estimate);
    await expect(next).rejects.toMatchObject({ name: 'ProviderQuotaError', retryable: false });
    await expect(next).rejects.toThrow(/OpenAI is paused for this workspace/);
    expect(calls).toHaveLength(1);
  });

  it('a pause with a reset time lifts itself once the time has passed', async () => {
    const { deps, calls, pauses } = setup([answer]);
    await pauses.pause(tenant, {
      provider: 'openai',
      reason: 'daily quota',
      code: 'RESOURCE_EXHAUSTED',
      pausedAt: '2025-09-30T10:00:00Z',
      resumesAt: '2025-10-01T08:00:00Z',
      runId: 'run_0',
    });
    await expect(askProvider(deps, tenant, 'run_1', item, estimate)).resolves.toBe(answer);
    expect(calls).toHaveLength(1);
  });

  it('counts a timed-out call against the spend caps at the item’s estimate (the provider likely billed it)', async () => {
    const { deps, recorded } = setup([new ProviderTimeoutError('no answer', { provider: 'openai' })]);
    await expect(askProvider(deps, tenant, 'run_1', item, estimate)).rejects.toThrow('no answer');
    expect(recorded).toEqual([estimate]);
  });
});
