import { describe, expect, it } from 'vitest';
import { createProviderRegistry, readProvidersConfig, withSecretKeys } from '#functions/adapters/providers/registry.ts';
import { ConfigError } from '#functions/config.ts';

describe('provider registry', () => {
  it('fails fast naming the variables when a provider has neither a key nor the simulator', () => {
    const config = readProvidersConfig({ OPENAI_API_KEY: 'sk-1' });
    expect(() => createProviderRegistry(config)).toThrow(ConfigError);
    expect(() => createProviderRegistry(config)).toThrow(/ANTHROPIC_API_KEY.*GEMINI_API_KEY.*PERPLEXITY_API_KEY/);
  });

  it('uses the real API when a key is set and the simulator otherwise', () => {
    const registry = createProviderRegistry(
      readProvidersConfig({
        OPENAI_API_KEY: 'sk-1',
        GOOGLE_API_KEY: 'g',
        PROVIDER_SIMULATOR_URL: 'http://127.0.0.1:4010',
      }),
    );
    expect(registry.mode('openai')).toBe('live');
    expect(registry.mode('gemini')).toBe('live');
    expect(registry.mode('anthropic')).toBe('simulator');
    expect(registry.get('perplexity').id).toBe('perplexity');
  });

  it('rejects malformed variables by name', () => {
    expect(() => readProvidersConfig({ PROVIDER_SIMULATOR_URL: 'not a url' })).toThrow(/PROVIDER_SIMULATOR_URL/);
    expect(() => readProvidersConfig({ PROVIDER_TIMEOUT_MS: '5' })).toThrow(/PROVIDER_TIMEOUT_MS/);
  });

  it('treats blank keys as absent and defaults the timeout', () => {
    const config = readProvidersConfig({ OPENAI_API_KEY: '  ', OPENAI_BASE_URL: '' });
    expect(config.providers.openai).toEqual({ apiKey: null, baseUrl: null });
    expect(config.timeoutMs).toBe(60_000);
  });

  it('merges keys from a Secrets Manager secret without overriding the environment', () => {
    const config = withSecretKeys(
      readProvidersConfig({ OPENAI_API_KEY: 'from-env' }),
      JSON.stringify({ openai: 'from-secret', anthropic: 'a', gemini: 'g', perplexity: 'p' }),
    );
    expect(config.providers.openai.apiKey).toBe('from-env');
    expect(config.providers.anthropic.apiKey).toBe('a');
    expect(createProviderRegistry(config).mode('perplexity')).toBe('live');
    expect(() => withSecretKeys(config, 'not json')).toThrow(ConfigError);
    expect(() => withSecretKeys(config, '{"openai": 5}')).toThrow(ConfigError);
  });
});
