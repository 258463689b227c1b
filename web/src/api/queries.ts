import {
  type InfiniteData,
  keepPreviousData,
  type Query,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import {
  type BrandInput,
  type CreateWorkspaceRequest,
  type InviteMemberRequest,
  type MetricsQuery,
  type PromptSetInput,
  type Run,
  type RunSettingsInput,
  type RunSummary,
  type SpendCaps,
  type SuggestPromptsRequest,
  TERMINAL_RUN_STATUSES,
} from '../../../shared/contracts/index.ts';
import type { Role } from '../../../shared/domain/roles.ts';
import { useApi } from '../app/runtime.tsx';
import type { RunItemStatus, WarehouseQuery } from './client.ts';

export const queryKeys = {
  /** Scoped by subject so one tab never shows a previous user's answer. */
  me: (subject: string) => ['me', subject] as const,
  meAll: ['me'] as const,
  brands: ['brands'] as const,
  brandList: ['brands', 'list'] as const,
  brand: (brandId: string) => ['brands', 'one', brandId] as const,
  promptSet: (brandId: string) => ['prompt-set', brandId] as const,
  promptSetCurrent: (brandId: string) => ['prompt-set', brandId, 'current'] as const,
  promptSetVersions: (brandId: string) => ['prompt-set', brandId, 'versions'] as const,
  promptSetVersion: (brandId: string, version: number) => ['prompt-set', brandId, 'version', version] as const,
  promptSetDiff: (brandId: string, from: number, to: number) => ['prompt-set', brandId, 'diff', from, to] as const,
  runSettings: (brandId: string) => ['run-settings', brandId] as const,
  workspaceSettings: ['workspace-settings'] as const,
  members: ['members'] as const,
  audit: ['audit'] as const,
  runs: ['runs'] as const,
  runLists: ['runs', 'list'] as const,
  /** `brandId` null = every brand of the workspace. */
  runList: (brandId: string | null) => ['runs', 'list', brandId ?? 'all'] as const,
  run: (runId: string) => ['runs', 'one', runId] as const,
  runItemsAll: (runId: string) => ['runs', 'items', runId] as const,
  runItems: (runId: string, status: RunItemStatus | null) => ['runs', 'items', runId, status ?? 'all'] as const,
  answer: (answerId: string) => ['answers', answerId] as const,
  metricsAll: ['metrics'] as const,
  warehouse: (brandId: string, name: 'trends' | 'topics' | 'sources', query: WarehouseQuery) =>
    ['metrics', brandId, 'warehouse', name, query] as const,
  metrics: (brandId: string, query: MetricsQuery) => ['metrics', brandId, query] as const,
};

/** Largest page the API serves; brand lists are small (plan limits), so one page covers the switcher. */
const MAX_PAGE = 100;

/** `GET /me` for the signed-in subject; disabled until there is one. */
export function useMe(subject: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.me(subject ?? 'anonymous'),
    queryFn: ({ signal }) => api.me(signal),
    enabled: subject !== undefined,
  });
}

export function useCreateWorkspace() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateWorkspaceRequest) => api.createWorkspace(input),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.meAll, refetchType: 'none' }),
  });
}

// Brands ---------------------------------------------------------------------------------------------

/** Every brand of the workspace (first page of up to 100; plans allow far fewer). */
export function useBrands() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.brandList,
    queryFn: ({ signal }) => api.listBrands({ limit: MAX_PAGE }, signal),
  });
}

export function useBrand(brandId: string | null | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.brand(brandId ?? ''),
    queryFn: ({ signal }) => api.getBrand(brandId ?? '', signal),
    enabled: Boolean(brandId),
  });
}

export function useCreateBrand() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: BrandInput) => api.createBrand(input),
    onSuccess: (brand) => {
      queryClient.setQueryData(queryKeys.brand(brand.id), brand);
      void queryClient.invalidateQueries({ queryKey: queryKeys.brandList });
    },
  });
}

export function useUpdateBrand() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { brandId: string; input: BrandInput; version: number }) =>
      api.updateBrand(args.brandId, args.input, args.version),
    onSuccess: (brand) => {
      queryClient.setQueryData(queryKeys.brand(brand.id), brand);
      void queryClient.invalidateQueries({ queryKey: queryKeys.brandList });
      // A change to what the analysis tracks starts the brand's re-analysis (the re-scoring banner).
      void queryClient.invalidateQueries({ queryKey: ['reanalysis'] });
    },
  });
}

