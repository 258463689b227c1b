import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODELS } from '#functions/adapters/providers/endpoints.ts';
import {
  AnthropicProvider,
  GeminiProvider,
  OpenAiProvider,
  PerplexityProvider,
} from '#functions/adapters/providers/index.ts';
import {
  createAnthropicClient,
  createGeminiClient,
  createOpenAiClient,
  createPerplexityClient,
  createProviderRegistry,
  type ProviderRegistry,
  readProvidersConfig,
} from '#functions/adapters/providers/registry.ts';
import { type ProviderSimulator, startProviderSimulator } from '#local/provider-simulator/index.ts';
import { CURRENT_PRICE_TABLE } from '#shared/domain/pricing.ts';
import { ProviderError, type ProviderErrorName } from '#shared/domain/provider-errors.ts';
import {
  type AiProvider,
  type AnswerSurface,
  type AskRequest,
  PROVIDER_IDS,
  type ProviderId,
} from '#shared/ports/ai-provider.ts';

/**
 * Drives every real SDK adapter over real HTTP against the local provider simulator (started here, on a free port),
 * including every injected fault and the typed error it must map to.
 */

const TIMEOUT_MS = 1500;
const PROMPT = 'What are the best product analytics tools for a B2B SaaS startup?';
let simulator: ProviderSimulator;
let registry: ProviderRegistry;

const SURFACES: AnswerSurface[] = ['api', 'api_web_search'];

function ask(provider: ProviderId, overrides: Partial<AskRequest> = {}, signal?: AbortSignal) {
  return registry.get(provider).ask(
    {
      prompt: PROMPT,
      model: DEFAULT_MODELS[provider],
      locale: 'en-US',
      surface: 'api_web_search',
      requestId: `run-1#${provider}#0`,
      sampleIndex: 0,
      ...overrides,
    },
    signal,
  );
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  simulator = await startProviderSimulator({ port: 0, seed: 7, date: '2025-10-01', latencyScale: 0 });
  registry = createProviderRegistry(
    readProvidersConfig({ PROVIDER_SIMULATOR_URL: simulator.url, PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS) }),
  );
});

afterAll(async () => {
  await simulator?.stop();
});

beforeEach(() => {
  simulator.setFaults({});
});

