import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../functions/config.ts';
import { providersOf } from '../../functions/handlers/fanout/provider-wiring.ts';
import { createWorkerDeps } from '../../functions/handlers/fanout/worker-deps.ts';
import type { AskRequest } from '../../shared/ports/ai-provider.ts';

/**
 * The other half of the provider keys secret: what the Ask function does with `PROVIDER_SECRET_ARN` (the secret CDK
 * creates holds `{}` until an operator puts the keys).
 */
const ENV = {
  TABLE_NAME: 'promptpulse-main',
  LAKE_BUCKET: 'promptpulse-lake',
  AWS_REGION: 'us-east-1',
  PROVIDER_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ProviderKeys-AbCdEf',
  PROVIDER_TIMEOUT_MS: '2000',
};

/** Nothing listens on port 9 here: a call with a key fails fast at the network, after the registry was built. */
const UNREACHABLE = {
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
  GEMINI_BASE_URL: 'http://127.0.0.1:9',
  PERPLEXITY_BASE_URL: 'http://127.0.0.1:9',
};

const REQUEST: AskRequest = {
  prompt: 'best project management tools',
  model: 'gpt-4.1-mini',
  locale: 'en-US',
  surface: 'api',
  requestId: 'item-1',
};

const KEYS = JSON.stringify({ openai: 'sk-a', anthropic: 'sk-b', gemini: 'sk-c', perplexity: 'sk-d' });

describe('provider keys from Secrets Manager (PROVIDER_SECRET_ARN)', () => {
  it('fetches the secret once per cold start and uses its keys', async () => {
    const readSecret = vi.fn(async () => KEYS);
    const deps = { providers: providersOf({ ...ENV, ...UNREACHABLE }, { readSecret }) };
    expect(readSecret).toHaveBeenCalledExactlyOnceWith(ENV.PROVIDER_SECRET_ARN);
    for (const id of ['openai', 'openai', 'anthropic'] as const) {
      const error = await deps.providers
        .get(id)
        .ask(REQUEST)
        .catch((e: unknown) => e);
      // The live adapter ran (and met the closed port): the keys were there, nothing asked for the simulator.
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(ConfigError);
    }
    expect(readSecret).toHaveBeenCalledTimes(1);
  });

  it('the secret as CDK creates it ({}) fails the ask naming the missing keys', async () => {
    const deps = { providers: providersOf(ENV, { readSecret: async () => '{}' }) };
    await expect(deps.providers.get('openai').ask(REQUEST)).rejects.toThrow(ConfigError);
    await expect(deps.providers.get('openai').ask(REQUEST)).rejects.toThrow(/OPENAI_API_KEY/);
  });

  it('a failed fetch is retried by the next ask instead of poisoning the container', async () => {
    const readSecret = vi
      .fn<(arn: string) => Promise<string>>()
      .mockRejectedValueOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }))
      .mockResolvedValue('{}');
    const deps = { providers: providersOf(ENV, { readSecret }) };
    // The cold-start fetch fails during init; the first ask fetches again.
    await new Promise((resolve) => setImmediate(resolve));
    await expect(deps.providers.get('openai').ask(REQUEST)).rejects.toThrow(/No API key/);
    expect(readSecret).toHaveBeenCalledTimes(2);
  });

  it('a step built without provider wiring refuses every provider (only the Ask step asks them)', () => {
    const deps = createWorkerDeps(ENV);
    expect(() => deps.providers.get('openai')).toThrow(/only the Ask step/);
  });

  it('without PROVIDER_SECRET_ARN (local runs) keys come from the environment and nothing is fetched', () => {
    const readSecret = vi.fn(async () => KEYS);
    const { PROVIDER_SECRET_ARN: _, ...local } = ENV;
    const deps = { providers: providersOf(local, { readSecret }) };
    expect(() => deps.providers.get('openai')).toThrow(/PROVIDER_SIMULATOR_URL/);
    expect(readSecret).not.toHaveBeenCalled();
  });
});
