/**
 * Queries of the heat map and the prompt drill-down. Their keys sit under `['metrics', brandId]`, like every other
 * Analytics query, so a pushed run frame refreshes them too (see `applyRunSummary` in `api/queries.ts`).
 */
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { WarehouseQuery } from '../../api/client.ts';
import { useApi } from '../../app/runtime.tsx';

export const analyticsKeys = {
  matrix: (brandId: string, query: WarehouseQuery) => ['metrics', brandId, 'warehouse', 'matrix', query] as const,
  drilldown: (brandId: string, promptId: string, query: WarehouseQuery) =>
    ['metrics', brandId, 'drilldown', promptId, query] as const,
};

/** Heat-map rows per request (the route's maximum) and the most pages read (50,000 cells). */
const MATRIX_PAGE = 5000;
const MATRIX_MAX_PAGES = 10;

/** Answers shown per drill-down page (the API allows up to 25). */
export const DRILLDOWN_PAGE = 10;

/** `GET /brands/{id}/analytics/matrix`: prompts × tracked entities. Not retried: a missing warehouse is shown. */
export function useMatrix(brandId: string | null | undefined, query: WarehouseQuery | null) {
  const api = useApi();
  const q = query ?? { from: '', to: '' };
  return useQuery({
    queryKey: analyticsKeys.matrix(brandId ?? '', q),
    // Every page: 500 prompts × 26 tracked entities is 13,000 cells, more than one page of the route.
    queryFn: async ({ signal }) => {
      const first = await api.analyticsMatrix(brandId ?? '', { ...q, limit: MATRIX_PAGE }, signal);
      const rows = [...first.rows];
      let cursor = first.nextCursor;
      for (let pages = 1; cursor && pages < MATRIX_MAX_PAGES; pages++) {
        const next = await api.analyticsMatrix(brandId ?? '', { ...q, limit: MATRIX_PAGE, cursor }, signal);
        rows.push(...next.rows);
        cursor = next.nextCursor;
      }
      return { ...first, rows, nextCursor: cursor };
    },
    enabled: Boolean(brandId) && query !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** `GET /brands/{id}/analytics/drilldown`: the prompt's answers, a page at a time ("Load more" follows the cursor). */
export function useDrilldown(
  brandId: string | null | undefined,
  promptId: string | null,
  query: WarehouseQuery | null,
) {
  const api = useApi();
  const q = query ?? { from: '', to: '' };
  return useInfiniteQuery({
    queryKey: analyticsKeys.drilldown(brandId ?? '', promptId ?? '', q),
    queryFn: ({ signal, pageParam }) =>
      api.promptDrilldown(
        brandId ?? '',
        { ...q, promptId: promptId ?? '', limit: DRILLDOWN_PAGE, ...(pageParam ? { cursor: pageParam } : {}) },
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: Boolean(brandId) && Boolean(promptId) && query !== null,
    retry: false,
  });
}
