import type { GoogleGenAI } from '@google/genai/web';
import type OpenAI from 'openai';
import * as z from 'zod';
import type { PriceTable } from '#shared/domain/pricing.ts';
import { type AiProvider, PROVIDER_IDS, type ProviderId } from '#shared/ports/ai-provider.ts';
import { ConfigError } from '../../config.ts';
import { type AnthropicMessagesClient, AnthropicProvider, loadAnthropicMessagesClient } from './anthropic.ts';
import { DEFAULT_TIMEOUT_MS } from './common.ts';
import { DEFAULT_BASE_URLS, simulatorBaseUrls } from './endpoints.ts';
import { GeminiProvider } from './gemini.ts';
import { GROUNDING_REDIRECT_HOST, GroundingRedirectResolver } from './grounding-redirects.ts';
import { OpenAiProvider } from './openai.ts';
import { PerplexityProvider } from './perplexity.ts';

/** Connection settings of one provider. */
export interface ProviderConnection {
  /** API key; null means "use the local simulator". Never logged. */
  apiKey: string | null;
  /** Base URL override (a proxy, a regional endpoint). @default the provider's public API */
  baseUrl: string | null;
}

export interface ProvidersConfig {
  providers: Record<ProviderId, ProviderConnection>;
  /** Root URL of the local provider simulator, used for every provider without a key. */
  simulatorUrl: string | null;
  /** Deadline of one plain provider call in ms. @default 60000 */
  timeoutMs: number;
  /** Deadline of one web-search call in ms (searching and reading pages first). @default 2.5 × timeoutMs */
  webSearchTimeoutMs?: number;
}

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : null));
const optionalUrl = z
  .union([z.literal(''), z.url()])
  .optional()
  .transform((value) => value || null);

const envSchema = z.object({
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalUrl,
  GEMINI_API_KEY: optionalString,
  GOOGLE_API_KEY: optionalString,
  GEMINI_BASE_URL: optionalUrl,
  PERPLEXITY_API_KEY: optionalString,
  PERPLEXITY_BASE_URL: optionalUrl,
  PROVIDER_SIMULATOR_URL: optionalUrl,
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(900_000).default(DEFAULT_TIMEOUT_MS),
  /** Unset: 2.5 × PROVIDER_TIMEOUT_MS (150 s by default). */
  PROVIDER_WEB_SEARCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(900_000).optional(),
});

/**
 * Reads provider settings from the environment (locally `.env`/shell; in AWS the keys are merged in from Secrets
 * Manager with {@link withSecretKeys} before the registry is built). Fails fast naming the bad variable.
 */
export function readProvidersConfig(env: Record<string, string | undefined> = process.env): ProvidersConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid provider configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    providers: {
      openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL },
      anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL },
      gemini: { apiKey: e.GEMINI_API_KEY ?? e.GOOGLE_API_KEY, baseUrl: e.GEMINI_BASE_URL },
      perplexity: { apiKey: e.PERPLEXITY_API_KEY, baseUrl: e.PERPLEXITY_BASE_URL },
    },
    simulatorUrl: e.PROVIDER_SIMULATOR_URL,
    timeoutMs: e.PROVIDER_TIMEOUT_MS,
    ...(e.PROVIDER_WEB_SEARCH_TIMEOUT_MS ? { webSearchTimeoutMs: e.PROVIDER_WEB_SEARCH_TIMEOUT_MS } : {}),
  };
}

const secretSchema = z.object({
  openai: z.string().min(1).optional(),
  anthropic: z.string().min(1).optional(),
  gemini: z.string().min(1).optional(),
  perplexity: z.string().min(1).optional(),
});

/**
 * Merges keys from a Secrets Manager secret (JSON `{"openai": "...", "anthropic": "...", ...}`) into the config.
 * The caller fetches the secret string once per cold start; keys already set in the environment win.
 */
export function withSecretKeys(config: ProvidersConfig, secretString: string): ProvidersConfig {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new ConfigError('Provider keys secret is not JSON (expected {"openai": "...", ...})');
  }
  const parsed = secretSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError('Provider keys secret has an unexpected shape');
  const providers = { ...config.providers };
  for (const id of PROVIDER_IDS) {
    const key = parsed.data[id];
    if (key && !providers[id].apiKey) providers[id] = { ...providers[id], apiKey: key };
  }
  return { ...config, providers };
}

/** Placeholder key for the simulator: the SDKs refuse to start without one; the simulator ignores it. */
const SIMULATOR_KEY = 'sk-local-simulator';

interface ClientSettings {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
}

/*
 * The client factories import their SDK on first use: in AWS the SDKs are installed next to the Ask function's bundle
 * rather than bundled (cdk/constructs/prompt-fanout.ts), so a container loads only the SDK of the provider it asks.
 */

/** OpenAI client: SDK retries off (the workflow retries), explicit timeout. */
export async function createOpenAiClient(settings: ClientSettings): Promise<OpenAI> {
  const { default: OpenAiClient } = await import('openai');
  return new OpenAiClient({
    apiKey: settings.apiKey,
    baseURL: settings.baseUrl,
    maxRetries: 0,
    timeout: settings.timeoutMs + 1000,
  });
}

/** Perplexity speaks OpenAI's Chat Completions, so it is an `openai` client on Perplexity's base URL. */
export function createPerplexityClient(settings: ClientSettings): Promise<OpenAI> {
  return createOpenAiClient(settings);
}

