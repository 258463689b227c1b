import type { TenantId } from '#shared/domain/workspace.ts';
import { LOCAL_CRM_SECRET } from './event-bus/index.ts';

export const DEMO_INTEGRATION_NAME = 'Local CRM (demo)';

/**
 * Gives the seeded workspace a signed-webhook integration pointing at the local CRM receiver. Idempotent: on a
 * restart (the receiver's port may change) the existing integration's URL is moved to the current receiver.
 */
export async function seedDemoActions(options: { tenantId: string; crmWebhookUrl: string; now?: () => Date }) {
  const { createDocumentClient } = await import('../functions/adapters/aws/clients.ts');
  const { readBaseConfig } = await import('../functions/config.ts');
  const { DynamoDbIntegrationRepository } = await import('../functions/adapters/aws/dynamodb-action-integrations.ts');
  const { ulidGenerator } = await import('../functions/adapters/system.ts');
  const { secretSealerFromConfig } = await import('../functions/adapters/aws/kms-secret-sealer.ts');
  const config = readBaseConfig();
  const db = createDocumentClient(config);
  try {
    const repo = new DynamoDbIntegrationRepository(db, config.TABLE_NAME, secretSealerFromConfig(config));
    const tenantId = options.tenantId as TenantId;
    const at = (options.now?.() ?? new Date()).toISOString();
    const audit = (action: string, id: string, summary: string) => ({
      id: `aud_${ulidGenerator.next().toLowerCase()}`,
      at,
      actor: { userId: 'local-seed', email: null },
      action,
      target: { type: 'integration', id },
      summary,
      changes: [],
    });
    const existing = (await repo.list(tenantId)).find((i) => i.name === DEMO_INTEGRATION_NAME);
    if (existing) {
      if (existing.url === options.crmWebhookUrl) return;
      await repo.update(
        tenantId,
        { ...existing, url: options.crmWebhookUrl, updatedAt: at, version: existing.version + 1 },
        audit('integration.updated', existing.id, 'Local CRM receiver moved (seed)'),
      );
      return;
    }
    const id = `int_${ulidGenerator.next().toLowerCase()}`;
    await repo.create(
      tenantId,
      {
        id,
        name: DEMO_INTEGRATION_NAME,
        kind: 'webhook',
        url: options.crmWebhookUrl,
        events: ['action.created', 'action.updated'],
        enabled: true,
        secret: LOCAL_CRM_SECRET,
        secretHint: `…${LOCAL_CRM_SECRET.slice(-4)}`,
        lastDelivery: null,
        createdAt: at,
        updatedAt: at,
        version: 1,
      },
      audit('integration.created', id, `Integration “${DEMO_INTEGRATION_NAME}” (webhook) created (seed)`),
    );
  } finally {
    db.destroy();
  }
}
