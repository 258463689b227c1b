import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/aws/clients.ts';
import { DynamoDbRateLimiter } from '../../../functions/adapters/aws/dynamodb-rate-limiter.ts';

const stack = inject('stack');
const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
afterAll(() => db.destroy());

describe('DynamoDB rate limiter (DynamoDB Local)', () => {
  it('lets exactly `limit` of 60 concurrent hits through in one window, and fails open when the table is gone', async () => {
    const limiter = new DynamoDbRateLimiter(db, 'promptpulse-main');
    const key = { partition: `RATE#test#${Date.now()}`, name: 'GET /x' };
    const now = new Date();
    const decisions = await Promise.all(
      Array.from({ length: 60 }, () => limiter.hit(key, { limit: 20, windowSeconds: 3600 }, now)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds > 0)).toBe(true);
    const warn = { warn: () => {} } as never;
    const broken = new DynamoDbRateLimiter(db, 'no-such-table', warn);
    expect(await broken.hit(key, { limit: 0, windowSeconds: 60 }, now)).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
    });
  });
});
