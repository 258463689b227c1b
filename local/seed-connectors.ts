import type { ConnectorInputParsed } from '#shared/contracts/connectors.ts';
import { isTenantId } from '#shared/domain/workspace.ts';
import { createConnector } from '#shared/use-cases/connectors.ts';

/**
 * Demo connectors for the seeded workspace's brand, pointing at the local replay server (docs/connectors.md): Reddit
 * search, X search, the brand's Facebook Page, two news feeds and a webhook. Created through the same use case as the
 * API (validated, audited); only when the workspace has no connectors yet, so a restart does not add copies.
 */
export async function seedDemoConnectors(options: { tenantId: string; feedsBaseUrl: string | null }) {
  const { createConnectorDeps } = await import('../functions/handlers/connectors/deps.ts');
  const { createDocumentClient } = await import('../functions/adapters/aws/clients.ts');
  const { DynamoDbBrandRepository } = await import('../functions/adapters/aws/dynamodb-brand-repository.ts');
  const { readBaseConfig } = await import('../functions/config.ts');
  const { admin } = createConnectorDeps();
  const tenantId = options.tenantId;
  if (!isTenantId(tenantId)) return { created: 0 };
  const existing = await admin.connectors.list(tenantId, { limit: 1 });
  if (existing.items.length > 0) return { created: 0 };
  const config = readBaseConfig();
  const brands = new DynamoDbBrandRepository(createDocumentClient(config), config.TABLE_NAME);
  const brand = (await brands.listBrands(tenantId, { limit: 25 })).items[0];
  if (!brand) return { created: 0 };
  const actor = {
    tenantId,
    userId: 'seed',
    email: null,
    claimedRole: 'owner' as const,
    role: 'owner' as const,
  };
  const inputs: ConnectorInputParsed[] = [
    {
      brandId: brand.id,
      name: `Reddit: “${brand.name}”`,
      intervalMinutes: 15,
      config: {
        source: 'reddit',
        mode: 'search',
        query: `"${brand.name}"`,
        includeComments: true,
        maxCommentsPerPost: 20,
        // The demo reads as far back as a user may choose, so its charts have history from the first poll.
        backfillHours: 720,
      },
    },
    {
      brandId: brand.id,
      name: `X: “${brand.name}”`,
      intervalMinutes: 15,
      config: { source: 'x', query: `"${brand.name}" -is:retweet`, backfillHours: 168 },
    },
    {
      brandId: brand.id,
      name: `${brand.name} Facebook Page`,
      intervalMinutes: 30,
      config: { source: 'meta', pageId: 'acmeanalytics', includeComments: true, backfillHours: 720 },
    },
    {
      brandId: brand.id,
      name: 'Support desk webhook',
      intervalMinutes: 15,
      config: { source: 'webhook', toleranceSeconds: 300 },
    },
  ];
  if (options.feedsBaseUrl) {
    inputs.push(
      {
        brandId: brand.id,
        name: 'TechWire (RSS)',
        intervalMinutes: 30,
        config: { source: 'rss', feedUrl: `${options.feedsBaseUrl}/techwire.xml` },
      },
      {
        brandId: brand.id,
        name: 'Data Daily (Atom)',
        intervalMinutes: 30,
        config: { source: 'rss', feedUrl: `${options.feedsBaseUrl}/datadaily.atom` },
      },
    );
  }
  for (const input of inputs) await createConnector(admin, actor, input);
  return { created: inputs.length };
}
