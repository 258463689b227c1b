import { apiRoutes } from '../../functions/handlers/api/route-table.ts';
import type { ApiDeps, RouteDefinition } from '../../functions/handlers/api/routes.ts';
import { DEFAULT_SPEND_CAPS } from '../../shared/domain/plans.ts';

/** Every route of the API, discovered from the route table itself: a new route is covered automatically. */
export const ROUTES: RouteDefinition[] = apiRoutes({} as ApiDeps);
export const TENANT_ROUTES = ROUTES.filter((r) => r.access.kind === 'tenant');
export const routeKey = (r: Pick<RouteDefinition, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** A valid request body for each route that takes one; a route missing here fails the catalogue test. */
export const SAMPLE_BODIES: Record<string, { body: unknown; contentType?: string }> = {
  'POST /workspaces': { body: { name: 'Sample workspace' } },
  'PUT /workspaces/current/spend-caps': { body: DEFAULT_SPEND_CAPS },
  'PUT /workspaces/current/retention': { body: { rawAnswers: 'keep', posts: 'keep' } },
  'POST /brands': {
    body: {
      name: `Sample ${Math.random().toString(36).slice(2, 8)}`,
      category: 'Sample category',
      competitors: [],
      topics: [],
    },
  },
  'PUT /brands/:brandId': { body: { name: 'Sample brand', category: 'Sample category' } },
  'PUT /brands/:brandId/prompt-set': { body: { prompts: [{ text: 'A perfectly valid sample prompt' }] } },
  'POST /brands/:brandId/prompt-set/import': {
    body: 'text\nA perfectly valid sample prompt\n',
    contentType: 'text/csv',
  },
  'POST /brands/:brandId/prompt-suggestions': { body: { count: 3 } },
  'PUT /brands/:brandId/run-settings': { body: { providers: [], samplesPerPrompt: 1, schedule: { kind: 'manual' } } },
  'POST /members': { body: { email: 'sample-invitee@example.com', role: 'viewer' } },
  'POST /model-migrations': { body: { provider: 'anthropic', from: 'claude-sonnet-4-5' } },
  // A name that is never the workspace's: the role matrix must not schedule a real deletion.
  'POST /workspaces/current/deletion': { body: { confirmName: 'not this workspace' } },
  'PATCH /members/:userId': { body: { role: 'viewer' } },
  'POST /connectors': {
    body: { brandId: 'brd_00000000000000000000000000', name: 'Sample feed', config: { source: 'x', query: 'Acme' } },
  },
  'PUT /connectors/:connectorId': { body: { name: 'Sample feed', config: { source: 'x', query: 'Acme' } } },
  'POST /connectors/:connectorId/rotate-secret': { body: {} },
  'POST /connectors/webhook-preview': {
    body: {
      fieldMap: { items: 'data', fields: { id: 'id', text: 'text', publishedAt: 'created' } },
      sample: { data: [{ id: 1, text: 'A sample mention', created: 1_796_000_000 }] },
    },
  },
  'PATCH /actions/:actionId': { body: { status: 'in_progress' } },
  'POST /actions/:actionId/comments': { body: { text: 'Sample comment' } },
  'POST /integrations': {
    body: {
      name: 'Sample CRM',
      kind: 'webhook',
      url: 'https://crm.example.com/hook',
      secret: 'sample-secret-0123456789',
    },
  },
  'PUT /integrations/:integrationId': {
    body: { name: 'Sample CRM', kind: 'webhook', url: 'https://crm.example.com/hook' },
  },
  'POST /ingest/webhooks/:connectorId': {
    body: { items: [{ id: 'sample-1', text: 'Sample post', publishedAt: '2026-01-01T00:00:00Z' }] },
  },
};

/** Query strings for routes whose query has required parameters. */
export const SAMPLE_QUERIES: Record<string, string> = {
  'GET /brands/:brandId/prompt-set/diff': 'from=0&to=1',
  'GET /brands/:brandId/metrics': 'from=2026-01-01&to=2026-01-31',
  'GET /brands/:brandId/analytics/trends': 'from=2026-01-01&to=2026-01-31',
  'GET /brands/:brandId/analytics/competitors': 'from=2026-01-01&to=2026-01-31',
  'GET /brands/:brandId/analytics/topics': 'from=2026-01-01&to=2026-01-31',
  'GET /brands/:brandId/analytics/sources': 'from=2026-01-01&to=2026-01-31',
  'GET /brands/:brandId/analytics/prompts': 'from=2026-01-01&to=2026-01-31',
  'GET /brands/:brandId/signals/series': 'from=2026-01-01&to=2026-01-31',
  'GET /brands/:brandId/signals/top-posts': 'day=2026-01-31',
  'GET /brands/:brandId/analytics/matrix': 'from=2026-01-01&to=2026-01-31',
  'GET /brands/:brandId/analytics/answers': 'from=2026-01-01&to=2026-01-31',
  'GET /brands/:brandId/analytics/drilldown':
    'promptId=prm_00000000000000000000000000&from=2026-01-01&to=2026-01-31&limit=5',
};

/** Path parameters a test's own ids may lack: well-formed ids of nothing (an alert id is a ULID). */
export const SAMPLE_PATH_IDS: Record<string, string> = {
  alertId: '01KM0000000000000000000000',
  connectorId: 'con_00000000000000000000000000',
  actionId: 'act_00000000000000000000000000',
  integrationId: 'int_00000000000000000000000000',
  deliveryId: 'dlv_00000000000000000000000000',
};

/** Fills path parameters from a map (`:brandId` → ids.brandId), else from {@link SAMPLE_PATH_IDS}. */
export function fillPath(path: string, ids: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = ids[name] ?? SAMPLE_PATH_IDS[name];
    if (value === undefined) throw new Error(`no sample value for path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
