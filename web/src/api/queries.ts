import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateWorkspaceRequest } from '../../../shared/contracts/index.ts';
import { useApi } from '../app/runtime.tsx';

export const queryKeys = {
  /** Scoped by subject so one tab never shows a previous user's answer. */
  me: (subject: string) => ['me', subject] as const,
  meAll: ['me'] as const,
};

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
