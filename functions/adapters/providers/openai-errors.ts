import type OpenAI from 'openai';
import { type ProviderError, ProviderTimeoutError, ProviderUnavailableError } from '#shared/domain/provider-errors.ts';
import type { ProviderId } from '#shared/ports/ai-provider.ts';
import { errorForStatus, mapGenericError } from './common.ts';

/**
 * The SDK's error classes, as the client class exposes them (`OpenAI.APIError`...): taken from the client in use
 * rather than imported, so that no module loads the SDK before a provider is first asked (it is installed next to
 * the Ask bundle and imported lazily, registry.ts).
 */
export type OpenAiErrorClasses = Pick<
  typeof OpenAI,
  'APIError' | 'APIConnectionError' | 'APIConnectionTimeoutError' | 'APIUserAbortError'
>;

/** Maps a failure of the `openai` SDK (OpenAI itself, or an OpenAI-compatible API such as Perplexity). */
export function mapOpenAiSdkError(
  provider: ProviderId,
  error: unknown,
  scope: { reason(): 'aborted' | 'timeout' | null },
  errors: OpenAiErrorClasses,
): ProviderError {
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = errors;
  if (error instanceof APIUserAbortError) return mapGenericError(provider, error, scope);
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderTimeoutError(`${provider}: request timed out`, { provider, cause: error });
  }
  if (error instanceof APIConnectionError) {
    // The SDK wraps our own abort (deadline/cancel) as a connection error in some paths; let the scope decide.
    if (scope.reason()) return mapGenericError(provider, error, scope);
    return new ProviderUnavailableError(`${provider}: connection failed`, { provider, cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const code = typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : null;
    return errorForStatus(error.status, `HTTP ${error.status}${code ? ` (${code})` : ''}`, {
      provider,
      status: error.status,
      providerRequestId: error.requestID ?? null,
      providerCode: code,
      headers: error.headers ?? null,
      cause: error,
    });
  }
  return mapGenericError(provider, error, scope);
}
