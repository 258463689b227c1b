import type { z } from 'zod';
import {
  type CreateWorkspaceRequest,
  CreateWorkspaceRequestSchema,
  type HealthResponse,
  HealthResponseSchema,
  type MeResponse,
  MeResponseSchema,
  WorkspaceSchema,
  type WorkspaceView,
} from '../../../shared/contracts/index.ts';
import { ApiError, apiErrorFromResponse } from './errors.ts';

export interface ApiClientOptions {
  /** `apiBaseUrl` from `/config.json`: a path on the same origin (`/api`) or an absolute URL. */
  baseUrl: string;
  /** The current access token, or null when signed out. Called for every authenticated request. */
  getAccessToken: () => Promise<string | null>;
  /**
   * Called once when an authenticated request gets a 401; returns a fresh access token (e.g. by using the
   * refresh token) or null, in which case the 401 is surfaced as an {@link ApiError}.
   */
  refreshAccessToken?: () => Promise<string | null>;
  /** Milliseconds before a request is abandoned. @default 15000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

interface RequestOptions<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: `/${string}`;
  schema: S;
  body?: unknown;
  /** @default true */
  authenticated?: boolean;
  signal?: AbortSignal | undefined;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** A typed client for the PromptPulse API: every response is parsed with the shared zod contracts. */
export function createApiClient(options: ApiClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function send(req: RequestOptions<z.ZodType>, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers['Authorization'] = `Bearer ${token}`;
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      return await doFetch(`${base}${req.path}`, {
        method: req.method,
        headers,
        body: req.body === undefined ? null : JSON.stringify(req.body),
        signal,
        credentials: 'omit',
      });
    } catch (cause) {
      // A caller-initiated abort (TanStack Query cancelling a stale request) is not an API failure.
      if (req.signal?.aborted) throw cause;
      if (timeout.aborted) {
        throw new ApiError({ status: 0, code: 'timeout', message: 'The API did not answer in time.', cause });
      }
      throw new ApiError({ status: 0, code: 'network_error', message: 'The API could not be reached.', cause });
    }
  }

  async function readJson(response: Response): Promise<unknown> {
    const text = await response.text();
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch (cause) {
      if (!response.ok) return undefined;
      throw new ApiError({
        status: response.status,
        code: 'invalid_response',
        message: 'The API answered with something that is not JSON.',
        cause,
      });
    }
  }

  async function request<S extends z.ZodType>(req: RequestOptions<S>): Promise<z.infer<S>> {
    const authenticated = req.authenticated ?? true;
    let token = authenticated ? await options.getAccessToken() : null;
    let response = await send(req, token);
    if (response.status === 401 && authenticated && options.refreshAccessToken) {
      token = await options.refreshAccessToken().catch(() => null);
      if (token) response = await send(req, token);
    }
    const body = await readJson(response);
    if (!response.ok) throw apiErrorFromResponse(response.status, body, response.statusText);
    const parsed = req.schema.safeParse(body);
    if (!parsed.success) {
      throw new ApiError({
        status: response.status,
        code: 'invalid_response',
        message: `The API's answer to ${req.method} ${req.path} does not match the expected shape.`,
        details: parsed.error.issues,
      });
    }
    return parsed.data;
  }

  return {
    /** `GET /health` (public). */
    health(signal?: AbortSignal): Promise<HealthResponse> {
      return request({ method: 'GET', path: '/health', schema: HealthResponseSchema, authenticated: false, signal });
    },
    /** `GET /me`: the caller and their workspace, if any. */
    me(signal?: AbortSignal): Promise<MeResponse> {
      return request({ method: 'GET', path: '/me', schema: MeResponseSchema, signal });
    },
    /** `POST /workspaces`: creates the caller's workspace (409 `workspace_exists` if they have one). */
    createWorkspace(input: CreateWorkspaceRequest): Promise<WorkspaceView> {
      // Parse before sending so the body is exactly what the contract allows (trimmed, no extra keys).
      const body = CreateWorkspaceRequestSchema.parse(input);
      return request({ method: 'POST', path: '/workspaces', schema: WorkspaceSchema, body });
    },
    /** `GET /workspaces/current`: needs a token that already carries the tenant claim. */
    currentWorkspace(signal?: AbortSignal): Promise<WorkspaceView> {
      return request({ method: 'GET', path: '/workspaces/current', schema: WorkspaceSchema, signal });
    },
  };
}