export function useDeleteBrand() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { brandId: string; version: number }) => api.deleteBrand(args.brandId, args.version),
    onSuccess: (_result, args) => {
      queryClient.removeQueries({ queryKey: queryKeys.brand(args.brandId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.brandList });
    },
  });
}

// Prompt sets ----------------------------------------------------------------------------------------

export function useCurrentPromptSet(brandId: string | null | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.promptSetCurrent(brandId ?? ''),
    queryFn: ({ signal }) => api.currentPromptSet(brandId ?? '', signal),
    enabled: Boolean(brandId),
  });
}

export function usePromptSetVersions(brandId: string | null | undefined) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.promptSetVersions(brandId ?? ''),
    queryFn: ({ signal, pageParam }) =>
      api.listPromptSetVersions(brandId ?? '', { limit: 25, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: Boolean(brandId),
  });
}

export function usePromptSetVersion(brandId: string | null | undefined, version: number | null) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.promptSetVersion(brandId ?? '', version ?? 0),
    queryFn: ({ signal }) => api.getPromptSetVersion(brandId ?? '', version ?? 0, signal),
    enabled: Boolean(brandId) && version !== null && version > 0,
    staleTime: Number.POSITIVE_INFINITY, // versions never change
  });
}

export function usePromptSetDiff(brandId: string | null | undefined, range: { from: number; to: number } | null) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.promptSetDiff(brandId ?? '', range?.from ?? 0, range?.to ?? 0),
    queryFn: ({ signal }) => api.promptSetDiff(brandId ?? '', range?.from ?? 0, range?.to ?? 0, signal),
    enabled: Boolean(brandId) && range !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

function useInvalidatePromptSet() {
  const queryClient = useQueryClient();
  return (brandId: string) => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.promptSet(brandId) });
    // The brand carries `promptSetVersion`, the list its summary.
    void queryClient.invalidateQueries({ queryKey: queryKeys.brands });
  };
}

export function useSavePromptSet() {
  const api = useApi();
  const invalidate = useInvalidatePromptSet();
  return useMutation({
    mutationFn: (args: { brandId: string; input: PromptSetInput; currentVersion: number }) =>
      api.savePromptSet(args.brandId, args.input, args.currentVersion),
    onSuccess: (_v, args) => invalidate(args.brandId),
  });
}

export function useImportPromptSet() {
  const api = useApi();
  const invalidate = useInvalidatePromptSet();
  return useMutation({
    mutationFn: (args: { brandId: string; csv: string; currentVersion: number }) =>
      api.importPromptSet(args.brandId, args.csv, args.currentVersion),
    onSuccess: (_v, args) => invalidate(args.brandId),
  });
}

export function useSuggestPrompts() {
  const api = useApi();
  return useMutation({
    mutationFn: (args: { brandId: string; input: SuggestPromptsRequest }) =>
      api.suggestPrompts(args.brandId, args.input),
  });
}

// Run settings and workspace settings ----------------------------------------------------------------

export function useRunSettings(brandId: string | null | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.runSettings(brandId ?? ''),
    queryFn: ({ signal }) => api.runSettings(brandId ?? '', signal),
    enabled: Boolean(brandId),
  });
}

export function useSaveRunSettings() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { brandId: string; input: RunSettingsInput; version: number }) =>
      api.saveRunSettings(args.brandId, args.input, args.version),
    onSuccess: (settings, args) => queryClient.setQueryData(queryKeys.runSettings(args.brandId), settings),
  });
}

export function useWorkspaceSettings() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.workspaceSettings, queryFn: ({ signal }) => api.workspaceSettings(signal) });
}

export function useSaveSpendCaps() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { caps: SpendCaps; version: number }) => api.updateSpendCaps(args.caps, args.version),
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.workspaceSettings, settings),
  });
}

// Members and audit ----------------------------------------------------------------------------------

export function useMembers() {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.members,
    queryFn: ({ signal, pageParam }) => api.listMembers({ limit: 50, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

function useInvalidateMembers() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.members });
    void queryClient.invalidateQueries({ queryKey: queryKeys.audit });
  };
}

export function useInviteMember() {
  const api = useApi();
  const invalidate = useInvalidateMembers();
  return useMutation({ mutationFn: (input: InviteMemberRequest) => api.inviteMember(input), onSuccess: invalidate });
}

