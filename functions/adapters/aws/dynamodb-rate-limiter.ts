import type { Logger } from '@aws-lambda-powertools/logger';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type RateDecision, type RateLimiter, type RateRule, windowOf } from '#shared/ports/rate-limiter.ts';

/** Where a limiter problem is reported; it never fails a request. */
export type RateLimiterLogger = Pick<Logger, 'warn'>;

/**
 * Fixed-window counters in the single table, shared by every function instance: one atomic `ADD hits :1` per hit on
 * `{pk: partition, sk: RATE#<name>#<window start>}`, expiring by TTL one window after the window ends. If the table
 * cannot be reached the hit is allowed (fail open: the limiter protects the service, it must not take it down).
 */
export class DynamoDbRateLimiter implements RateLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly logger?: RateLimiterLogger,
  ) {}

  async hit(key: { partition: string; name: string }, rule: RateRule, now: Date): Promise<RateDecision> {
    const { start, end } = windowOf(now, rule.windowSeconds);
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key.partition, sk: `RATE#${key.name}#${start}` },
          UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :expires)',
          ExpressionAttributeValues: { ':one': 1, ':expires': end + rule.windowSeconds },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const hits = Number(Attributes?.hits ?? 0);
      const seconds = Math.floor(now.getTime() / 1000);
      return hits > rule.limit
        ? { allowed: false, retryAfterSeconds: Math.max(1, end - seconds) }
        : { allowed: true, retryAfterSeconds: 0 };
    } catch (error) {
      this.logger?.warn('Rate limiter unavailable; request allowed', { error: (error as Error)?.name });
      return { allowed: true, retryAfterSeconds: 0 };
    }
  }
}
