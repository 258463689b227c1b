/**
 * The model catalogue in the browser: `GET /model-catalogue` (the models offered today, per provider), the owners'
 * retirement notices and the one-click migration. Until the catalogue has loaded (or if it cannot), the same pure
 * code computes the offer from the baseline catalogue the server also starts from, so a form never offers a
 * retired model and never preselects a deprecated one.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type ModelCatalogueView,
  ModelCatalogueViewSchema,
  type ModelMigrationInput,
  ModelMigrationResultSchema,
  ModelNoticesSchema,
} from '../../../../shared/contracts/model-catalogue.ts';
import { useApi } from '../../app/runtime.tsx';
import { baselineCatalogueView } from './model-offer.ts';

export const modelKeys = {
  catalogue: ['model-catalogue'] as const,
  notices: ['model-notices'] as const,
};

/** The catalogue as served (falls back to the baseline view while loading or on error). */
export function useModelCatalogue(): ModelCatalogueView {
  const api = useApi();
  const query = useQuery({
    queryKey: modelKeys.catalogue,
    queryFn: ({ signal }) =>
      api.request({ method: 'GET', path: '/model-catalogue', schema: ModelCatalogueViewSchema, signal }),
    staleTime: 5 * 60_000,
  });
  return query.data ?? baselineCatalogueView();
}

/** The full query, for the operations view (refresh status). */
export function useModelCatalogueQuery() {
  const api = useApi();
  return useQuery({
    queryKey: modelKeys.catalogue,
    queryFn: ({ signal }) =>
      api.request({ method: 'GET', path: '/model-catalogue', schema: ModelCatalogueViewSchema, signal }),
  });
}

export function useModelNotices(enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: modelKeys.notices,
    queryFn: ({ signal }) => api.request({ method: 'GET', path: '/model-notices', schema: ModelNoticesSchema, signal }),
    enabled,
  });
}

export function useMigrateModel() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ModelMigrationInput) =>
      api.request({ method: 'POST', path: '/model-migrations', schema: ModelMigrationResultSchema, body: input }),
    onSettled: () => queryClient.invalidateQueries(),
  });
}
