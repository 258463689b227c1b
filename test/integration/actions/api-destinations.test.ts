import {
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EventBridgeActionBus } from '../../../functions/adapters/aws/eventbridge-action-bus.ts';
import { EventBridgeApiDestinationProvisioner } from '../../../functions/adapters/aws/eventbridge-api-destinations.ts';
import { type CrmReceiver, startCrmReceiver } from '../../../local/crm-receiver/index.ts';
import { apiDestinationName, crmTaskFields } from '../../../shared/actions/crm-task.ts';
import { integrationMessage } from '../../../shared/actions/payloads.ts';
import type { ActionEventDetail } from '../../../shared/contracts/actions.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import type { ActionBusEvent, IntegrationRecord } from '../../../shared/ports/actions.ts';
import { call } from '../../support/api.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

const stack = inject('stack');
const BUS = 'promptpulse-actions';
const SECRET = 'hubspot-private-app-token-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let crm: CrmReceiver;
let client: EventBridgeClient;
beforeAll(async () => {
  crm = await startCrmReceiver({ secret: SECRET });
  client = new EventBridgeClient({
    region: 'us-east-1',
    endpoint: stack.eventBridgeEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client?.destroy();
  await crm?.stop();
});

function actionEvent(tenantId: string, title: string): ActionBusEvent {
  const detail: ActionEventDetail = {
    tenantId,
    action: {
      id: `act_${Math.random().toString(36).slice(2, 12)}`,
      brandId: 'brd_x',
      type: 'content_gap',
      title,
      rationale: 'Competitors are cited for "pricing" answers; we are not.',
      status: 'open',
      priority: 72,
      urgency: 'high',
      owner: null,
      dueDate: '2026-12-20',
      url: 'http://localhost:4000/actions/act_x',
      updatedAt: '2026-12-08T00:00:00.000Z',
      version: 1,
    },
    change: 'created',
  };
  return { type: 'promptpulse.action.created', detail: { ...detail, crm: crmTaskFields(detail.action) } };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const notFound = (send: Promise<unknown>) => expect(send).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

describe('HubSpot / Salesforce integrations through EventBridge API destinations (docs/actions.md#api-destinations)', () => {
  it('the API provisions connection, destination and a tenant rule; an action event reaches the CRM as a HubSpot task with the bearer token; delete removes them', {
    timeout: 120_000,
  }, async () => {
    const account = await freshAccount(stack, 'apidest');
    const { token, tenantId } = await ownerOfNewWorkspace(
      stack.url,
      stack.apiUrl,
      account.email,
      account.password,
      'API Dest Co',
    );
    const created = await call(stack.apiUrl, 'POST', '/integrations', {
      token,
      body: { name: 'HubSpot', kind: 'hubspot', url: `${crm.url}/crm/v3/objects/tasks`, secret: SECRET },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const integrationId = created.json.id as string;
    const name = apiDestinationName(tenantId, integrationId);
    expect(name.length).toBeLessThanOrEqual(64);

    const rule = await client.send(new DescribeRuleCommand({ Name: name, EventBusName: BUS }));
    expect(rule.State).toBe('ENABLED');
    expect(JSON.parse(rule.EventPattern ?? '{}')).toMatchObject({ detail: { tenantId: [tenantId] } });
    const destination = await client.send(new DescribeApiDestinationCommand({ Name: name }));
    expect(destination.InvocationEndpoint).toBe(`${crm.url}/crm/v3/objects/tasks`);
    const connection = await client.send(new DescribeConnectionCommand({ Name: name }));
    expect(connection.AuthorizationType).toBe('API_KEY');
    expect(JSON.stringify(connection)).not.toContain(SECRET);
    const targets = await client.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: BUS }));
    expect(targets.Targets?.[0]).toMatchObject({ RetryPolicy: { MaximumRetryAttempts: 8 } });
    expect(targets.Targets?.[0]?.DeadLetterConfig?.Arn).toMatch(/^arn:aws:sqs:/);

    // Another tenant's event does not match this tenant's rule; this tenant's does.
    const bus = new EventBridgeActionBus(client, BUS);
    const before = crm.received().length;
    const mine = actionEvent(tenantId, 'Publish a pricing comparison page');
    await bus.publish([actionEvent('ws_01jf0000000000000000000000', 'Someone else’s action'), mine]);
    const task = await until('the HubSpot task', () => crm.received().slice(before).at(-1));
    expect(task.authorization).toBe(`Bearer ${SECRET}`);
    expect(task.signatureValid).toBe(false);
    expect(task.path).toBe('/crm/v3/objects/tasks');
    // The body the Lambda path would send for the same event, field for field.
    expect(task.body).toEqual(
      JSON.parse(integrationMessage('hubspot', 'action.created', mine.detail, 'd', SECRET).body),
    );
    expect(task.title).toBe('Publish a pricing comparison page');
    await sleep(200);
    expect(crm.received().slice(before)).toHaveLength(1);

    const deleted = await call(stack.apiUrl, 'DELETE', `/integrations/${integrationId}`, {
      token,
      headers: { 'if-match': `"${created.json.version}"` },
    });
    expect(deleted.status, JSON.stringify(deleted.json)).toBe(204);
    await notFound(client.send(new DescribeRuleCommand({ Name: name, EventBusName: BUS })));
    await notFound(client.send(new DescribeApiDestinationCommand({ Name: name })));
    await notFound(client.send(new DescribeConnectionCommand({ Name: name })));
  });

  it('a CRM that is down is retried by the target’s retry policy, then the event lands in the dead-letter list', {
    timeout: 120_000,
  }, async () => {
    const tenantId = 'ws_01jf0000000000000000000001' as TenantId;
    const integration: IntegrationRecord = {
      id: 'int_01jf0000000000000000000001',
      name: 'Salesforce (down)',
      kind: 'salesforce',
      url: `${crm.url}/services/data/v60.0/sobjects/Task`,
      events: ['action.created'],
      enabled: true,
      secret: SECRET,
      secretHint: '…6789',
      lastDelivery: null,
      createdAt: '2026-12-08T00:00:00.000Z',
      updatedAt: '2026-12-08T00:00:00.000Z',
      version: 1,
    };
    const provisioner = new EventBridgeApiDestinationProvisioner(client, {
      busName: BUS,
      targetRoleArn: 'arn:aws:iam::000000000000:role/test',
      deadLetterQueueArn: 'arn:aws:sqs:us-east-1:000000000000:test-dlq',
      maximumRetryAttempts: 2,
    });
    await provisioner.upsert(tenantId, integration);
    crm.setDown(503);
    try {
      const event = actionEvent(tenantId, 'Refresh the integrations docs');
      await new EventBridgeActionBus(client, BUS).publish([event]);
      const name = apiDestinationName(tenantId, integration.id);
      const letter = await until('the dead letter', async () => {
        const res = await fetch(`${stack.eventBridgeEndpoint}/_dead-letters`);
        const { items } = (await res.json()) as {
          items: {
            ruleName: string;
            attempts: number;
            error: string;
            deadLetterArn: string;
            event: { detail: ActionEventDetail };
          }[];
        };
        return items.find((d) => d.ruleName === name);
      });
      // The first attempt and both retries, then the DLQ with the reason and the original event.
      expect(letter.attempts).toBe(3);
      expect(letter.error).toBe('HTTP 503');
      expect(letter.deadLetterArn).toBe('arn:aws:sqs:us-east-1:000000000000:test-dlq');
      expect(letter.event.detail.action.id).toBe(event.detail.action.id);
    } finally {
      crm.setDown(null);
      await provisioner.remove(tenantId, integration.id);
    }
    await notFound(
      client.send(new DescribeRuleCommand({ Name: apiDestinationName(tenantId, integration.id), EventBusName: BUS })),
    );
  });
});
