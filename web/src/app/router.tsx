import { createBrowserRouter, Navigate } from 'react-router';
import { ActionHubPage } from '../features/actions/ActionHubPage.tsx';
import { AdminLayout } from '../features/admin/AdminLayout.tsx';
import { AdminPage } from '../features/admin/AdminPage.tsx';
import { AuditAdminPage } from '../features/audit/AuditAdminPage.tsx';
import { AuthCallbackPage } from '../features/auth/AuthCallbackPage.tsx';
import { BrandEditPage } from '../features/brands/BrandEditPage.tsx';
import { BrandsAdminPage } from '../features/brands/BrandsAdminPage.tsx';
import { ConnectorsAdminPage } from '../features/connectors/ConnectorsAdminPage.tsx';
import { IntegrationsAdminPage } from '../features/integrations/IntegrationsAdminPage.tsx';
import { MembersAdminPage } from '../features/members/MembersAdminPage.tsx';
import { OnboardingWizard } from '../features/onboarding/OnboardingWizard.tsx';
import { OperationsPage } from '../features/ops/OperationsPage.tsx';
import { PromptSetsAdminPage } from '../features/prompt-sets/PromptSetsAdminPage.tsx';
import { ProvidersAdminPage } from '../features/providers/ProvidersAdminPage.tsx';
import { ReanalysisAdminPage } from '../features/reanalysis/ReanalysisAdminPage.tsx';
import { AnswerPage } from '../features/runs/AnswerPage.tsx';
import { RunDetailPage } from '../features/runs/RunDetailPage.tsx';
import { RunsPage } from '../features/runs/RunsPage.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';
import { RouteError } from './RouteError.tsx';
import { SessionGate } from './SessionGate.tsx';

/**
 * Routes. Everything except the OIDC callback sits behind the session gate, which shows the landing page or
 * the first-run screen instead of the shell when needed. `/` is the Action Hub; `/setup` the brand wizard. The
 * chart-heavy pages load lazily, so the charting library is fetched only when one of them is opened.
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
            {
              path: 'actions/:actionId',
              lazy: async () => ({
                Component: (await import('../features/actions/ActionDetailPage.tsx')).ActionDetailPage,
              }),
            },
            {
              path: 'analytics',
              lazy: async () => ({
                Component: (await import('../features/analytics/AnalyticsPage.tsx')).AnalyticsPage,
              }),
            },
            {
              path: 'signals',
              lazy: async () => ({ Component: (await import('../features/signals/SignalsPage.tsx')).SignalsPage }),
            },
            { path: 'runs', element: <RunsPage /> },
            { path: 'runs/:runId', element: <RunDetailPage /> },
            { path: 'answers/:answerId', element: <AnswerPage /> },
            { path: 'setup', element: <OnboardingWizard /> },
            {
              path: 'admin',
              element: <AdminLayout />,
              children: [
                { index: true, element: <AdminPage /> },
                { path: 'brands', element: <BrandsAdminPage /> },
                { path: 'brands/:brandId', element: <BrandEditPage /> },
                { path: 'prompts', element: <PromptSetsAdminPage /> },
                { path: 'providers', element: <ProvidersAdminPage /> },
                { path: 'members', element: <MembersAdminPage /> },
                { path: 'audit', element: <AuditAdminPage /> },
                { path: 'integrations', element: <IntegrationsAdminPage /> },
                { path: 'connectors', element: <ConnectorsAdminPage /> },
                { path: 'operations', element: <OperationsPage /> },
                { path: 'reanalysis', element: <ReanalysisAdminPage /> },
              ],
            },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}

export type AppRouter = ReturnType<typeof createAppRouter>;
