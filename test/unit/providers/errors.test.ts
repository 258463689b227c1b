import Anthropic, {
  APIError as AnthropicApiError,
  APIConnectionError as AnthropicConnectionError,
} from '@anthropic-ai/sdk';
import { ApiError as GeminiApiError } from '@google/genai/web';
import OpenAI, { APIConnectionTimeoutError, APIUserAbortError, APIError as OpenAiApiError } from 'openai';
import { describe, expect, it } from 'vitest';
import { mapAnthropicError } from '#functions/adapters/providers/anthropic.ts';
import {
  dedupeCitations,
  errorForStatus,
  localeCountry,
  mapGenericError,
  retryAfterMsFromHeaders,
} from '#functions/adapters/providers/common.ts';
import { mapGeminiError } from '#functions/adapters/providers/gemini.ts';
import { mapOpenAiSdkError } from '#functions/adapters/providers/openai-errors.ts';
import {
  PROVIDER_ERROR_NAMES,
  ProviderAbortedError,
  ProviderAuthError,
  ProviderBadResponseError,
  ProviderIncompleteError,
  ProviderInvalidRequestError,
  ProviderQuotaError,
  ProviderRefusedError,
  ProviderThrottledError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  RETRYABLE_PROVIDER_ERROR_NAMES,
} from '#shared/domain/provider-errors.ts';

const idle = { reason: () => null };
const timedOut = { reason: () => 'timeout' as const };
const aborted = { reason: () => 'aborted' as const };

describe('typed provider errors', () => {
  it('carry the stable name Step Functions matches on, and a cause', () => {
    const cause = new Error('root');
    const errors = [
      new ProviderThrottledError('m', { provider: 'p', cause, retryAfterMs: 5 }),
      new ProviderUnavailableError('m', { provider: 'p', cause }),
      new ProviderTimeoutError('m', { provider: 'p', cause }),
      new ProviderBadResponseError('m', { provider: 'p', cause }),
      new ProviderRefusedError('m', { provider: 'p', cause }),
      new ProviderAuthError('m', { provider: 'p', cause }),
      new ProviderInvalidRequestError('m', { provider: 'p', cause }),
      new ProviderAbortedError('m', { provider: 'p', cause }),
      new ProviderQuotaError('m', { provider: 'p', cause }),
      new ProviderIncompleteError('m', { provider: 'p', cause }),
    ];
    expect(errors.map((e) => e.name)).toEqual([...PROVIDER_ERROR_NAMES]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(error.cause).toBe(cause);
      expect(error.retryable).toBe(RETRYABLE_PROVIDER_ERROR_NAMES.includes(error.name as never));
    }
  });

  it('serialise without cause or stack', () => {
    const json = new ProviderThrottledError('slow down', {
      provider: 'openai',
      status: 429,
      providerRequestId: 'req_1',
      providerCode: 'rate_limit_exceeded',
      retryAfterMs: 2000,
      cause: new Error('secret body'),
    }).toJSON();
    expect(json).toEqual({
      name: 'ProviderThrottledError',
      message: 'slow down',
      retryable: true,
      provider: 'openai',
      status: 429,
      providerRequestId: 'req_1',
      providerCode: 'rate_limit_exceeded',
      retryAfterMs: 2000,
    });
    expect(JSON.stringify(json)).not.toContain('secret');
  });
});

describe('retry-after parsing', () => {
  const headers = (values: Record<string, string>) => new Headers(values);
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    expect(retryAfterMsFromHeaders(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2025-10-01T00:00:00Z');
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': 'Wed, 01 Oct 2025 00:00:10 GMT' }), now)).toBe(10_000);
  });
  it('ignores garbage, and caps absurd waits at an hour', () => {
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterMsFromHeaders(headers({}))).toBeNull();
    expect(retryAfterMsFromHeaders(null)).toBeNull();
    expect(retryAfterMsFromHeaders(headers({ 'retry-after': '999999' }))).toBe(3_600_000);
  });
});

describe('status mapping', () => {
  it.each([
    [400, 'ProviderInvalidRequestError'],
    [401, 'ProviderAuthError'],
    [402, 'ProviderQuotaError'],
    [403, 'ProviderAuthError'],
    [404, 'ProviderInvalidRequestError'],
    [408, 'ProviderTimeoutError'],
    [413, 'ProviderInvalidRequestError'],
    [422, 'ProviderInvalidRequestError'],
    [429, 'ProviderThrottledError'],
    [500, 'ProviderUnavailableError'],
    [502, 'ProviderUnavailableError'],
    [503, 'ProviderUnavailableError'],
    [529, 'ProviderUnavailableError'],
  ])('%i → %s', (status, name) => {
    expect(errorForStatus(status, 'x', { provider: 'p', status }).name).toBe(name);
  });
});

describe('generic failures', () => {
  it('maps our own deadline and the caller abort', () => {
    expect(mapGenericError('openai', new Error('x'), timedOut).name).toBe('ProviderTimeoutError');
    expect(mapGenericError('openai', new Error('x'), aborted).name).toBe('ProviderAbortedError');
  });
  it('maps malformed and truncated bodies to ProviderBadResponseError', () => {
    expect(mapGenericError('openai', new SyntaxError('Unexpected token <'), idle).name).toBe(
      'ProviderBadResponseError',
    );
    expect(mapGenericError('openai', new TypeError('terminated'), idle).name).toBe('ProviderBadResponseError');
  });
  it('maps refused/reset connections (nested causes) to ProviderUnavailableError', () => {
    const error = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
    expect(mapGenericError('gemini', error, idle).name).toBe('ProviderUnavailableError');
  });
  it('keeps an already-typed error', () => {
    const typed = new ProviderRefusedError('no', { provider: 'x' });
    expect(mapGenericError('openai', typed, idle)).toBe(typed);
  });
});

