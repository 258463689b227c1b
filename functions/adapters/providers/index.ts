export { AnthropicProvider, loadAnthropicMessagesClient, mapAnthropicError } from './anthropic.ts';
export type { AdapterOptions } from './common.ts';
export { DEFAULT_BASE_URLS, DEFAULT_MODELS, SIMULATOR_MOUNTS, simulatorBaseUrls } from './endpoints.ts';
export { GeminiProvider, mapGeminiError } from './gemini.ts';
export { OpenAiProvider } from './openai.ts';
export { mapOpenAiSdkError } from './openai-errors.ts';
export { PerplexityProvider } from './perplexity.ts';
export {
  createAnthropicClient,
  createGeminiClient,
  createOpenAiClient,
  createPerplexityClient,
  createProviderRegistry,
  type ProviderMode,
  type ProviderRegistry,
  type ProvidersConfig,
  readProvidersConfig,
  withSecretKeys,
} from './registry.ts';
