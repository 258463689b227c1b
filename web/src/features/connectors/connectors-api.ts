/** The connector admin API's calls and TanStack Query hooks, typed over shared/contracts/connectors.ts. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as z from 'zod';
import { pageOf } from '../../../../shared/contracts/common.ts';
import {
  type ConnectorInput,
  ConnectorSchema,
  ConnectorTestResultSchema,
  ConnectorWithSecretSchema,
  type WebhookFieldMap,
  WebhookPreviewResultSchema,
} from '../../../../shared/contracts/connectors.ts';
import { useHubFetch } from '../actions/actions-api.ts';

export const connectorKeys = {
  all: ['connectors'] as const,
};

const path = (id: string, action = '') => `/connectors/${encodeURIComponent(id)}${action}`;

export function useConnectors() {
  const get = useHubFetch();
  return useQuery({
    queryKey: connectorKeys.all,
    queryFn: ({ signal }) => get('GET', '/connectors?limit=100', pageOf(ConnectorSchema), { signal }),
    // Status, counters and next run change as the workflow runs.
    refetchInterval: 10_000,
  });
}

function useConnectorMutation<I, S extends z.ZodType>(
  request: (input: I) => {
    method: 'POST' | 'PUT' | 'DELETE';
    path: string;
    schema: S;
    body?: unknown;
    ifMatch?: number;
  },
) {
  const send = useHubFetch();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: I) => {
      const r = request(input);
      return send(r.method, r.path, r.schema, {
        ...(r.body !== undefined ? { body: r.body } : {}),
        ...(r.ifMatch !== undefined ? { ifMatch: r.ifMatch } : {}),
      });
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: connectorKeys.all }),
  });
}

export const useCreateConnector = () =>
  useConnectorMutation((input: ConnectorInput) => ({
    method: 'POST',
    path: '/connectors',
    schema: ConnectorWithSecretSchema,
    body: input,
  }));

export const useUpdateConnector = () =>
  useConnectorMutation((input: { id: string; version: number; body: Omit<ConnectorInput, 'brandId'> }) => ({
    method: 'PUT',
    path: path(input.id),
    schema: ConnectorSchema,
    body: input.body,
    ifMatch: input.version,
  }));

export const useDeleteConnector = () =>
  useConnectorMutation((id: string) => ({ method: 'DELETE', path: path(id), schema: z.unknown() }));

export const usePauseConnector = () =>
  useConnectorMutation((input: { id: string; paused: boolean }) => ({
    method: 'POST',
    path: path(input.id, input.paused ? '/pause' : '/resume'),
    schema: ConnectorSchema,
  }));

export const usePollConnector = () =>
  useConnectorMutation((id: string) => ({ method: 'POST', path: path(id, '/poll'), schema: ConnectorSchema }));

export const useTestConnector = () =>
  useConnectorMutation((id: string) => ({
    method: 'POST',
    path: path(id, '/test'),
    schema: ConnectorTestResultSchema,
  }));

export const useRotateSecret = () =>
  useConnectorMutation((input: { id: string; revoke: string[] }) => ({
    method: 'POST',
    path: path(input.id, '/rotate-secret'),
    schema: ConnectorWithSecretSchema,
    body: { revoke: input.revoke },
  }));

export const usePreviewFieldMap = () =>
  useConnectorMutation((input: { fieldMap: WebhookFieldMap; sample: unknown }) => ({
    method: 'POST',
    path: '/connectors/webhook-preview',
    schema: WebhookPreviewResultSchema,
    body: input,
  }));
