/**
 * The providers' models endpoints, read over plain HTTP with every response checked against the documented shape
 * (OpenAI `GET /v1/models`, Anthropic `GET /v1/models` with `after_id` pagination, Gemini `models.list` with page
 * tokens). An error status, a timeout or a shape nobody documented throws: the refresh then keeps the last good
 * catalogue. Perplexity has no models endpoint; its documented list stands in for one.
 *
 * Only chat models are kept (no embeddings, audio, image or moderation models), and dated snapshots are folded
 * into their alias (`claude-haiku-4-5-20251001` → `claude-haiku-4-5`), the id run settings name.
 */
import * as z from 'zod';
import type { ListedModel, Surface } from '#shared/domain/model-catalogue.ts';
import { PERPLEXITY_DOCUMENTED_MODELS } from '#shared/domain/model-catalogue-baseline.ts';
import type { ProviderId } from '#shared/ports/ai-provider.ts';
import type { ProviderModelLister } from '#shared/ports/model-catalogue.ts';
import { DEFAULT_BASE_URLS, simulatorBaseUrls } from './endpoints.ts';
import type { ProvidersConfig } from './registry.ts';

const LIST_TIMEOUT_MS = 15_000;
/** Pages followed at most (a list that never ends is an odd shape too). */
const MAX_PAGES = 20;
const SIMULATOR_KEY = 'sk-local-simulator';

type Fetch = typeof fetch;

const DATED_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8})$/;
/** The alias a dated snapshot belongs to. */
export const aliasOf = (id: string) => id.replace(DATED_SUFFIX, '');

const NON_CHAT =
  /(embedding|whisper|tts|audio|realtime|transcribe|image|dall-e|moderation|search-preview|instruct|codex|computer-use|imagen|veo|aqa|learnlm)/i;

class ListingError extends Error {}

