/**
 * The Action Hub's API calls and TanStack Query hooks, typed over shared/contracts/actions.ts and
 * shared/contracts/integrations.ts, with the app's token handling (current token; one refresh on a 401).
 */
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import * as z from 'zod';
import {
  ActionDetailSchema,
  type ActionListQuery,
  type ActionPatch,
  ActionSchema,
  ActionSeriesSchema,
  GenerateActionsResultSchema,
} from '../../../../shared/contracts/actions.ts';
import { pageOf } from '../../../../shared/contracts/common.ts';
import {
  DeliverySchema,
  type IntegrationInput,
  IntegrationSchema,
  type IntegrationUpdate,
} from '../../../../shared/contracts/integrations.ts';
import type { PushMessage } from '../../../../shared/contracts/runs.ts';
import { useApi } from '../../app/runtime.tsx';

export type ActionFilters = Partial<Pick<ActionListQuery, 'brandId' | 'type' | 'status' | 'owner'>> & {
  sort?: ActionListQuery['sort'];
};

export const actionKeys = {
  all: ['actions'] as const,
  list: (filters: ActionFilters) => ['actions', 'list', filters] as const,
  detail: (id: string) => ['actions', 'detail', id] as const,
  series: (id: string) => ['actions', 'series', id] as const,
  integrations: ['integrations'] as const,
  deliveries: (id: string) => ['integrations', 'deliveries', id] as const,
};

const search = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A typed fetcher over the app's API client (sign-in, refresh, timeout, errors, response parsing). */
export function useHubFetch() {
  const api = useApi();
  return useCallback(
    <S extends z.ZodType>(
      method: Method,
      path: string,
      schema: S,
      options: { body?: unknown; ifMatch?: number; signal?: AbortSignal | undefined } = {},
    ): Promise<z.infer<S>> =>
      api.request({
        method,
        path: path as `/${string}`,
        schema,
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }),
        signal: options.signal,
      }),
    [api],
  );
}

export function useActions(filters: ActionFilters) {
  const get = useHubFetch();
  return useQuery({
    queryKey: actionKeys.list(filters),
    queryFn: ({ signal }) =>
      get('GET', `/actions${search({ ...filters, limit: 100 })}`, pageOf(ActionSchema), { signal }),
    // Safety net only: new actions arrive by push (`actions.changed`).
    refetchInterval: 60_000,
  });
}

export function useAction(actionId: string) {
  const get = useHubFetch();
  return useQuery({
    queryKey: actionKeys.detail(actionId),
    queryFn: ({ signal }) => get('GET', `/actions/${encodeURIComponent(actionId)}`, ActionDetailSchema, { signal }),
    refetchInterval: 15_000,
  });
}

export function useActionSeries(actionId: string) {
  const get = useHubFetch();
  return useQuery({
    queryKey: actionKeys.series(actionId),
    queryFn: ({ signal }) =>
      get('GET', `/actions/${encodeURIComponent(actionId)}/series?days=60`, ActionSeriesSchema, { signal }),
  });
}

function useInvalidateActions() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: actionKeys.all });
}

export function usePatchAction(actionId: string) {
  const send = useHubFetch();
  const invalidate = useInvalidateActions();
  return useMutation({
    mutationFn: ({ patch, version }: { patch: ActionPatch; version: number }) =>
      send('PATCH', `/actions/${encodeURIComponent(actionId)}`, ActionSchema, { body: patch, ifMatch: version }),
    onSettled: invalidate,
  });
}

export function useCommentAction(actionId: string) {
  const send = useHubFetch();
  const invalidate = useInvalidateActions();
  return useMutation({
    mutationFn: (text: string) =>
      send('POST', `/actions/${encodeURIComponent(actionId)}/comments`, ActionSchema, { body: { text } }),
    onSettled: invalidate,
  });
}

export function useGenerateActions() {
  const send = useHubFetch();
  const invalidate = useInvalidateActions();
  return useMutation({
    mutationFn: (brandId: string) =>
      send('POST', `/brands/${encodeURIComponent(brandId)}/actions/generate`, GenerateActionsResultSchema),
    onSettled: invalidate,
  });
}

// Integrations ----------------------------------------------------------------------------------------------

export function useIntegrations(enabled = true) {
  const get = useHubFetch();
  return useQuery({
    queryKey: actionKeys.integrations,
    enabled,
    queryFn: ({ signal }) => get('GET', '/integrations', z.object({ items: z.array(IntegrationSchema) }), { signal }),
  });
}

export function useDeliveries(integrationId: string) {
  const get = useHubFetch();
  return useQuery({
    queryKey: actionKeys.deliveries(integrationId),
    queryFn: ({ signal }) =>
      get('GET', `/integrations/${encodeURIComponent(integrationId)}/deliveries?limit=25`, pageOf(DeliverySchema), {
        signal,
      }),
    refetchInterval: 5_000,
  });
}

function useInvalidateIntegrations() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: actionKeys.integrations });
}

export function useCreateIntegration() {
  const send = useHubFetch();
  const invalidate = useInvalidateIntegrations();
  return useMutation({
    mutationFn: (input: IntegrationInput) => send('POST', '/integrations', IntegrationSchema, { body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateIntegration() {
  const send = useHubFetch();
  const invalidate = useInvalidateIntegrations();
  return useMutation({
    mutationFn: ({ id, input, version }: { id: string; input: IntegrationUpdate; version: number }) =>
      send('PUT', `/integrations/${encodeURIComponent(id)}`, IntegrationSchema, { body: input, ifMatch: version }),
    onSettled: invalidate,
  });
}

export function useDeleteIntegration() {
  const send = useHubFetch();
  const invalidate = useInvalidateIntegrations();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) =>
      send('DELETE', `/integrations/${encodeURIComponent(id)}`, z.unknown(), { ifMatch: version }),
    onSettled: invalidate,
  });
}

export function useTestIntegration(integrationId: string) {
  const send = useHubFetch();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => send('POST', `/integrations/${encodeURIComponent(integrationId)}/test`, DeliverySchema),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['integrations'] }),
  });
}

export function useRedriveDelivery(integrationId: string) {
  const send = useHubFetch();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      send(
        'POST',
        `/integrations/${encodeURIComponent(integrationId)}/deliveries/${encodeURIComponent(deliveryId)}/redrive`,
        DeliverySchema,
      ),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['integrations'] }),
  });
}

/** Live push: the engine created or refreshed actions — refetch the lists on screen. */
export function applyActionsPush(queryClient: QueryClient, message: PushMessage): void {
  if (message.type !== 'actions.changed') return;
  void queryClient.invalidateQueries({ queryKey: actionKeys.all });
}
