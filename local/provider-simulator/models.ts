/**
 * The simulator's models: the lists each provider's models endpoint returns (OpenAI `GET /v1/models`, Anthropic
 * `GET /v1/models` with its pagination, Gemini `models.list` with its page tokens; Perplexity has no such endpoint),
 * the allow-list the answer endpoints enforce (an unknown model id, or one retired by the simulator's date, gets each
 * provider's own not-found error), and the snapshot id each provider reports for a model in its answers.
 *
 * The models are the baseline catalogue's (shared/domain/model-catalogue-baseline.ts) plus the non-chat models the
 * real lists also carry (embeddings, audio, images), so a client must filter as it would against the real API.
 * `PUT /_control/models` makes a provider's list fail (`error`) or answer in a shape nobody documented (`odd`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lifecycleOn } from '#shared/domain/model-catalogue.ts';
import { BASELINE_MODELS } from '#shared/domain/model-catalogue-baseline.ts';
import type { ProviderId } from '#shared/ports/ai-provider.ts';

interface SimulatedModel {
  id: string;
  label: string;
  /** The dated snapshot answers report (`model` / `modelVersion`). */
  snapshot: string;
  /** Day of release (list `created` / `created_at`). */
  created: string;
  /** Retirement day, if any: listed with it before, refused from it on. */
  retiresOn: string | null;
  chat: boolean;
  webSearch: boolean;
}

/** Snapshot ids as the providers report them (the dateless Anthropic 4.6 ids are their own snapshot). */
const SNAPSHOTS: Record<string, string> = {
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-5': 'gpt-5-2025-08-07',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-opus-4-5': 'claude-opus-4-5-20251101',
};

const NON_CHAT: Partial<Record<ProviderId, string[]>> = {
  openai: ['text-embedding-3-small', 'whisper-1', 'tts-1', 'gpt-image-1', 'omni-moderation-latest'],
  gemini: ['text-embedding-004', 'imagen-4.0-generate-001'],
};

function simulatedModels(provider: ProviderId): SimulatedModel[] {
  const chat = BASELINE_MODELS.filter((m) => m.provider === provider).map((m) => ({
    id: m.id,
    label: m.label,
    snapshot: SNAPSHOTS[m.id] ?? m.id,
    created: '2025-06-17',
    retiresOn:
      m.lifecycle.status === 'deprecated'
        ? m.lifecycle.retiresOn
        : m.lifecycle.status === 'retired'
          ? m.lifecycle.retiredOn
          : null,
    chat: true,
    webSearch: m.surfaces.includes('api_web_search'),
  }));
  const other = (NON_CHAT[provider] ?? []).map((id) => ({
    id,
    label: id,
    snapshot: id,
    created: '2024-01-25',
    retiresOn: null,
    chat: false,
    webSearch: false,
  }));
  return [...chat, ...other];
}

const retiredOn = (model: SimulatedModel, today: string) =>
  model.retiresOn !== null &&
  lifecycleOn({ lifecycle: { status: 'deprecated', retiresOn: model.retiresOn, successor: null } }, today).status ===
    'retired';

/**
 * Whether the answer endpoints accept a model id on a day: a known chat model (or one of its snapshots) that has not
 * reached its retirement date.
 */
export function modelAccepted(provider: ProviderId, model: string, today: string): boolean {
  const known = simulatedModels(provider).find((m) => m.chat && (m.id === model || m.snapshot === model));
  return known !== undefined && !retiredOn(known, today);
}

/** The snapshot a provider reports in its answers for the model asked. */
export function reportedModelId(provider: ProviderId, model: string): string {
  return simulatedModels(provider).find((m) => m.id === model)?.snapshot ?? model;
}

/** Each provider's own error for an unknown (or retired) model, status and body as the real API sends them. */
export function unknownModelError(
  provider: ProviderId,
  model: string,
  requestId: string,
): { status: number; body: unknown } {
  switch (provider) {
    case 'anthropic':
      return {
        status: 404,
        body: { type: 'error', error: { type: 'not_found_error', message: `model: ${model}` }, request_id: requestId },
      };
    case 'gemini':
      return {
        status: 404,
        body: {
          error: {
            code: 404,
            message: `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
            status: 'NOT_FOUND',
          },
        },
      };
    case 'perplexity':
      return {
        status: 400,
        body: {
          error: {
            message: `Invalid model '${model}'. Permitted models can be found in the documentation at https://docs.perplexity.ai/docs/getting-started/models.`,
            type: 'invalid_model',
            code: 400,
          },
        },
      };
    default:
      return {
        status: 404,
        body: {
          error: {
            message: `The model \`${model}\` does not exist or you do not have access to it.`,
            type: 'invalid_request_error',
            param: null,
            code: 'model_not_found',
          },
        },
      };
  }
}

export type ModelsFault = 'error' | 'odd';

const epoch = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000);