async function getJson(fetchImpl: Fetch, url: string, headers: Record<string, string>, signal?: AbortSignal) {
  const timeout = AbortSignal.timeout(LIST_TIMEOUT_MS);
  const response = await fetchImpl(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  const text = await response.text();
  if (!response.ok) throw new ListingError(`HTTP ${response.status} from the models endpoint`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ListingError('the models endpoint did not answer JSON');
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ListingError(
      `unknown response shape (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
}

/** Keeps the first listing per alias (a provider lists an alias and its snapshots). */
function byAlias(models: ListedModel[]): ListedModel[] {
  const seen = new Map<string, ListedModel>();
  for (const m of models) {
    const id = aliasOf(m.id);
    if (!seen.has(id)) seen.set(id, { ...m, id });
  }
  return [...seen.values()];
}

const OpenAiListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string().min(1),
      object: z.literal('model'),
      created: z.number(),
      owned_by: z.string(),
      shutdown_date: z.string().nullable().optional(),
    }),
  ),
});

const AnthropicListSchema = z.object({
  data: z.array(
    z.object({
      id: z.string().min(1),
      type: z.literal('model'),
      display_name: z.string().optional(),
      lifecycle: z.enum(['active', 'deprecated', 'retired']).optional(),
      retires_at: z.string().nullable().optional(),
      capabilities: z
        .object({ server_tools: z.object({ web_search: z.object({ supported: z.boolean() }) }).optional() })
        .nullable()
        .optional(),
    }),
  ),
  has_more: z.boolean(),
  last_id: z.string().nullable(),
});

const GeminiListSchema = z.object({
  models: z
    .array(
      z.object({
        name: z.string().regex(/^models\/.+/),
        displayName: z.string().optional(),
        supportedGenerationMethods: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  nextPageToken: z.string().optional(),
});

const day = (value: string | null | undefined) => (value ? value.slice(0, 10) : null);

export function openAiLister(baseUrl: string, apiKey: string, fetchImpl: Fetch = fetch): ProviderModelLister {
  const url = `${baseUrl.replace(/\/+$/, '')}/models`;
  return {
    provider: 'openai',
    sourceUrl: url,
    async list(signal) {
      const body = parse(
        OpenAiListSchema,
        await getJson(fetchImpl, url, { authorization: `Bearer ${apiKey}` }, signal),
      );
      return byAlias(
        body.data
          .filter((m) => /^(gpt-|o\d|chatgpt-)/.test(m.id) && !NON_CHAT.test(m.id))
          .map((m) => ({
            id: m.id,
            ...(m.shutdown_date
              ? { lifecycle: { status: 'deprecated' as const, retiresOn: day(m.shutdown_date) } }
              : {}),
          })),
      );
    },
  };
}

export function anthropicLister(baseUrl: string, apiKey: string, fetchImpl: Fetch = fetch): ProviderModelLister {
  const root = `${baseUrl.replace(/\/+$/, '')}/v1/models`;
  return {
    provider: 'anthropic',
    sourceUrl: root,
    async list(signal) {
      const models: ListedModel[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const url: string = `${root}?limit=1000${after ? `&after_id=${encodeURIComponent(after)}` : ''}`;
        const headers = { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' };
        const body: z.infer<typeof AnthropicListSchema> = parse(
          AnthropicListSchema,
          await getJson(fetchImpl, url, headers, signal),
        );
        for (const m of body.data) {
          const webSearch = m.capabilities?.server_tools?.web_search?.supported;
          const surfaces: Surface[] | undefined =
            webSearch === undefined ? undefined : webSearch ? ['api', 'api_web_search'] : ['api'];
          models.push({
            id: m.id,
            ...(m.display_name ? { label: m.display_name } : {}),
            ...(m.lifecycle && m.lifecycle !== 'active'
              ? { lifecycle: { status: m.lifecycle, retiresOn: day(m.retires_at) } }
              : m.retires_at
                ? { lifecycle: { status: 'deprecated' as const, retiresOn: day(m.retires_at) } }
                : {}),
            ...(surfaces ? { surfaces } : {}),
          });
        }
        if (!body.has_more) return byAlias(models);
        if (!body.last_id) throw new ListingError('unknown response shape (has_more without last_id)');
        after = body.last_id;
      }
      throw new ListingError(`the list did not end within ${MAX_PAGES} pages`);
    },
  };
}

export function geminiLister(baseUrl: string, apiKey: string, fetchImpl: Fetch = fetch): ProviderModelLister {
  const root = `${baseUrl.replace(/\/+$/, '')}/v1beta/models`;
  return {
    provider: 'gemini',
    sourceUrl: root,
    async list(signal) {
      const models: ListedModel[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const url = `${root}?pageSize=1000${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`;
        const body = parse(GeminiListSchema, await getJson(fetchImpl, url, { 'x-goog-api-key': apiKey }, signal));
        if (!body.models) throw new ListingError('unknown response shape (models: missing)');
        for (const m of body.models) {
          const id = m.name.slice('models/'.length);
          if (!m.supportedGenerationMethods?.includes('generateContent') || NON_CHAT.test(id)) continue;
          models.push({ id, ...(m.displayName ? { label: m.displayName } : {}) });
        }
        token = body.nextPageToken;
        if (!token) return byAlias(models);
      }
      throw new ListingError(`the list did not end within ${MAX_PAGES} pages`);
    },
  };
}

/** Perplexity publishes its models in its documentation only. */
export function perplexityDocumentedLister(): ProviderModelLister {
  return {
    provider: 'perplexity',
    sourceUrl: PERPLEXITY_DOCUMENTED_MODELS.url,
    list: async () => PERPLEXITY_DOCUMENTED_MODELS.ids.map((id) => ({ id })),
  };
}

/**
 * One lister per provider that can be asked: with a key, the real API (or its base URL override); without one,
 * the local simulator when configured; otherwise none (that provider's refresh is skipped). Perplexity's is its
 * documented list whenever it can be asked at all.
 */
export function createModelListers(config: ProvidersConfig, fetchImpl: Fetch = fetch): ProviderModelLister[] {
  const simulator = config.simulatorUrl ? simulatorBaseUrls(config.simulatorUrl) : null;
  const listers: ProviderModelLister[] = [];
  const target = (id: ProviderId) => {
    const { apiKey, baseUrl } = config.providers[id];
    if (apiKey) return { apiKey, baseUrl: baseUrl ?? DEFAULT_BASE_URLS[id] };
    return simulator ? { apiKey: SIMULATOR_KEY, baseUrl: simulator[id] } : null;
  };
  const openai = target('openai');
  if (openai) listers.push(openAiLister(openai.baseUrl, openai.apiKey, fetchImpl));
  const anthropic = target('anthropic');
  if (anthropic) listers.push(anthropicLister(anthropic.baseUrl, anthropic.apiKey, fetchImpl));
  const gemini = target('gemini');
  if (gemini) listers.push(geminiLister(gemini.baseUrl, gemini.apiKey, fetchImpl));
  if (target('perplexity')) listers.push(perplexityDocumentedLister());
  return listers;
}
