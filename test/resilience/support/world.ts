import type { inject } from 'vitest';
import { OTHER_TENANT_OWNER } from '../../../local/seed.ts';
import type { Role } from '../../../shared/domain/roles.ts';
import { call } from '../../support/api.ts';
import { waitForRun } from '../../support/runs.ts';
import { DEMO, tokenFor } from '../../support/sessions.ts';

export type Stack = ReturnType<typeof inject<'stack'>>;

/** One tenant as the resilience tests see it: tokens per role and real ids of each kind of resource. */
export interface TenantWorld {
  tenantId: string;
  tokens: Partial<Record<Role, string>> & { owner: string };
  /** Real ids of this tenant, by path parameter name (`brandId`, `runId`, `answerId`, `userId`, `version`). */
  ids: Record<string, string>;
  /** Strings that only this tenant's data contains: finding one in another tenant's response is a leak. */
  secrets: string[];
}

const BRAND_NAME = { a: 'Resilience Alpha', b: 'Resilience Beta' } as const;

/**
 * A small brand of the tenant (found by name, created once per stack), with one finished run, so every kind of
 * path parameter has a real id. Idempotent: each test file calls it; the second call only reads.
 */
async function smallBrandWithRun(apiUrl: string, token: string, name: string) {
  const list = await call(apiUrl, 'GET', '/brands?limit=100', { token });
  let brand = list.json.items.find((b: { name: string }) => b.name === name);
  if (!brand) {
    const created = await call(apiUrl, 'POST', '/brands', {
      token,
      body: {
        name,
        category: 'Resilience testing',
        aliases: [{ value: `${name} Co` }],
        ownedDomains: [`${name.toLowerCase().replace(/\s+/g, '-')}.example`],
        competitors: [{ name: `${name} Rival` }],
        topics: [{ name: `${name} topic` }],
      },
    });
    if (created.status !== 201) throw new Error(`brand ${name}: ${created.status} ${JSON.stringify(created.json)}`);
    brand = created.json;
    await call(apiUrl, 'PUT', `/brands/${brand.id}/prompt-set`, {
      token,
      headers: { 'if-match': '"0"' },
      body: { prompts: [{ text: `Which tools compete with ${name}?` }, { text: `Is ${name} any good?` }] },
    });
    await call(apiUrl, 'PUT', `/brands/${brand.id}/run-settings`, {
      token,
      headers: { 'if-match': '"0"' },
      body: {
        providers: [{ provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' }],
        samplesPerPrompt: 1,
        schedule: { kind: 'manual' },
      },
    });
  }
  const runs = await call(apiUrl, 'GET', `/runs?brandId=${brand.id}&limit=10`, { token });
  let run = runs.json.items.find((r: { status: string }) => r.status === 'succeeded');
  if (!run) {
    const started = await call(apiUrl, 'POST', `/brands/${brand.id}/runs`, { token });
    run = await waitForRun(apiUrl, token, started.json.runId ?? started.json.error?.details?.runId);
  }
  const items = await call(apiUrl, 'GET', `/runs/${run.id}/items?limit=1&status=succeeded`, { token });
  return {
    brandId: brand.id as string,
    runId: run.id as string,
    answerId: items.json.items[0].answerId as string,
    ...(await otherResources(apiUrl, token, brand.id, name)),
  };
}

/**
 * Real ids of the tenant's other kinds of resources (a webhook connector, a CRM integration, an action when the
 * Action Hub has raised one), found by name or created once, so cross-tenant probes use ids that exist.
 */
async function otherResources(apiUrl: string, token: string, brandId: string, name: string) {
  const ids: Record<string, string> = {};
  const find = async (path: string, label: string) =>
    ((await call(apiUrl, 'GET', `${path}?limit=100`, { token })).json?.items ?? []).find(
      (x: { name?: string }) => x.name === label,
    ) as { id: string } | undefined;
  const connector =
    (await find('/connectors', `${name} hook`)) ??
    (
      await call(apiUrl, 'POST', '/connectors', {
        token,
        body: { brandId, name: `${name} hook`, config: { source: 'webhook' } },
      })
    ).json;
  if (connector?.id) ids.connectorId = connector.id;
  const integration =
    (await find('/integrations', `${name} CRM`)) ??
    (
      await call(apiUrl, 'POST', '/integrations', {
        token,
        // Loopback is allowed by the local outbound policy; nothing listens there, deliveries simply fail.
        body: {
          name: `${name} CRM`,
          kind: 'webhook',
          url: 'http://127.0.0.1:9/hook',
          secret: 'resilience-secret-0123456789',
        },
      })
    ).json;
  if (integration?.id) ids.integrationId = integration.id;
  const action = (await call(apiUrl, 'GET', '/actions?limit=1', { token })).json?.items?.[0];
  if (action?.id) ids.actionId = action.id;
  return ids;
}

/**
 * Tenant A is the seeded demo workspace (it has a member of every role); tenant B is the seeded Globex workspace
 * (owner only). Each gets a small brand with a finished run.
 */
export async function twoTenants(stack: Stack): Promise<{ a: TenantWorld; b: TenantWorld }> {
  const aTokens = {} as Record<Role, string>;
  for (const role of ['owner', 'admin', 'analyst', 'viewer'] as const) {
    const [email, password] = DEMO[role];
    aTokens[role] = await tokenFor(stack.url, email, password);
  }
  const bOwner = await tokenFor(stack.url, OTHER_TENANT_OWNER.email, OTHER_TENANT_OWNER.password);
  const bTenant = (await call(stack.apiUrl, 'GET', '/workspaces/current', { token: bOwner })).json.id as string;

  const world = async (tenantId: string, tokens: TenantWorld['tokens'], name: string): Promise<TenantWorld> => {
    const owner = tokens.owner;
    const ids = await smallBrandWithRun(stack.apiUrl, owner, name);
    const members = await call(stack.apiUrl, 'GET', '/members?limit=100', { token: owner });
    const emails = members.json.items.map((m: { email: string }) => m.email) as string[];
    return {
      tenantId,
      tokens,
      ids: { ...ids, userId: members.json.items[0].userId, version: '1' },
      secrets: [tenantId, ids.brandId, ids.runId, name, ...emails],
    };
  };
  return {
    a: await world(stack.demoTenantId, aTokens, BRAND_NAME.a),
    b: await world(bTenant, { owner: bOwner }, BRAND_NAME.b),
  };
}

/** Runs `tasks` with at most `limit` in flight; returns their results in order. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

export const setFaults = (stack: Stack, faults: unknown) =>
  fetch(`${stack.simulatorUrl}/_control/faults`, { method: 'PUT', body: JSON.stringify(faults) });

export async function simulatorStats(stack: Stack): Promise<Record<string, { requests: number }>> {
  return (await fetch(`${stack.simulatorUrl}/_control/stats`)).json() as Promise<Record<string, { requests: number }>>;
}