export async function createAnthropicClient(settings: ClientSettings): Promise<AnthropicMessagesClient> {
  const AnthropicClient = await loadAnthropicMessagesClient();
  return new AnthropicClient({
    apiKey: settings.apiKey,
    baseURL: settings.baseUrl,
    maxRetries: 0,
    timeout: settings.timeoutMs + 1000,
  });
}

/** Gemini client: without `httpOptions.retryOptions` the SDK does not retry. */
export async function createGeminiClient(settings: ClientSettings): Promise<GoogleGenAI> {
  const { GoogleGenAI: GeminiClient } = await import('@google/genai/web');
  return new GeminiClient({
    apiKey: settings.apiKey,
    httpOptions: { baseUrl: settings.baseUrl, timeout: settings.timeoutMs + 1000 },
  });
}

export type ProviderMode = 'live' | 'simulator';

export interface ProviderRegistry {
  /** The adapter for a provider (always defined: live with a key, else the simulator). */
  get(id: ProviderId): AiProvider;
  /** Whether a provider talks to the real API or to the local simulator. */
  mode(id: ProviderId): ProviderMode;
}

export interface RegistryOptions {
  priceTable?: PriceTable;
  now?: () => number;
}

/**
 * Builds one adapter per provider, once per cold start. A provider with an API key talks to its real API (or its
 * `baseUrl` override); one without talks to the local simulator. Without a key and without a simulator URL the
 * configuration is incomplete, and this fails naming the variables.
 */
export function createProviderRegistry(config: ProvidersConfig, options: RegistryOptions = {}): ProviderRegistry {
  const simulator = config.simulatorUrl ? simulatorBaseUrls(config.simulatorUrl) : null;
  const missing = PROVIDER_IDS.filter((id) => !config.providers[id].apiKey && !simulator);
  if (missing.length > 0) {
    const vars = missing.map((id) => `${id === 'gemini' ? 'GEMINI' : id.toUpperCase()}_API_KEY`).join(', ');
    throw new ConfigError(
      `No API key for ${missing.join(', ')}: set ${vars}, or PROVIDER_SIMULATOR_URL for local runs`,
    );
  }
  const adapters = new Map<ProviderId, AiProvider>();
  const modes = new Map<ProviderId, ProviderMode>();
  for (const id of PROVIDER_IDS) {
    const connection = config.providers[id];
    const live = connection.apiKey !== null;
    const settings: ClientSettings = {
      apiKey: connection.apiKey ?? SIMULATOR_KEY,
      baseUrl: live ? (connection.baseUrl ?? DEFAULT_BASE_URLS[id]) : simulator![id],
      timeoutMs: config.timeoutMs,
    };
    const adapterOptions = {
      timeoutMs: config.timeoutMs,
      ...(config.webSearchTimeoutMs ? { webSearchTimeoutMs: config.webSearchTimeoutMs } : {}),
      simulatorHints: !live,
      ...(id === 'gemini' ? { redirects: groundingRedirects(live ? null : config.simulatorUrl) } : {}),
      ...(options.priceTable ? { priceTable: options.priceTable } : {}),
      ...(options.now ? { now: options.now } : {}),
    };
    modes.set(id, live ? 'live' : 'simulator');
    adapters.set(
      id,
      lazyAdapter(id, () => createAdapter(id, settings, adapterOptions)),
    );
  }
  return {
    get(id) {
      const adapter = adapters.get(id);
      if (!adapter) throw new ConfigError(`Unknown provider ${id}`);
      return adapter;
    },
    mode(id) {
      return modes.get(id) ?? 'simulator';
    },
  };
}

/**
 * Resolver of Gemini's grounding redirects. Against the real API: HEADs to Google under the strict outbound rules.
 * Against the simulator (which serves the redirects under its own root): the same HEADs, pointed at the simulator,
 * whose loopback address the operator configured (not tenant input).
 */
function groundingRedirects(simulatorUrl: string | null): GroundingRedirectResolver {
  if (!simulatorUrl) return new GroundingRedirectResolver();
  const root = simulatorUrl.replace(/\/+$/, '');
  return new GroundingRedirectResolver({
    policy: { allowLoopback: true },
    rewrite: (url) => url.replace(`https://${GROUNDING_REDIRECT_HOST}`, `${root}/vertexaisearch`),
  });
}

/** The adapter, built on the first ask (its SDK imported then); a failed build is tried again by the next ask. */
function lazyAdapter(id: ProviderId, build: () => Promise<AiProvider>): AiProvider {
  let adapter: Promise<AiProvider> | null = null;
  return {
    id,
    ask: async (request, signal) => {
      if (!adapter) {
        const building = build();
        building.catch(() => {
          if (adapter === building) adapter = null;
        });
        adapter = building;
      }
      return (await adapter).ask(request, signal);
    },
  };
}

async function createAdapter(
  id: ProviderId,
  settings: ClientSettings,
  options: ConstructorParameters<typeof GeminiProvider>[1],
): Promise<AiProvider> {
  switch (id) {
    case 'openai':
      return new OpenAiProvider(await createOpenAiClient(settings), options);
    case 'anthropic':
      return new AnthropicProvider(await createAnthropicClient(settings), options);
    case 'gemini':
      return new GeminiProvider(await createGeminiClient(settings), options);
    case 'perplexity':
      return new PerplexityProvider(await createPerplexityClient(settings), options);
  }
}
