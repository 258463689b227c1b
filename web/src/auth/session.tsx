import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useState } from 'react';
import type { MeResponse, WorkspaceView } from '../../../shared/contracts/index.ts';
import { queryKeys } from '../api/queries.ts';
import { useRuntime } from '../app/runtime.tsx';
import { signIn, signOut } from './oidc.ts';

/** The signed-in member as the API sees them, available to every page inside the shell. */
export interface Session {
  me: MeResponse;
  workspace: WorkspaceView;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext value={session}>{children}</SessionContext>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside the signed-in shell');
  return session;
}

/**
 * Gets fresh tokens with the refresh token and reloads `/me`. Needed after `POST /workspaces`, because the
 * tenant claim is written into the access token when it is issued.
 */
export function useRefreshSession() {
  const { userManager } = useRuntime();
  const queryClient = useQueryClient();
  return useCallback(async () => {
    const user = await userManager.signinSilent();
    if (!user) throw new Error('The identity provider did not return new tokens.');
    await queryClient.invalidateQueries({ queryKey: queryKeys.meAll });
  }, [userManager, queryClient]);
}

/** Sign-in / sign-out actions with their pending state and error, for buttons. */
export function useAuthActions() {
  const { userManager, config } = useRuntime();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<'signin' | 'signout' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const startSignIn = useCallback(
    async (returnTo: string) => {
      setPending('signin');
      setError(null);
      try {
        await signIn(userManager, returnTo);
      } catch (cause) {
        setPending(null);
        setError(
          `The sign-in service could not be reached (${cause instanceof Error ? cause.message : String(cause)}). Try again in a moment.`,
        );
      }
    },
    [userManager],
  );

  const startSignOut = useCallback(async () => {
    setPending('signout');
    setError(null);
    try {
      queryClient.clear();
      await signOut(userManager, config);
    } catch (cause) {
      setPending(null);
      setError(`Sign-out failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }, [userManager, config, queryClient]);

  return { startSignIn, startSignOut, pending, error };
}