/** The provider's models list on a day (retired models are left out, as the real lists do by default). */
function listBody(provider: ProviderId, url: URL, today: string): { status: number; body: unknown } {
  const models = simulatedModels(provider).filter((m) => !retiredOn(m, today));
  if (provider === 'openai') {
    return {
      status: 200,
      body: {
        object: 'list',
        data: models.map((m) => ({
          id: m.id,
          object: 'model',
          created: epoch(m.created),
          owned_by: m.chat ? 'system' : 'openai-internal',
          shutdown_date: m.retiresOn,
        })),
      },
    };
  }
  if (provider === 'anthropic') {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return { status: 400, body: { message: 'limit: Input should be less than or equal to 1000' } };
    }
    const after = url.searchParams.get('after_id');
    const start = after ? models.findIndex((m) => m.id === after) + 1 : 0;
    const page = models.slice(start, start + limit);
    return {
      status: 200,
      body: {
        data: page.map((m) => ({
          type: 'model',
          id: m.id,
          display_name: m.label,
          created_at: `${m.created}T00:00:00Z`,
          lifecycle: m.retiresOn ? 'deprecated' : 'active',
          deprecated_at: m.retiresOn ? '2026-09-01T00:00:00Z' : null,
          retires_at: m.retiresOn ? `${m.retiresOn}T00:00:00Z` : null,
          max_input_tokens: 200_000,
          max_tokens: 64_000,
          line: null,
          capabilities: {
            citations: { supported: true },
            server_tools: {
              supported: m.webSearch,
              web_search: { supported: m.webSearch },
              code_execution: { supported: true },
            },
          },
        })),
        has_more: start + limit < models.length,
        first_id: page[0]?.id ?? null,
        last_id: page.at(-1)?.id ?? null,
      },
    };
  }
  // Gemini models.list: `pageSize` (default 50, at most 1000) and `pageToken`.
  const size = Math.min(Number(url.searchParams.get('pageSize') ?? 50) || 50, 1000);
  const offset =
    Number(
      url.searchParams.get('pageToken') ? Buffer.from(url.searchParams.get('pageToken')!, 'base64url').toString() : 0,
    ) || 0;
  const page = models.slice(offset, offset + size);
  return {
    status: 200,
    body: {
      models: page.map((m) => ({
        name: `models/${m.id}`,
        version: '001',
        displayName: m.label,
        description: m.label,
        inputTokenLimit: 1_048_576,
        outputTokenLimit: 65_536,
        supportedGenerationMethods: m.chat
          ? ['generateContent', 'countTokens', 'createCachedContent']
          : ['embedContent'],
        temperature: 1,
        maxTemperature: 2,
        topP: 0.95,
        topK: 64,
      })),
      ...(offset + size < models.length
        ? { nextPageToken: Buffer.from(String(offset + size)).toString('base64url') }
        : {}),
    },
  };
}

const MODELS_ROUTES: [RegExp, ProviderId][] = [
  [/^\/openai\/v1\/models\/?$/, 'openai'],
  [/^\/anthropic\/v1\/models\/?$/, 'anthropic'],
  [/^\/gemini\/v1(?:beta)?\/models\/?$/, 'gemini'],
];

export interface ModelsEndpointContext {
  today: () => string;
  /** The API key the request carries (null when missing); the caller knows each provider's header. */
  apiKey: (provider: ProviderId, req: IncomingMessage, url: URL) => string | null;
  error: (provider: ProviderId, status: number, message: string) => unknown;
  send: (res: ServerResponse, status: number, headers: Record<string, string>, body: string) => void;
}

/**
 * Creates the models-endpoint handler: `GET` on the three list endpoints, and `PUT /_control/models` with
 * `{"openai": "error" | "odd" | null, ...}`. Returns false for any other request (the server goes on routing it).
 */
export function createModelsEndpoints(ctx: ModelsEndpointContext) {
  let faults: Partial<Record<ProviderId, ModelsFault>> = {};
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname === '/_control/models' && req.method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      try {
        faults = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof faults;
        ctx.send(res, 204, {}, '');
      } catch {
        ctx.send(res, 400, {}, JSON.stringify({ error: { message: 'models control must be JSON' } }));
      }
      return true;
    }
    if (req.method !== 'GET') return false;
    const provider = MODELS_ROUTES.find(([pattern]) => pattern.test(url.pathname))?.[1];
    if (!provider) return false;
    const reply = (status: number, body: unknown): true => {
      ctx.send(res, status, {}, JSON.stringify(body));
      return true;
    };
    const key = ctx.apiKey(provider, req, url);
    if (!key || key.startsWith('invalid')) return reply(401, ctx.error(provider, 401, 'invalid x-api-key'));
    if (provider === 'anthropic' && !req.headers['anthropic-version']) {
      return reply(400, ctx.error(provider, 400, 'anthropic-version: header is required'));
    }
    const fault = faults[provider];
    if (fault === 'error') return reply(503, ctx.error(provider, 503, 'The service is temporarily unavailable'));
    if (fault === 'odd') return reply(200, { items: [{ name: 'surprise' }], version: 2 });
    const { status, body } = listBody(provider, url, ctx.today());
    return reply(
      status,
      status === 200 ? body : ctx.error(provider, status, String((body as { message: string }).message)),
    );
  };
}