export function useUpdateMemberRole() {
  const api = useApi();
  const invalidate = useInvalidateMembers();
  return useMutation({
    mutationFn: (args: { userId: string; role: Role; version: number }) =>
      api.updateMemberRole(args.userId, args.role, args.version),
    onSuccess: invalidate,
  });
}

export function useRemoveMember() {
  const api = useApi();
  const invalidate = useInvalidateMembers();
  return useMutation({ mutationFn: (userId: string) => api.removeMember(userId), onSuccess: invalidate });
}

export function useAudit(enabled: boolean) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.audit,
    queryFn: ({ signal, pageParam }) => api.listAudit({ limit: 25, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

// Runs -----------------------------------------------------------------------------------------------

export function isTerminalRun(run: Pick<Run, 'status'> | undefined): boolean {
  return run !== undefined && TERMINAL_RUN_STATUSES.includes(run.status);
}

/**
 * Run history, newest first. `pollMs` refreshes the first pages while a shown run is still going and no push
 * channel is connected (pushes update this cache directly otherwise).
 */
export function useRuns(brandId: string | null, options: { pollMs?: (hasActive: boolean) => number | false } = {}) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.runList(brandId),
    queryFn: ({ signal, pageParam }) => api.listRuns({ brandId, limit: 25, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) => {
      const hasActive = query.state.data?.pages.some((p) => p.items.some((r) => !isTerminalRun(r))) ?? false;
      return options.pollMs ? options.pollMs(hasActive) : false;
    },
  });
}

/** One run. `pollMs(run)` decides the polling interval (false = none), e.g. every 3 s while not terminal. */
export function useRun(runId: string, options: { pollMs?: (run: Run | undefined) => number | false } = {}) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.run(runId),
    queryFn: ({ signal }) => api.getRun(runId, signal),
    enabled: Boolean(runId),
    refetchInterval: (query: Query<Run, Error, Run, readonly unknown[]>) =>
      options.pollMs ? options.pollMs(query.state.data) : false,
    // A finished run never changes again.
    staleTime: (query) => (isTerminalRun(query.state.data) ? Number.POSITIVE_INFINITY : 0),
  });
}

export function useRunItems(runId: string, status: RunItemStatus | null) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.runItems(runId, status),
    queryFn: ({ signal, pageParam }) => api.listRunItems(runId, { status, limit: 100, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: Boolean(runId),
    staleTime: 0,
  });
}

export function useStartRun() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (brandId: string) => api.startRun(brandId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.runLists }),
  });
}

export function useCancelRun() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (runId: string) => api.cancelRun(runId),
    onSuccess: (run) => {
      queryClient.setQueryData(queryKeys.run(run.id), run);
      applyRunSummary(queryClient, run);
    },
  });
}

export function useAnswer(answerId: string) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.answer(answerId),
    queryFn: ({ signal }) => api.getAnswer(answerId, signal),
    enabled: Boolean(answerId),
  });
}

type RunPage = { items: RunSummary[]; nextCursor: string | null };

export function processedCount(counts: RunSummary['counts']): number {
  return counts.succeeded + counts.failed + counts.skipped;
}

/**
 * True when `next` is an older state than `current`, so a late push never moves a run backwards. Progress
 * counters may be bumped without a version change, so equal versions are ordered by progress and terminality.
 */
function isOlderRun(next: RunSummary, current: RunSummary): boolean {
  if (next.version !== current.version) return next.version < current.version;
  if (isTerminalRun(current) && !isTerminalRun(next)) return true;
  return processedCount(next.counts) < processedCount(current.counts);
}

function toSummary(run: RunSummary | Run): RunSummary {
  if (!('perProvider' in run)) return run;
  const { perProvider: _perProvider, errors: _errors, ...summary } = run;
  return summary;
}

/**
 * Folds a newer state of a run (a pushed `run.progressed` / `run.completed`, or a cancel answer) into the
 * caches without refetching: the run itself (keeping its per-provider counts and errors until the next fetch)
 * and every loaded history list (updated in place, or prepended when it is a new run the list's filter covers).
 * Older versions arriving late are ignored.
 */
