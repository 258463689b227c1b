import * as z from 'zod';
import { type DrilldownQuery, DrilldownResponseSchema } from '../../../shared/contracts/drilldown.ts';
import {
  type AnalyticsQuery,
  AnswerSchema,
  AuditEntrySchema,
  analyticsResponseSchema,
  type BrandInput,
  BrandInputSchema,
  BrandSchema,
  BrandSummarySchema,
  type CreateWorkspaceRequest,
  CreateWorkspaceRequestSchema,
  type HealthResponse,
  HealthResponseSchema,
  type InviteMemberRequest,
  InviteMemberRequestSchema,
  MemberSchema,
  type MeResponse,
  MeResponseSchema,
  type MetricsQuery,
  MetricsResponseSchema,
  PromptEntityRowSchema,
  PromptSetDiffSchema,
  type PromptSetInput,
  PromptSetInputSchema,
  PromptSetVersionSchema,
  PromptSetVersionSummarySchema,
  PromptSuggestionsSchema,
  pageOf,
  RunItemSchema,
  RunSchema,
  type RunSettingsInput,
  RunSettingsInputSchema,
  RunSettingsSchema,
  RunSummarySchema,
  SourceRowSchema,
  type SpendCaps,
  SpendCapsSchema,
  StartRunResponseSchema,
  type SuggestPromptsRequest,
  SuggestPromptsRequestSchema,
  TopicRowSchema,
  TrendRowSchema,
  UpdateMemberRequestSchema,
  WorkspaceSchema,
  WorkspaceSettingsSchema,
  type WorkspaceView,
} from '../../../shared/contracts/index.ts';
import {
  type RetentionSettingsInput,
  RetentionSettingsInputSchema,
  RetentionSettingsSchema,
} from '../../../shared/contracts/retention.ts';
import { WorkspaceDeletionSchema, WorkspaceExportSchema } from '../../../shared/contracts/workspace-lifecycle.ts';
import type { Role } from '../../../shared/domain/roles.ts';
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

