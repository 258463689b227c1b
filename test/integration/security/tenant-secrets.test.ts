import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { integrationKeys } from '../../../functions/adapters/aws/dynamodb-action-integrations.ts';
import { connectorKeys } from '../../../functions/adapters/aws/dynamodb-connector-repository.ts';
import { createKmsClient, KmsSecretSealer } from '../../../functions/adapters/aws/kms-secret-sealer.ts';
import { type CrmReceiver, startCrmReceiver } from '../../../local/crm-receiver/index.ts';
import { LOCAL_SECRETS_KEY_ALIAS } from '../../../local/emulators/kms.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';
import { call } from '../../support/api.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

/**
 * Tenant secrets are sealed before they are stored (KMS envelope encryption bound to the tenant), against the local
 * KMS emulator through the real SDK, and DynamoDB Local read raw.
 */
const stack = inject('stack');
const SECRET = 'sealed-integration-secret-9876543210';
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: 'us-east-1',
    endpoint: stack.dynamodbEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
);
const kms = () =>
  createKmsClient({ AWS_REGION: 'us-east-1', KMS_ENDPOINT: `${stack.url.replace('localhost', '127.0.0.1')}/kms` });

let crm: CrmReceiver;
beforeAll(async () => {
  crm = await startCrmReceiver({ secret: SECRET });
});
afterAll(async () => {
  await crm?.stop();
});

describe('tenant secrets at rest', () => {
  it('an integration secret is stored sealed, never in plain text, and deliveries are still signed with it', {
    timeout: 60_000,
  }, async () => {
    const account = await freshAccount(stack, 'sealed-owner');
    const { token, tenantId } = await ownerOfNewWorkspace(
      stack.url,
      stack.apiUrl,
      account.email,
      account.password,
      'Sealed Co',
    );
    const created = await call(stack.apiUrl, 'POST', '/integrations', {
      token,
      body: { name: 'Sealed CRM', kind: 'webhook', url: crm.webhookUrl, secret: SECRET },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json.secretHint).toBe('…3210');

    const { Item } = await db.send(
      new GetCommand({
        TableName: RESOURCE_NAMES.table,
        Key: integrationKeys.integration(tenantId as TenantId, created.json.id as string),
      }),
    );
    expect(Item).toBeDefined();
    expect(Item).not.toHaveProperty('secret');
    expect(Item?.sealedSecret).toMatchObject({ v: 1 });
    expect(JSON.stringify(Item)).not.toContain(SECRET);
    expect(JSON.stringify(Item)).not.toContain(Buffer.from(SECRET).toString('base64'));

    const test = await call(stack.apiUrl, 'POST', `/integrations/${created.json.id}/test`, { token });
    expect(test.status, JSON.stringify(test.json)).toBe(200);
    expect(crm.received().at(-1)).toMatchObject({ signatureValid: true });

    // A webhook connector's signing secret: shown once, stored sealed.
    const brand = await call(stack.apiUrl, 'POST', '/brands', {
      token,
      body: { name: 'Sealed Brand', category: 'Product analytics', competitors: [{ name: 'Rival' }] },
    });
    expect(brand.status).toBe(201);
    const connector = await call(stack.apiUrl, 'POST', '/connectors', {
      token,
      body: { brandId: brand.json.id, name: 'Sealed hook', config: { source: 'webhook' } },
    });
    expect(connector.status, JSON.stringify(connector.json)).toBe(201);
    const shown = connector.json.webhookSecret.value as string;
    const stored = await db.send(
      new GetCommand({
        TableName: RESOURCE_NAMES.table,
        Key: connectorKeys.connector(tenantId as TenantId, connector.json.id as string),
      }),
    );
    expect(stored.Item?.secrets).toHaveLength(1);
    expect(stored.Item?.secrets[0].sealed).toMatchObject({ v: 1 });
    expect(JSON.stringify(stored.Item)).not.toContain(shown);
  });

  it('a sealed secret opens only for its own tenant and only unaltered (KMS refuses the data key otherwise)', async () => {
    const sealer = new KmsSecretSealer(kms(), LOCAL_SECRETS_KEY_ALIAS);
    const a = 'ws_01hzzzzzzzzzzzzzzzzzzzzzza' as TenantId;
    const b = 'ws_01hzzzzzzzzzzzzzzzzzzzzzzb' as TenantId;
    const sealed = await sealer.seal(a, SECRET);
    expect(await sealer.open(a, sealed)).toBe(SECRET);
    // A fresh container (no cached data keys) asks KMS, which checks the tenant in the encryption context.
    const fresh = new KmsSecretSealer(kms(), LOCAL_SECRETS_KEY_ALIAS);
    expect(await fresh.open(a, sealed)).toBe(SECRET);
    await expect(new KmsSecretSealer(kms(), LOCAL_SECRETS_KEY_ALIAS).open(b, sealed)).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await expect(fresh.open(a, { ...sealed, data: flipped.toString('base64') })).rejects.toThrow();
    await expect(new KmsSecretSealer(kms(), 'alias/not-a-key').seal(a, SECRET)).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });
});