export function applyRunSummary(queryClient: QueryClient, next: RunSummary | Run): void {
  const summary = toSummary(next);
  const runKey = queryKeys.run(summary.id);
  const current = queryClient.getQueryData<Run>(runKey);
  if (current && !isOlderRun(summary, current)) {
    queryClient.setQueryData<Run>(runKey, 'perProvider' in next ? next : { ...current, ...summary });
  }

  for (const [key, data] of queryClient.getQueriesData<InfiniteData<RunPage>>({ queryKey: queryKeys.runLists })) {
    if (!data) continue;
    const brandFilter = key[2];
    let found = false;
    let changed = false;
    const pages = data.pages.map((page) => {
      const index = page.items.findIndex((r) => r.id === summary.id);
      if (index < 0) return page;
      found = true;
      const old = page.items[index];
      if (!old || isOlderRun(summary, old)) return page;
      changed = true;
      const items = page.items.slice();
      items[index] = summary;
      return { ...page, items };
    });
    if (!found && (brandFilter === 'all' || brandFilter === summary.brandId)) {
      const first = pages[0];
      const newest = first?.items[0];
      if (first && (!newest || newest.createdAt <= summary.createdAt)) {
        pages[0] = { ...first, items: [summary, ...first.items] };
        changed = true;
      }
    }
    if (changed) queryClient.setQueryData<InfiniteData<RunPage>>(key, { ...data, pages });
  }

  refreshMetricsAfterRun(queryClient, summary.brandId, TERMINAL_RUN_STATUSES.includes(summary.status));
}

/** Delays after a run's last frame at which its brand's metrics are refetched once more (aggregation trails it). */
const METRICS_SETTLE_MS = [1_500, 4_000, 10_000] as const;

/**
 * New analysed answers change the brand's metrics: refetch the Analytics queries on screen (only active queries
 * refetch; one already in flight is not cancelled, so a burst of frames does not starve it). The aggregates follow
 * the event stream a little behind the run, so a finished run triggers a few more refetches while they settle.
 */
function refreshMetricsAfterRun(queryClient: QueryClient, brandId: string, finished: boolean): void {
  const refetch = () =>
    void queryClient.invalidateQueries({ queryKey: [...queryKeys.metricsAll, brandId] }, { cancelRefetch: false });
  refetch();
  if (finished) for (const ms of METRICS_SETTLE_MS) setTimeout(refetch, ms);
}

// Analytics ------------------------------------------------------------------------------------------

/**
 * `GET /brands/{brandId}/metrics` for one period and slice. Cached per (brand, query): switching back to a period
 * or slice already seen is instant; while a new one loads the previous numbers stay on screen (marked as updating).
 */
export function useMetrics(brandId: string | null | undefined, query: MetricsQuery | null) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.metrics(brandId ?? '', query ?? { from: '', to: '' }),
    queryFn: ({ signal }) => api.metrics(brandId ?? '', query ?? { from: '', to: '' }, signal),
    enabled: Boolean(brandId) && query !== null,
    placeholderData: keepPreviousData,
  });
}

/** Several `/metrics` slices at once (e.g. one per provider), fetched in parallel and cached like {@link useMetrics}. */
export function useMetricsSlices(brandId: string | null | undefined, queries: readonly MetricsQuery[] | null) {
  const api = useApi();
  return useQueries({
    queries: (queries ?? []).map((query) => ({
      queryKey: queryKeys.metrics(brandId ?? '', query),
      queryFn: ({ signal }: { signal: AbortSignal }) => api.metrics(brandId ?? '', query, signal),
      enabled: Boolean(brandId),
      placeholderData: keepPreviousData,
    })),
  });
}

/**
 * The warehouse's named queries (trends, topics, sources) for the period, in parallel with `/metrics`. Keys sit under
 * `['metrics', brandId]` so a finished run refreshes them too. Not retried: a missing warehouse is shown, not hidden.
 */
export function useWarehouse(brandId: string | null | undefined, query: WarehouseQuery | null) {
  const api = useApi();
  const enabled = Boolean(brandId) && query !== null;
  const q = query ?? { from: '', to: '' };
  const id = brandId ?? '';
  const common = { enabled, placeholderData: keepPreviousData, retry: false } as const;
  return {
    trends: useQuery({
      ...common,
      queryKey: queryKeys.warehouse(id, 'trends', q),
      queryFn: ({ signal }) => api.analyticsTrends(id, q, signal),
    }),
    topics: useQuery({
      ...common,
      queryKey: queryKeys.warehouse(id, 'topics', q),
      queryFn: ({ signal }) => api.analyticsTopics(id, q, signal),
    }),
    sources: useQuery({
      ...common,
      queryKey: queryKeys.warehouse(id, 'sources', q),
      queryFn: ({ signal }) => api.analyticsSources(id, q, signal),
    }),
  };
}
