import type { ProviderId } from '#shared/ports/ai-provider.ts';

/** The providers' public API base URLs, in the form each SDK expects as its base URL. */
export const DEFAULT_BASE_URLS: Readonly<Record<ProviderId, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
  perplexity: 'https://api.perplexity.ai',
};

/**
 * Where each provider lives under the local provider simulator's root URL. The simulator mounts the same paths, so
 * `simulatorBaseUrls(root)` gives base URLs the real SDKs can use unchanged.
 */
export const SIMULATOR_MOUNTS: Readonly<Record<ProviderId, string>> = {
  openai: '/openai/v1',
  anthropic: '/anthropic',
  gemini: '/gemini',
  perplexity: '/perplexity',
};

export function simulatorBaseUrls(root: string): Record<ProviderId, string> {
  const base = root.replace(/\/+$/, '');
  return {
    openai: `${base}${SIMULATOR_MOUNTS.openai}`,
    anthropic: `${base}${SIMULATOR_MOUNTS.anthropic}`,
    gemini: `${base}${SIMULATOR_MOUNTS.gemini}`,
    perplexity: `${base}${SIMULATOR_MOUNTS.perplexity}`,
  };
}

/** Default model per provider when a prompt set does not name one. */
export const DEFAULT_MODELS: Readonly<Record<ProviderId, string>> = {
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-haiku-4-5',
  gemini: 'gemini-2.5-flash',
  perplexity: 'sonar',
};
