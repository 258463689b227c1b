import type { ProviderId } from '#shared/ports/ai-provider.ts';
import type { Json } from './protocol-support.ts';

/** Error body in the provider's own shape. */
export function renderError(
  provider: ProviderId,
  status: number,
  message: string,
  requestId: string,
  extra: { retryAfterSeconds?: number } = {},
): Json {
  if (provider === 'anthropic') {
    const type =
      status === 429
        ? 'rate_limit_error'
        : status === 529
          ? 'overloaded_error'
          : status === 401
            ? 'authentication_error'
            : status === 404
              ? 'not_found_error'
              : status === 400
                ? 'invalid_request_error'
                : 'api_error';
    return { type: 'error', error: { type, message }, request_id: requestId };
  }
  if (provider === 'gemini') {
    const statusText =
      status === 429
        ? 'RESOURCE_EXHAUSTED'
        : status === 503
          ? 'UNAVAILABLE'
          : status === 401
            ? 'UNAUTHENTICATED'
            : status === 404
              ? 'NOT_FOUND'
              : status === 400
                ? 'INVALID_ARGUMENT'
                : 'INTERNAL';
    return {
      error: {
        code: status,
        message,
        status: statusText,
        ...(status === 429
          ? {
              details: [
                {
                  '@type': 'type.googleapis.com/google.rpc.RetryInfo',
                  retryDelay: `${extra.retryAfterSeconds ?? 1}s`,
                },
              ],
            }
          : {}),
      },
    };
  }
  const code =
    status === 429
      ? 'rate_limit_exceeded'
      : status === 401
        ? 'invalid_api_key'
        : status === 404
          ? 'model_not_found'
          : status === 400
            ? 'invalid_request'
            : null;
  const type =
    status === 429
      ? 'requests'
      : status === 401
        ? 'invalid_request_error'
        : status >= 500
          ? 'server_error'
          : 'invalid_request_error';
  return { error: { message, type, param: null, code } };
}

/** A rejected request: status and body as the real API sends them. */
export interface ErrorReply {
  status: number;
  body: Json;
}

/** The API's answer to a model it does not serve. */
export function modelNotFound(provider: ProviderId, model: string): ErrorReply {
  switch (provider) {
    case 'openai':
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
    case 'anthropic':
      return { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: `model: ${model}` } } };
    case 'gemini':
      return {
        status: 404,
        body: {
          error: {
            code: 404,
            message: `models/${model.replace(/^models\//, '')} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
            status: 'NOT_FOUND',
          },
        },
      };
    case 'perplexity':
      return {
        status: 400,
        body: {
          error: {
            message: `Invalid model '${model}'. Permitted models can be found in the documentation at https://docs.perplexity.ai/getting-started/models.`,
            type: 'invalid_model',
            code: 400,
          },
        },
      };
  }
}

/** Billing or quota exhausted, per provider: asking again fails the same way until someone pays (or the day ends). */
export function quotaExhausted(provider: ProviderId, model: string): ErrorReply {
  switch (provider) {
    case 'openai':
    case 'perplexity':
      return {
        status: 429,
        body: {
          error: {
            message:
              'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
            type: 'insufficient_quota',
            param: null,
            code: 'insufficient_quota',
          },
        },
      };
    case 'anthropic':
      return {
        status: 400,
        body: {
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message:
              'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
          },
        },
      };
    case 'gemini':
      return {
        status: 429,
        body: {
          error: {
            code: 429,
            message:
              'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
            status: 'RESOURCE_EXHAUSTED',
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
                violations: [
                  {
                    quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                    quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
                    quotaDimensions: { location: 'global', model: model.replace(/^models\//, '') },
                    quotaValue: '250',
                  },
                ],
              },
              {
                '@type': 'type.googleapis.com/google.rpc.Help',
                links: [
                  {
                    description: 'Learn more about Gemini API quotas',
                    url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
                  },
                ],
              },
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '43s' },
            ],
          },
        },
      };
  }
}
