import type { UserManager } from 'oidc-client-ts';
import { createContext, type ReactNode, useContext } from 'react';
import type { ClientConfig } from '../../../shared/contracts/index.ts';
import type { ApiClient } from '../api/client.ts';

/** Things built once per page load from `/config.json`. */
export interface Runtime {
  config: ClientConfig;
  api: ApiClient;
  userManager: UserManager;
}

const RuntimeContext = createContext<Runtime | null>(null);

export function RuntimeProvider({ runtime, children }: { runtime: Runtime; children: ReactNode }) {
  return <RuntimeContext value={runtime}>{children}</RuntimeContext>;
}

export function useRuntime(): Runtime {
  const runtime = useContext(RuntimeContext);
  if (!runtime) throw new Error('useRuntime must be used inside <RuntimeProvider>');
  return runtime;
}

export function useApi(): ApiClient {
  return useRuntime().api;
}