export interface RequestOptions<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: `/${string}`;
  schema: S;
  body?: unknown;
  /** A non-JSON body (CSV import). */
  rawBody?: { contentType: string; text: string };
  /** Optimistic concurrency: sent as `If-Match: "<version>"`. */
  ifMatch?: number;
  /** Accept header for non-JSON answers. @default 'application/json' */
  accept?: string;
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
    const headers: Record<string, string> = { Accept: req.accept ?? 'application/json' };
    if (token) headers['Authorization'] = `Bearer ${token}`;
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    if (req.rawBody) headers['Content-Type'] = req.rawBody.contentType;
    if (req.ifMatch !== undefined) headers['If-Match'] = `"${req.ifMatch}"`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      return await doFetch(`${base}${req.path}`, {
        method: req.method,
        headers,
        body: req.rawBody ? req.rawBody.text : req.body === undefined ? null : JSON.stringify(req.body),
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

  async function sendWithRefresh(req: RequestOptions<z.ZodType>): Promise<Response> {
    const authenticated = req.authenticated ?? true;
    let token = authenticated ? await options.getAccessToken() : null;
    let response = await send(req, token);
    if (response.status === 401 && authenticated && options.refreshAccessToken) {
      token = await options.refreshAccessToken().catch(() => null);
      if (token) response = await send(req, token);
    }
    return response;
  }

  /** A non-JSON (text) answer, e.g. the CSV export. Errors are still the JSON error body. */
  async function requestText(req: Omit<RequestOptions<z.ZodType>, 'schema'>): Promise<string> {
    const response = await sendWithRefresh({ ...req, schema: z.unknown() });
    if (!response.ok) throw apiErrorFromResponse(response.status, await readJson(response), response.statusText);
    return response.text();
  }

  async function request<S extends z.ZodType>(req: RequestOptions<S>): Promise<z.infer<S>> {
    const response = await sendWithRefresh(req);
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
    /**
     * Any API call, with the client's sign-in, 401 refresh, timeout, error body and response parsing. Feature areas
     * whose routes are not listed below (actions, signals) call through this rather than fetching themselves.
     */
    request,
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

    // Workspace settings ------------------------------------------------------------------------------
    workspaceSettings(signal?: AbortSignal) {
      return request({ method: 'GET', path: '/workspaces/current/settings', schema: WorkspaceSettingsSchema, signal });
    },
    /** `PUT /workspaces/current/spend-caps` with `If-Match` (owner, admin). */
    updateSpendCaps(caps: SpendCaps, version: number) {
      const body = SpendCapsSchema.parse(caps);
      return request({
        method: 'PUT',
        path: '/workspaces/current/spend-caps',
        schema: WorkspaceSettingsSchema,
        body,
        ifMatch: version,
      });
    },

    // Brands -------------------------------------------------------------------------------------------
    listBrands(page: PageParams = {}, signal?: AbortSignal) {
      return request({ method: 'GET', path: `/brands${pageQuery(page)}`, schema: BrandPageSchema, signal });
    },
    getBrand(brandId: string, signal?: AbortSignal) {
      return request({ method: 'GET', path: `/brands/${enc(brandId)}`, schema: BrandSchema, signal });
    },
    createBrand(input: BrandInput) {
      return request({ method: 'POST', path: '/brands', schema: BrandSchema, body: BrandInputSchema.parse(input) });
    },
    updateBrand(brandId: string, input: BrandInput, version: number) {
      return request({
        method: 'PUT',
        path: `/brands/${enc(brandId)}`,
        schema: BrandSchema,
        body: BrandInputSchema.parse(input),
        ifMatch: version,
      });
    },
    deleteBrand(brandId: string, version: number) {
      return request({ method: 'DELETE', path: `/brands/${enc(brandId)}`, schema: NoContent, ifMatch: version });
    },

    // Prompt sets --------------------------------------------------------------------------------------
    /** The current version, or null before the first save (404 `no_prompt_set`). */
    async currentPromptSet(brandId: string, signal?: AbortSignal) {
      try {
        return await request({
          method: 'GET',
          path: `/brands/${enc(brandId)}/prompt-set`,
          schema: PromptSetVersionSchema,
          signal,
        });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404 && error.code === 'no_prompt_set') return null;
        throw error;
      }
    },
    /** Saves the next version. `currentVersion` is the brand's `promptSetVersion` (0 for the first). */
    savePromptSet(brandId: string, input: PromptSetInput, currentVersion: number) {
      return request({
        method: 'PUT',
        path: `/brands/${enc(brandId)}/prompt-set`,
        schema: PromptSetVersionSchema,
        body: PromptSetInputSchema.parse(input),
        ifMatch: currentVersion,
      });
    },
    listPromptSetVersions(brandId: string, page: PageParams = {}, signal?: AbortSignal) {
      return request({
        method: 'GET',
        path: `/brands/${enc(brandId)}/prompt-set/versions${pageQuery(page)}`,
        schema: PromptSetVersionPageSchema,
        signal,
      });
    },
    getPromptSetVersion(brandId: string, version: number, signal?: AbortSignal) {
      return request({
        method: 'GET',
        path: `/brands/${enc(brandId)}/prompt-set/versions/${version}`,
        schema: PromptSetVersionSchema,
        signal,
      });
    },
    promptSetDiff(brandId: string, from: number, to: number, signal?: AbortSignal) {
      return request({
        method: 'GET',
        path: `/brands/${enc(brandId)}/prompt-set/diff?from=${from}&to=${to}`,
        schema: PromptSetDiffSchema,
        signal,
      });
    },
    /** CSV text of the current version (or of `version`). */
    exportPromptSet(brandId: string, version?: number) {
      const query = version === undefined ? '' : `?version=${version}`;
      return requestText({
        method: 'GET',
        path: `/brands/${enc(brandId)}/prompt-set/export${query}`,
        accept: 'text/csv',
      });
    },
    importPromptSet(brandId: string, csv: string, currentVersion: number) {
      return request({
        method: 'POST',
        path: `/brands/${enc(brandId)}/prompt-set/import`,
        schema: PromptSetVersionSchema,
        rawBody: { contentType: 'text/csv', text: csv },
        ifMatch: currentVersion,
      });
    },
    suggestPrompts(brandId: string, input: SuggestPromptsRequest) {
      return request({
        method: 'POST',
        path: `/brands/${enc(brandId)}/prompt-suggestions`,
        schema: PromptSuggestionsSchema,
        body: SuggestPromptsRequestSchema.parse(input),
      });
    },

    // Run settings -------------------------------------------------------------------------------------
    runSettings(brandId: string, signal?: AbortSignal) {
      return request({
        method: 'GET',
        path: `/brands/${enc(brandId)}/run-settings`,
        schema: RunSettingsSchema,
        signal,
      });
    },
    saveRunSettings(brandId: string, input: RunSettingsInput, version: number) {
      return request({
        method: 'PUT',
        path: `/brands/${enc(brandId)}/run-settings`,
        schema: RunSettingsSchema,
        body: RunSettingsInputSchema.parse(input),
        ifMatch: version,
      });
    },

    // Members ------------------------------------------------------------------------------------------
    listMembers(page: PageParams = {}, signal?: AbortSignal) {
      return request({ method: 'GET', path: `/members${pageQuery(page)}`, schema: MemberPageSchema, signal });
    },
    inviteMember(input: InviteMemberRequest) {
      return request({
        method: 'POST',
        path: '/members',
        schema: MemberSchema,
        body: InviteMemberRequestSchema.parse(input),
      });
    },
    updateMemberRole(userId: string, role: Role, version: number) {
      return request({
        method: 'PATCH',
        path: `/members/${enc(userId)}`,
        schema: MemberSchema,
        body: UpdateMemberRequestSchema.parse({ role }),
        ifMatch: version,
      });
    },
    removeMember(userId: string) {
      return request({ method: 'DELETE', path: `/members/${enc(userId)}`, schema: NoContent });
    },

    // Workspace lifecycle (Danger zone) -------------------------------------------------------------------
    exportWorkspace() {
      return request({ method: 'POST', path: '/workspaces/current/export', schema: WorkspaceExportSchema });
    },
    workspaceDeletion(signal?: AbortSignal) {
      return request({ method: 'GET', path: '/workspaces/current/deletion', schema: WorkspaceDeletionSchema, signal });
    },
    requestWorkspaceDeletion(confirmName: string) {
      return request({
        method: 'POST',
        path: '/workspaces/current/deletion',
        schema: WorkspaceDeletionSchema,
        body: { confirmName },
      });
    },
    cancelWorkspaceDeletion() {
      return request({ method: 'DELETE', path: '/workspaces/current/deletion', schema: WorkspaceDeletionSchema });
    },
    /** `GET /workspaces/current/retention` (owner, admin). */
    retentionSettings(signal?: AbortSignal) {
      return request({ method: 'GET', path: '/workspaces/current/retention', schema: RetentionSettingsSchema, signal });
    },
    /** `PUT /workspaces/current/retention` with `If-Match` (owner). */
    updateRetentionSettings(input: RetentionSettingsInput, version: number) {
      return request({
        method: 'PUT',
        path: '/workspaces/current/retention',
        schema: RetentionSettingsSchema,
        body: RetentionSettingsInputSchema.parse(input),
        ifMatch: version,
      });
    },

    // Audit --------------------------------------------------------------------------------------------
    listAudit(page: PageParams = {}, signal?: AbortSignal) {
      return request({ method: 'GET', path: `/audit${pageQuery(page)}`, schema: AuditPageSchema, signal });
    },

    // Runs ---------------------------------------------------------------------------------------------
    /**
     * `POST /brands/{brandId}/runs` (no body): 202 `{runId, status}`. 409 `run_in_progress`,
     * `spend_cap_exceeded` (details name the cap) or `nothing_to_run`.
     */
    startRun(brandId: string) {
      return request({ method: 'POST', path: `/brands/${enc(brandId)}/runs`, schema: StartRunResponseSchema });
    },
    /** `GET /runs?brandId=&limit=&cursor=`, newest first. */
    listRuns(filter: { brandId?: string | null | undefined } & PageParams = {}, signal?: AbortSignal) {
      const query = pageQuery(filter, { brandId: filter.brandId });
      return request({ method: 'GET', path: `/runs${query}`, schema: RunSummaryPageSchema, signal });
    },
    getRun(runId: string, signal?: AbortSignal) {
      return request({ method: 'GET', path: `/runs/${enc(runId)}`, schema: RunSchema, signal });
    },
    /** `GET /runs/{runId}/items?status=&limit=&cursor=`: one row per prompt × provider × sample. */
    listRunItems(
      runId: string,
      filter: { status?: RunItemStatus | null | undefined } & PageParams = {},
      signal?: AbortSignal,
    ) {
      const query = pageQuery(filter, { status: filter.status });
      return request({ method: 'GET', path: `/runs/${enc(runId)}/items${query}`, schema: RunItemPageSchema, signal });
    },
    /** `POST /runs/{runId}/cancel`: the run records `cancelRequested` and then finalizes as `cancelled`. */
    cancelRun(runId: string) {
      return request({ method: 'POST', path: `/runs/${enc(runId)}/cancel`, schema: RunSchema });
    },
    // Analytics ----------------------------------------------------------------------------------------
    /** `GET /brands/{brandId}/metrics?from&to[&provider&surface&topic&promptSetVersion&scope]`. */
    metrics(brandId: string, query: MetricsQuery, signal?: AbortSignal) {
      const params = new URLSearchParams({ from: query.from, to: query.to });
      if (query.provider) params.set('provider', query.provider);
      if (query.surface) params.set('surface', query.surface);
      if (query.topic) params.set('topic', query.topic);
      if (query.promptSetVersion !== undefined && query.promptSetVersion !== null) {
        params.set('promptSetVersion', String(query.promptSetVersion));
      }
      if (query.branded) params.set('branded', query.branded);
      if (query.scope) params.set('scope', query.scope);
      if (query.granularity) params.set('granularity', query.granularity);
      return request({
        method: 'GET',
        path: `/brands/${enc(brandId)}/metrics?${params.toString()}`,
        schema: MetricsResponseSchema,
        signal,
      });
    },
    /** `GET /brands/{brandId}/analytics/trends`: per day × provider × surface (warehouse). */
    analyticsTrends(brandId: string, query: WarehouseQuery, signal?: AbortSignal) {
      return request({
        method: 'GET',
        path: `/brands/${enc(brandId)}/analytics/trends${warehouseQuery(query)}`,
        schema: TrendsResponseSchema,
        signal,
      });
    },
    /** `GET /brands/{brandId}/analytics/topics`: per topic (warehouse). */
    analyticsTopics(brandId: string, query: WarehouseQuery, signal?: AbortSignal) {
      return request({
        method: 'GET',
        path: `/brands/${enc(brandId)}/analytics/topics${warehouseQuery(query)}`,
        schema: TopicsResponseSchema,
        signal,
      });
    },
    /** `GET /brands/{brandId}/analytics/sources`: most cited domains (warehouse). */
    analyticsSources(brandId: string, query: WarehouseQuery, signal?: AbortSignal) {
      return request({
        method: 'GET',
        path: `/brands/${enc(brandId)}/analytics/sources${warehouseQuery(query)}`,
        schema: SourcesResponseSchema,
        signal,
      });
    },
    /** `GET /brands/{brandId}/analytics/matrix`: per prompt × tracked entity (warehouse; the heat map). */
    analyticsMatrix(
      brandId: string,
      query: WarehouseQuery & { limit?: number; cursor?: string | null },
      signal?: AbortSignal,
    ) {
      return request({
        method: 'GET',
        path: `/brands/${enc(brandId)}/analytics/matrix${warehouseQuery(query)}`,
        schema: MatrixResponseSchema,
        signal,
      });
    },
    /** `GET /brands/{brandId}/analytics/drilldown`: one page of a prompt's answers with mentions to highlight. */
    promptDrilldown(brandId: string, query: DrilldownQuery, signal?: AbortSignal) {
      const params = new URLSearchParams({ promptId: query.promptId, from: query.from, to: query.to });
      if (query.provider) params.set('provider', query.provider);
      if (query.surface) params.set('surface', query.surface);
      if (query.topic) params.set('topic', query.topic);
      if (query.promptSetVersion !== undefined && query.promptSetVersion !== null) {
        params.set('promptSetVersion', String(query.promptSetVersion));
      }
      if (query.branded) params.set('branded', query.branded);
      if (query.locale) params.set('locale', query.locale);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.cursor) params.set('cursor', query.cursor);
      return request({
        method: 'GET',
        path: `/brands/${enc(brandId)}/analytics/drilldown?${params.toString()}`,
        schema: DrilldownResponseSchema,
        signal,
      });
    },
    getAnswer(answerId: string, signal?: AbortSignal) {
      return request({ method: 'GET', path: `/answers/${enc(answerId)}`, schema: AnswerSchema, signal });
    },
  };
}

