import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ModelCatalogue } from '#shared/domain/model-catalogue.ts';
import type { ModelCatalogueStore } from '#shared/ports/model-catalogue.ts';

/**
 * The model catalogue, one item for the whole service (models are the providers', not a tenant's: like the user
 * directory, this key does not start with a tenant id). Stored as one JSON string: the list is read whole, and a
 * few hundred models stay far under DynamoDB's 400 KB item limit.
 */
export const MODEL_CATALOGUE_KEY = { pk: 'CATALOGUE#MODELS', sk: 'CURRENT' } as const;

export class DynamoDbModelCatalogueStore implements ModelCatalogueStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Another key keeps a test's catalogue apart from the service's. */
    private readonly key: { pk: string; sk: string } = MODEL_CATALOGUE_KEY,
  ) {}

  async get(): Promise<ModelCatalogue | null> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.key, ConsistentRead: true }),
    );
    const body = result.Item?.['body'];
    if (typeof body !== 'string') return null;
    try {
      const parsed = JSON.parse(body) as ModelCatalogue;
      return Array.isArray(parsed.models) ? parsed : null;
    } catch {
      // A damaged record must not take the offer down: the baseline catalogue is used until the next refresh.
      return null;
    }
  }

  async put(catalogue: ModelCatalogue): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...this.key,
          type: 'ModelCatalogue',
          updatedAt: catalogue.updatedAt,
          body: JSON.stringify(catalogue),
        },
      }),
    );
  }
}
