import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { AuthProvider } from 'react-oidc-context';
import { RouterProvider } from 'react-router';
import type { ClientConfig } from '../../shared/contracts/index.ts';
import { createApiClient } from './api/client.ts';
import { isApiError } from './api/errors.ts';
import { createAppRouter } from './app/router.tsx';
import { RuntimeProvider } from './app/runtime.tsx';
import { createTokenSource, createUserManager, safeReturnTo } from './auth/oidc.ts';
import { LoadingScreen, StatusScreen } from './components/StatusScreen.tsx';
import { loadClientConfig } from './config/load-config.ts';
import './styles.css';

function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A 4xx or a contract mismatch will not fix itself; an unreachable API might.
        retry: (failureCount, error) => {
          if (isApiError(error) && (error.status >= 400 || error.code === 'invalid_response')) return false;
          return failureCount < 2;
        },
      },
      mutations: { retry: false },
    },
  });
}

/** Built once per page load, outside React, so re-renders never create a second UserManager or router. */
function createApp(config: ClientConfig) {
  const userManager = createUserManager(config);
  const tokens = createTokenSource(userManager);
  const api = createApiClient({
    baseUrl: config.apiBaseUrl,
    getAccessToken: tokens.current,
    refreshAccessToken: tokens.refresh,
  });
  return { runtime: { config, api, userManager }, queryClient: createQueryClient(), router: createAppRouter() };
}

function App({ runtime, queryClient, router }: ReturnType<typeof createApp>) {
  return (
    <RuntimeProvider runtime={runtime}>
      <AuthProvider
        userManager={runtime.userManager}
        onSigninCallback={async (user) => {
          // Silent and popup callbacks resolve without a user; only a redirect sign-in moves the page.
          if (!user) return;
          // Replaces /auth/callback?code=…&state=… in history, so the code never lingers in the address bar.
          await router.navigate(safeReturnTo(user.state), { replace: true });
        }}
        matchSignoutCallback={() => {
          const params = new URLSearchParams(window.location.search);
          return window.location.pathname === '/' && params.has('state') && !params.has('code');
        }}
        onSignoutCallback={() => {
          void router.navigate('/', { replace: true });
        }}
        onRemoveUser={() => queryClient.clear()}
      >
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AuthProvider>
    </RuntimeProvider>
  );
}

function ConfigError({ message, details }: { message: string; details?: string | undefined }) {
  return (
    <StatusScreen
      title="PromptPulse can't start"
      tone="error"
      actions={
        <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
          Try again
        </button>
      }
    >
      <p>The app could not load its runtime configuration. {message}</p>
      {details ? <pre className="error-details">{details}</pre> : null}
      <p className="muted">
        The server must serve <code>/config.json</code> (API base URL, identity provider, client id). Locally,{' '}
        <code>npm start</code> serves it.
      </p>
    </StatusScreen>
  );
}

async function boot(root: Root) {
  root.render(<LoadingScreen label="Starting PromptPulse…" />);
  const result = await loadClientConfig();
  if (!result.ok) {
    root.render(<ConfigError message={result.message} details={result.details} />);
    return;
  }
  root.render(
    <StrictMode>
      <App {...createApp(result.config)} />
    </StrictMode>,
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
void boot(createRoot(container));
