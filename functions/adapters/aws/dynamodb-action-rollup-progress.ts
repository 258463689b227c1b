import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Whether the aggregation consumer has counted an event yet (its idempotency marker exists). A brand's events
 * share one shard in order, so once `run.completed` is counted, every answer of the run before it is too: the
 * engine then reads complete rollups. Key layout: `rollupKeys.eventMarker` in dynamodb-rollup-store.ts.
 */
export class DynamoDbRollupProgress {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async isCounted(tenantId: string, eventId: string): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `${tenantId}#EVENT#${eventId}`, sk: `EVENT#${eventId}` },
        ConsistentRead: true,
        ProjectionExpression: 'pk',
      }),
    );
    return Item !== undefined;
  }
}
