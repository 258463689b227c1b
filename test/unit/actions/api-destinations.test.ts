import { describe, expect, it } from 'vitest';
import { applyInputTransformer } from '../../../local/event-bus/api-destinations.ts';
import {
  apiDestinationEventPattern,
  apiDestinationInputTransformer,
  apiDestinationName,
  crmTaskFields,
} from '../../../shared/actions/crm-task.ts';
import { integrationMessage } from '../../../shared/actions/payloads.ts';
import type { ActionEventDetail } from '../../../shared/contracts/actions.ts';
import type { TenantPrincipal } from '../../../shared/domain/principal.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import type { IntegrationRecord, IntegrationRepository } from '../../../shared/ports/actions.ts';
import type { ApiDestinationProvisioner } from '../../../shared/ports/api-destinations.ts';
import {
  createIntegration,
  deleteIntegration,
  type IntegrationDeps,
  subscribersOf,
  updateIntegration,
} from '../../../shared/use-cases/integrations.ts';

const TENANT = 'ws_01jfzzzzzzzzzzzzzzzzzzzzzz' as TenantId;

function detail(overrides: Partial<ActionEventDetail['action']> = {}): ActionEventDetail {
  const action: ActionEventDetail['action'] = {
    id: 'act_01jf0000000000000000000000',
    brandId: 'brd_1',
    type: 'content_gap',
    title: 'Answer "pricing" questions\nwith a comparison page',
    rationale: 'Competitors are cited; we are not. Back\\slash and “quotes”.',
    status: 'in_progress',
    priority: 81,
    urgency: 'medium',
    owner: null,
    dueDate: null,
    url: 'https://app.example.com/actions/act_1',
    updatedAt: '2026-12-08T00:00:00.000Z',
    version: 3,
    ...overrides,
  };
  return { tenantId: TENANT, action, change: 'updated', crm: crmTaskFields(action) };
}

describe('API destination names, patterns and input transformers', () => {
  it('derives names inside EventBridge’s limits from the tenant and integration ids', () => {
    const name = apiDestinationName(TENANT, 'int_01jfzzzzzzzzzzzzzzzzzzzzzz');
    expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
    expect(name).toBe('ppcrm-01jfzzzzzzzzzzzzzzzzzzzzzz-01jfzzzzzzzzzzzzzzzzzzzzzz');
    expect(apiDestinationName(TENANT, 'int_01jfzzzzzzzzzzzzzzzzzzzzzy')).not.toBe(name);
    expect(() => apiDestinationName(TENANT, `int_${'x'.repeat(40)}`)).toThrow(/EventBridge name/);
  });

  it('matches only the tenant’s subscribed events', () => {
    expect(apiDestinationEventPattern('promptpulse.actions', TENANT, ['action.updated'])).toEqual({
      source: ['promptpulse.actions'],
      'detail-type': ['promptpulse.action.updated'],
      detail: { tenantId: [TENANT] },
    });
  });

  for (const kind of ['hubspot', 'salesforce'] as const) {
    for (const dueDate of [null, '2026-12-24']) {
      it(`the ${kind} transformer yields exactly the Lambda path's body (due ${dueDate ?? 'none'})`, () => {
        const d = detail({ dueDate });
        const event = {
          version: '0',
          'detail-type': 'promptpulse.action.updated',
          source: 'promptpulse.actions',
          detail: d,
        };
        const transformed = applyInputTransformer(apiDestinationInputTransformer(kind), event);
        expect(JSON.parse(transformed)).toEqual(
          JSON.parse(integrationMessage(kind, 'action.updated', d, 'dlv', 's').body),
        );
      });
    }
  }

  it('keeps the webhook body free of the rendered CRM fields', () => {
    const body = JSON.parse(integrationMessage('webhook', 'action.updated', detail(), 'dlv_1', 's').body);
    expect(body).not.toHaveProperty('crm');
    expect(body.action.id).toBe('act_01jf0000000000000000000000');
  });
});

function fakes(withDestinations: boolean) {
  const store = new Map<string, IntegrationRecord>();
  const calls: string[] = [];
  const integrations = {
    list: async () => [...store.values()],
    get: async (_t: TenantId, id: string) => store.get(id) ?? null,
    create: async (_t: TenantId, r: IntegrationRecord) => void store.set(r.id, r),
    update: async (_t: TenantId, r: IntegrationRecord) => void store.set(r.id, r),
    delete: async (_t: TenantId, id: string) => void store.delete(id),
  } as unknown as IntegrationRepository;
  const destinations: ApiDestinationProvisioner = {
    upsert: async (_t, r) => void calls.push(`upsert ${r.kind} ${r.enabled ? 'enabled' : 'disabled'}`),
    remove: async () => void calls.push('remove'),
  };
  let n = 0;
  const deps = {
    integrations,
    urls: { assertAllowed: async () => {} },
    clock: { now: () => new Date('2026-12-08T00:00:00Z') },
    ids: { next: () => `01jf${String(++n).padStart(22, '0')}` },
    destinations: withDestinations ? destinations : undefined,
    apiDestinations: withDestinations,
  } as unknown as IntegrationDeps;
  return { deps, calls, store };
}

const admin = {
  tenantId: TENANT,
  userId: 'usr_1',
  email: 'a@example.com',
  role: 'admin',
} as unknown as TenantPrincipal;
const input = (kind: 'webhook' | 'hubspot' | 'salesforce', enabled = true) => ({
  name: kind,
  kind,
  url: 'https://crm.example.com/x',
  secret: 'secret-0123456789abcdef',
  events: ['action.created' as const],
  enabled,
});

describe('the integrations use case provisions API destinations for HubSpot / Salesforce', () => {
  it('creates, updates (disabled, then turned into a webhook) and deletes them in step', async () => {
    const { deps, calls } = fakes(true);
    const hubspot = await createIntegration(deps, admin, input('hubspot'));
    await createIntegration(deps, admin, input('webhook'));
    expect(calls).toEqual(['upsert hubspot enabled']);
    await updateIntegration(deps, admin, hubspot.id, 1, input('salesforce', false));
    expect(calls.at(-1)).toBe('upsert salesforce disabled');
    await updateIntegration(deps, admin, hubspot.id, 2, input('webhook'));
    expect(calls.at(-1)).toBe('remove');
    const sf = await createIntegration(deps, admin, input('salesforce'));
    await deleteIntegration(deps, admin, sf.id, 1);
    expect(calls).toEqual([
      'upsert hubspot enabled',
      'upsert salesforce disabled',
      'remove',
      'upsert salesforce enabled',
      'remove',
    ]);
  });

  it('leaves HubSpot / Salesforce out of the Lambda path only when API destinations deliver them', async () => {
    const event = { type: 'promptpulse.action.created' as const, detail: detail() };
    for (const on of [true, false]) {
      const { deps } = fakes(on);
      await createIntegration(deps, admin, input('hubspot'));
      await createIntegration(deps, admin, input('webhook'));
      const kinds = (await subscribersOf(deps, TENANT, event)).map((i) => i.kind).sort();
      expect(kinds).toEqual(on ? ['webhook'] : ['hubspot', 'webhook']);
    }
  });

  it('takes the bus side back down when storing the integration fails', async () => {
    const { deps, calls } = fakes(true);
    (deps.integrations as { create: unknown }).create = async () => {
      throw new Error('conditional check failed');
    };
    await expect(createIntegration(deps, admin, input('hubspot'))).rejects.toThrow('conditional');
    expect(calls).toEqual(['upsert hubspot enabled', 'remove']);
  });
});