describe('OpenAI SDK errors (also Perplexity)', () => {
  it('maps a 429 with its retry-after-ms, code and request id', () => {
    const error = OpenAiApiError.generate(
      429,
      { error: { message: 'slow', type: 'requests', code: 'rate_limit_exceeded' } },
      undefined,
      new Headers({ 'retry-after-ms': '250', 'x-request-id': 'req_9' }),
    );
    const mapped = mapOpenAiSdkError('openai', error, idle, OpenAI);
    expect(mapped).toBeInstanceOf(ProviderThrottledError);
    expect(mapped.toJSON()).toMatchObject({ retryAfterMs: 250, providerRequestId: 'req_9', status: 429 });
    expect(mapped.providerCode).toBe('rate_limit_exceeded');
  });
  it('maps an error with a non-JSON body by status alone', () => {
    const error = OpenAiApiError.generate(502, undefined, '<html>Bad gateway</html>', new Headers());
    expect(mapOpenAiSdkError('perplexity', error, idle, OpenAI).name).toBe('ProviderUnavailableError');
  });
  it('maps SDK timeouts and aborts', () => {
    expect(mapOpenAiSdkError('openai', new APIConnectionTimeoutError(), idle, OpenAI).name).toBe(
      'ProviderTimeoutError',
    );
    expect(mapOpenAiSdkError('openai', new APIUserAbortError(), timedOut, OpenAI).name).toBe('ProviderTimeoutError');
    expect(mapOpenAiSdkError('openai', new APIUserAbortError(), aborted, OpenAI).name).toBe('ProviderAbortedError');
  });
});

describe('Anthropic SDK errors', () => {
  it('maps 529 overloaded to unavailable with its type', () => {
    const error = AnthropicApiError.generate(
      529,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      undefined,
      new Headers({ 'request-id': 'req_011' }),
    );
    const mapped = mapAnthropicError(error, idle, Anthropic);
    expect(mapped.name).toBe('ProviderUnavailableError');
    expect(mapped.providerCode).toBe('overloaded_error');
    expect(mapped.providerRequestId).toBe('req_011');
  });
  it('maps a 429 with an HTTP-date retry-after and an odd body', () => {
    const future = new Date(Date.now() + 5000).toUTCString();
    const error = AnthropicApiError.generate(
      429,
      { unexpected: true },
      undefined,
      new Headers({ 'retry-after': future }),
    );
    const mapped = mapAnthropicError(error, idle, Anthropic);
    expect(mapped.name).toBe('ProviderThrottledError');
    expect(mapped.toJSON().retryAfterMs).toBeGreaterThan(3000);
  });
  it('maps connection errors to unavailable unless our deadline fired', () => {
    expect(mapAnthropicError(new AnthropicConnectionError({}), idle, Anthropic).name).toBe('ProviderUnavailableError');
    expect(mapAnthropicError(new AnthropicConnectionError({}), timedOut, Anthropic).name).toBe('ProviderTimeoutError');
  });
});

describe('Gemini SDK errors', () => {
  it('reads the status and RetryInfo from the JSON error body', () => {
    const body = {
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        message: 'quota',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' }],
      },
    };
    const mapped = mapGeminiError(
      new GeminiApiError({ message: JSON.stringify(body), status: 429 }),
      idle,
      null,
      GeminiApiError,
    );
    expect(mapped.name).toBe('ProviderThrottledError');
    expect(mapped.providerCode).toBe('RESOURCE_EXHAUSTED');
    expect(mapped.toJSON().retryAfterMs).toBe(12_000);
  });
  it('prefers a retry-after header captured from the response', () => {
    const error = new GeminiApiError({ message: '{"error":{"code":429}}', status: 429 });
    expect(mapGeminiError(error, idle, new Headers({ 'retry-after': '2' }), GeminiApiError).toJSON().retryAfterMs).toBe(
      2000,
    );
  });
  it('survives a non-JSON error body', () => {
    const mapped = mapGeminiError(
      new GeminiApiError({ message: '<html>oops</html>', status: 503 }),
      idle,
      null,
      GeminiApiError,
    );
    expect(mapped.name).toBe('ProviderUnavailableError');
    expect(mapped.providerCode).toBeNull();
  });
  it('maps the SDK backstop timeout (a bare AbortError) to a timeout', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(mapGeminiError(abort, idle, null, GeminiApiError).name).toBe('ProviderTimeoutError');
    expect(mapGeminiError(abort, aborted, null, GeminiApiError).name).toBe('ProviderAbortedError');
  });
});

describe('helpers', () => {
  it('derives the country from a locale', () => {
    expect(localeCountry('en-US')).toBe('US');
    expect(localeCountry('de_de')).toBe('DE');
    expect(localeCountry('zh-Hant-TW')).toBe('TW');
    expect(localeCountry('fr')).toBeUndefined();
  });
  it('dedupes citations, keeps first-seen order and fills a missing title', () => {
    expect(
      dedupeCitations([
        { url: 'https://a.example/x' },
        { url: 'javascript:alert(1)', title: 'bad' },
        { url: ' https://b.example/ ', title: 'B' },
        { url: 'https://a.example/x', title: 'A' },
        { url: null },
      ]),
    ).toEqual([
      { url: 'https://a.example/x', title: 'A' },
      { url: 'https://b.example/', title: 'B' },
    ]);
  });
});