describe.each(PROVIDER_IDS)('%s adapter against the simulator', (provider) => {
  it.each(SURFACES)('answers on the %s surface with usage, cost, ids and citations', async (surface) => {
    expect(registry.mode(provider)).toBe('simulator');
    const result = await ask(provider, { surface });
    expect(result.provider).toBe(provider);
    expect(result.model).toBe(DEFAULT_MODELS[provider]);
    expect(result.modelVersion).toMatch(new RegExp(`^${DEFAULT_MODELS[provider].replace(/\./g, '\\.')}`));
    expect(result.surface).toBe(surface);
    expect(result.locale).toBe('en-US');
    expect(result.text.length).toBeGreaterThan(100);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    // Perplexity reports what it charged; the others are costed with the price table.
    expect(result.cost.priceTableVersion).toBe(
      provider === 'perplexity' ? 'provider-reported' : CURRENT_PRICE_TABLE.priceTableVersion,
    );
    expect(result.cost.usd).toBeGreaterThan(0);
    expect(result.providerRequestId).toBeTruthy();
    expect(result.finishReason).toBeTruthy();
    if (surface === 'api_web_search') {
      expect(result.citations.length).toBeGreaterThan(0);
      for (const citation of result.citations) expect(citation.url).toMatch(/^https:\/\//);
      expect(result.usage.webSearchRequests).toBeGreaterThan(0);
      // Numbered markers are Perplexity's style; the others carry citations as metadata or inline links.
      if (provider !== 'perplexity') expect(result.text).not.toMatch(/\[\d+\]/);
    } else {
      expect(result.citations).toEqual([]);
      expect(result.usage.webSearchRequests).toBe(0);
    }
  });

  it('is deterministic per (prompt, provider, model, sample, date) and varies by sample', async () => {
    const first = await ask(provider, { sampleIndex: 3 });
    const again = await ask(provider, { sampleIndex: 3, requestId: 'another-run' });
    expect(again.text).toBe(first.text);
    expect(again.citations).toEqual(first.citations);
    const texts = new Set<string>();
    for (let sample = 0; sample < 6; sample++) texts.add((await ask(provider, { sampleIndex: sample })).text);
    expect(texts.size).toBeGreaterThan(1);
  });

  it('maps random 429s to ProviderThrottledError with the retry-after', async () => {
    simulator.setFaults({ [provider]: { throttleRate: 1, retryAfterSeconds: 7 } });
    const error = await failure(ask(provider));
    expect(error.name).toBe('ProviderThrottledError');
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(error.toJSON().retryAfterMs).toBe(7000);
    expect(error.provider).toBe(provider);
  });

  it('answers 429 from the token bucket when the rate limit is exceeded', async () => {
    simulator.setFaults({ [provider]: { rateLimit: { requestsPerSecond: 2, burst: 1 } } });
    await ask(provider);
    const error = await failure(ask(provider));
    expect(error.name).toBe('ProviderThrottledError');
    const retryAfterMs = error.toJSON().retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expect(ask(provider)).resolves.toMatchObject({ provider });
  });

  const cases: [string, Record<string, number>, ProviderErrorName, number | null][] = [
    ['500', { serverErrorRate: 1 }, 'ProviderUnavailableError', 500],
    ['503/529', { unavailableRate: 1 }, 'ProviderUnavailableError', provider === 'anthropic' ? 529 : 503],
    ['a hang', { timeoutRate: 1 }, 'ProviderTimeoutError', null],
    ['truncated JSON', { truncatedRate: 1 }, 'ProviderBadResponseError', null],
    ['malformed JSON', { malformedRate: 1 }, 'ProviderBadResponseError', null],
    ['a refusal', { refusalRate: 1 }, 'ProviderRefusedError', null],
    ['an empty answer', { emptyRate: 1 }, 'ProviderBadResponseError', null],
  ];
  it.each(cases)('maps %s to the typed error', async (_label, faults, name, status) => {
    simulator.setFaults({ [provider]: faults });
    for (const surface of SURFACES) {
      const error = await failure(ask(provider, { surface }));
      expect(error.name).toBe(name);
      expect(error.provider).toBe(provider);
      if (status !== null) expect(error.status).toBe(status);
    }
  });

  it('maps a caller abort to ProviderAbortedError', async () => {
    simulator.setFaults({ [provider]: { latencyMs: { mean: 2000 } } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(ask(provider, {}, controller.signal));
    expect(error.name).toBe('ProviderAbortedError');
    expect(error.retryable).toBe(false);
  });

  it('measures latency including the provider delay', async () => {
    simulator.setFaults({ [provider]: { latencyMs: { mean: 250, jitter: 0 } } });
    const result = await ask(provider);
    expect(result.latencyMs).toBeGreaterThanOrEqual(240);
  });
});

describe('keys, models and connectivity', () => {
  const settings = (baseUrl: string, apiKey = 'invalid-key') => ({ apiKey, baseUrl, timeoutMs: TIMEOUT_MS });
  const adapters = async (
    base: Record<ProviderId, string>,
    apiKey?: string,
  ): Promise<Record<ProviderId, AiProvider>> => ({
    openai: new OpenAiProvider(await createOpenAiClient(settings(base.openai, apiKey)), { timeoutMs: TIMEOUT_MS }),
    anthropic: new AnthropicProvider(await createAnthropicClient(settings(base.anthropic, apiKey)), {
      timeoutMs: TIMEOUT_MS,
    }),
    gemini: new GeminiProvider(await createGeminiClient(settings(base.gemini, apiKey)), { timeoutMs: TIMEOUT_MS }),
    perplexity: new PerplexityProvider(await createPerplexityClient(settings(base.perplexity, apiKey)), {
      timeoutMs: TIMEOUT_MS,
    }),
  });
  const request = (provider: ProviderId, model = DEFAULT_MODELS[provider]): AskRequest => ({
    prompt: PROMPT,
    model,
    locale: 'en-US',
    surface: 'api',
    requestId: 'r',
  });

  it.each(PROVIDER_IDS)('%s: a rejected key is ProviderAuthError', async (provider) => {
    const error = await failure((await adapters(simulator.baseUrls))[provider].ask(request(provider)));
    expect(error.name).toBe('ProviderAuthError');
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
  });

  it.each(PROVIDER_IDS)('%s: an unknown model is ProviderInvalidRequestError', async (provider) => {
    const strict = await startProviderSimulator({ models: { default: [DEFAULT_MODELS[provider]] }, latencyScale: 0 });
    try {
      const providers = await adapters(strict.baseUrls, 'sk-test');
      await expect(providers[provider].ask(request(provider))).resolves.toMatchObject({ provider });
      const error = await failure(providers[provider].ask(request(provider, 'no-such-model')));
      expect(error.name).toBe('ProviderInvalidRequestError');
      // Perplexity answers an unknown model with 400 `invalid_model`, the others with 404.
      expect(error.status).toBe(provider === 'perplexity' ? 400 : 404);
    } finally {
      await strict.stop();
    }
  });

  it.each([
    ['anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-6'],
    ['gemini', 'gemini-2.5-flash', 'gemini-3.5-flash-lite'],
  ] as const)(
    '%s: %s is refused from its retirement day, its successor answers',
    async (provider, retired, successor) => {
      const before = await startProviderSimulator({ date: '2026-11-15', latencyScale: 0 });
      const after = await startProviderSimulator({ date: '2026-12-07', latencyScale: 0 });
      try {
        await expect(
          (await adapters(before.baseUrls, 'sk-test'))[provider].ask(request(provider, retired)),
        ).resolves.toMatchObject({ provider });
        const providers = await adapters(after.baseUrls, 'sk-test');
        const error = await failure(providers[provider].ask(request(provider, retired)));
        expect(error.name).toBe('ProviderInvalidRequestError');
        expect(error.status).toBe(404);
        await expect(providers[provider].ask(request(provider, successor))).resolves.toMatchObject({
          model: successor,
        });
      } finally {
        await Promise.all([before.stop(), after.stop()]);
      }
    },
  );

  it.each(PROVIDER_IDS)('%s: a refused connection is ProviderUnavailableError', async (provider) => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const dead = await adapters(
      {
        openai: `http://127.0.0.1:${port}/openai/v1`,
        anthropic: `http://127.0.0.1:${port}/anthropic`,
        gemini: `http://127.0.0.1:${port}/gemini`,
        perplexity: `http://127.0.0.1:${port}/perplexity`,
      },
      'sk-test',
    );
    const error = await failure(dead[provider].ask(request(provider)));
    expect(error.name).toBe('ProviderUnavailableError');
  });
});

describe('the simulated market', () => {
  it('gives the demo brand different visibility per provider, and some answers name no brand', async () => {
    // This measures the market, not failures: no in-response search errors.
    simulator.setFaults({ anthropic: { searchErrorRate: 0 } });
    const samples = 40;
    const rate: Partial<Record<ProviderId, number>> = {};
    let noBrand = 0;
    for (const provider of ['anthropic', 'perplexity'] as const) {
      let mentions = 0;
      for (let sample = 0; sample < samples; sample++) {
        const { text } = await ask(provider, { sampleIndex: sample });
        if (text.includes('Acme Analytics')) mentions++;
        if (!/Acme Analytics|Northwind Insights|Globex Metrics|Initech Signals|Umbrella Data/.test(text)) noBrand++;
      }
      rate[provider] = mentions / samples;
    }
    expect(rate.perplexity! - rate.anthropic!).toBeGreaterThan(0.25);
    expect(noBrand).toBeGreaterThan(0);
  });

  it('counts requests and answers per provider', async () => {
    simulator.resetStats();
    await ask('openai');
    simulator.setFaults({ openai: { serverErrorRate: 1 } });
    await failure(ask('openai'));
    const stats = simulator.stats();
    expect(stats.openai).toMatchObject({ requests: 2, answers: 1, serverErrors: 1 });
    expect(stats.anthropic.requests).toBe(0);
  });
});
