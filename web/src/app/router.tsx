import { createBrowserRouter, Navigate } from 'react-router';
import { ActionHubPage } from '../features/actions/ActionHubPage.tsx';
import { AdminPage } from '../features/admin/AdminPage.tsx';
import { AnalyticsPage } from '../features/analytics/AnalyticsPage.tsx';
import { AuthCallbackPage } from '../features/auth/AuthCallbackPage.tsx';
import { RunsPage } from '../features/runs/RunsPage.tsx';
import { SignalsPage } from '../features/signals/SignalsPage.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';
import { RouteError } from './RouteError.tsx';
import { SessionGate } from './SessionGate.tsx';

/**
 * Routes. Everything except the OIDC callback sits behind the session gate, which shows the landing page or
 * the first-run screen instead of the shell when needed. `/` is the Action Hub.
 */
export function createAppRouter() {
  return createBrowserRouter([
    {
      path: '/',
      errorElement: <RouteError />,
      children: [
        { path: 'auth/callback', element: <AuthCallbackPage /> },
        {
          element: <SessionGate />,
          children: [
            { index: true, element: <Navigate to="/actions" replace /> },
            { path: 'actions', element: <ActionHubPage /> },
            { path: 'analytics', element: <AnalyticsPage /> },
            { path: 'signals', element: <SignalsPage /> },
            { path: 'runs', element: <RunsPage /> },
            { path: 'admin', element: <AdminPage /> },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}

export type AppRouter = ReturnType<typeof createAppRouter>;