export interface PageParams {
  limit?: number;
  cursor?: string | null | undefined;
}

const BrandPageSchema = pageOf(BrandSummarySchema);
const TrendsResponseSchema = analyticsResponseSchema(TrendRowSchema);
const TopicsResponseSchema = analyticsResponseSchema(TopicRowSchema);
const SourcesResponseSchema = analyticsResponseSchema(SourceRowSchema);
const MatrixResponseSchema = analyticsResponseSchema(PromptEntityRowSchema);

/** Query of the warehouse routes (JSON only here; the page builds its CSV from what it shows). */
export type WarehouseQuery = Pick<
  AnalyticsQuery,
  'from' | 'to' | 'provider' | 'surface' | 'topic' | 'promptSetVersion' | 'branded' | 'locale'
>;

function warehouseQuery(query: WarehouseQuery & { limit?: number; cursor?: string | null }): string {
  const params = new URLSearchParams({ from: query.from, to: query.to });
  if (query.provider) params.set('provider', query.provider);
  if (query.surface) params.set('surface', query.surface);
  if (query.topic) params.set('topic', query.topic);
  if (query.promptSetVersion !== undefined && query.promptSetVersion !== null) {
    params.set('promptSetVersion', String(query.promptSetVersion));
  }
  if (query.branded) params.set('branded', query.branded);
  if (query.locale) params.set('locale', query.locale);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  return `?${params.toString()}`;
}
const PromptSetVersionPageSchema = pageOf(PromptSetVersionSummarySchema);
const MemberPageSchema = pageOf(MemberSchema);
const AuditPageSchema = pageOf(AuditEntrySchema);
const RunSummaryPageSchema = pageOf(RunSummarySchema);
const RunItemPageSchema = pageOf(RunItemSchema);
export type RunItemStatus = z.infer<typeof RunItemSchema>['status'];
/** 204 answers have no body. */
const NoContent = z.unknown();

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function pageQuery(page: PageParams, filters: Record<string, string | null | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.cursor) params.set('cursor', page.cursor);
  const query = params.toString();
  return query ? `?${query}` : '';
}
