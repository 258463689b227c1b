import { GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/aws/clients.ts';
import { DynamoDbSignalStore, signalKeys } from '../../../functions/adapters/aws/dynamodb-signal-store.ts';
import { S3RawAnswerStore } from '../../../functions/adapters/aws/s3-raw-answer-store.ts';
import { ulidGenerator } from '../../../functions/adapters/system.ts';
import { localS3Client } from '../../../local/emulators/s3.ts';
import { sweepExpiredItems, sweepLakeLifecycle } from '../../../local/lifecycle-sweeper.ts';
import { RETENTION_TAG_KEY, type RetentionPolicy } from '../../../shared/domain/retention.ts';
import { LAKE_RETENTION_RULES } from '../../../shared/infra/lake-retention-rules.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';
import { signalFactOf } from '../../../shared/signals/rollups.ts';
import { call } from '../../support/api.ts';
import { freshAccount, ownerOfNewWorkspace, tokenFor } from '../../support/sessions.ts';
import { signalEvent } from '../../support/signals-fixtures.ts';

const stack = inject('stack');
const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
const s3 = localS3Client(stack.s3Endpoint);
const bucket = RESOURCE_NAMES.lakeBucket;
const table = RESOURCE_NAMES.table;
afterAll(() => {
  db.destroy();
  s3.destroy();
});
const DAY = 86_400_000;

const tagOf = async (key: string) =>
  (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet?.find(
    (t) => t.Key === RETENTION_TAG_KEY,
  )?.Value;
const exists = (key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );

describe('retention settings: the route, the tags and TTLs written, and the local lifecycle emulation', () => {
  it('an owner sets them (audited, If-Match); an admin may read but not change them', async () => {
    const account = await freshAccount(stack, 'retention-owner');
    const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Retention Co');
    const initial = await call(stack.apiUrl, 'GET', '/workspaces/current/retention', { token: owner.token });
    expect(initial.status).toBe(200);
    expect(initial.json).toMatchObject({ rawAnswers: 'keep', posts: 'keep', version: 0 });
    const bad = await call(stack.apiUrl, 'PUT', '/workspaces/current/retention', {
      token: owner.token,
      headers: { 'if-match': '"0"' },
      body: { rawAnswers: 45, posts: 'keep' },
    });
    expect(bad.status).toBe(400);
    const saved = await call(stack.apiUrl, 'PUT', '/workspaces/current/retention', {
      token: owner.token,
      headers: { 'if-match': '"0"' },
      body: { rawAnswers: 30, posts: 90 },
    });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    expect(saved.json).toMatchObject({ rawAnswers: 30, posts: 90, version: 1, appliesTo: 'items_stored_after_change' });
    const stale = await call(stack.apiUrl, 'PUT', '/workspaces/current/retention', {
      token: owner.token,
      headers: { 'if-match': '"0"' },
      body: { rawAnswers: 'keep', posts: 'keep' },
    });
    expect(stale.status).toBe(412);
    const audit = await call(stack.apiUrl, 'GET', '/audit', { token: owner.token });
    const entry = audit.json.items.find((e: { action: string }) => e.action === 'retention.updated');
    expect(entry?.changes).toEqual([
      { field: 'rawAnswers', before: 'keep', after: 30 },
      { field: 'posts', before: 'keep', after: 90 },
    ]);

    const member = await freshAccount(stack, 'retention-admin');
    const invited = await call(stack.apiUrl, 'POST', '/members', {
      token: owner.token,
      body: { email: member.email, role: 'admin' },
    });
    expect(invited.status).toBe(201);
    const adminToken = await tokenFor(stack.url, member.email, member.password);
    expect((await call(stack.apiUrl, 'GET', '/workspaces/current/retention', { token: adminToken })).status).toBe(200);
    const refused = await call(stack.apiUrl, 'PUT', '/workspaces/current/retention', {
      token: adminToken,
      headers: { 'if-match': '"1"' },
      body: { rawAnswers: 'keep', posts: 'keep' },
    });
    expect(refused.status).toBe(403);
  });

  it('raw answers carry their tag (s3rver keeps PutObject’s tags like S3); the sweep expires by rule and age only', async () => {
    const store = new S3RawAnswerStore(s3, bucket);
    const prefix = `tenants/ws_${ulidGenerator.next().toLowerCase()}/raw-answers/brand=b/run=r`;
    const keys = { d30: `${prefix}/a30.json`, d90: `${prefix}/a90.json`, keep: `${prefix}/keep.json` };
    await store.put(keys.d30, { a: 1 }, { retention: 30 });
    await store.put(keys.d90, { a: 2 }, { retention: 90 });
    await store.put(keys.keep, { a: 3 });
    // An object nobody tagged (a lake file): no rule matches it.
    const untagged = `${prefix}/untagged.json`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: untagged, Body: '{}' }));
    expect([await tagOf(keys.d30), await tagOf(keys.d90), await tagOf(keys.keep)]).toEqual(['30d', '90d', 'keep']);
    // Overwritten without a tag, an object loses it (as in S3).
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/retag.json`, Body: '{}', Tagging: 'a=b' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/retag.json`, Body: '{}' }));
    expect(await tagOf(`${prefix}/retag.json`)).toBeUndefined();

    const sweep = (days: number) =>
      sweepLakeLifecycle({ s3, bucket, rules: LAKE_RETENTION_RULES, now: new Date(Date.now() + days * DAY) });
    await sweep(29);
    expect(await Promise.all(Object.values(keys).map(exists))).toEqual([true, true, true]);
    const after31 = await sweep(31);
    expect(after31.expired).toBeGreaterThanOrEqual(1);
    expect(await Promise.all([...Object.values(keys), untagged].map(exists))).toEqual([false, true, true, true]);
    await sweep(91);
    expect(await Promise.all([...Object.values(keys), untagged].map(exists))).toEqual([false, false, true, true]);
    await sweep(10_000);
    expect(await exists(keys.keep)).toBe(true);
    expect(await exists(untagged)).toBe(true);
  });

  it('posts (feed item, top posts) get the TTL of the posts choice; counters keep none; the TTL sweep removes them', async () => {
    const tenantId = `ws_${ulidGenerator.next().toLowerCase()}`;
    const brandId = 'brd_01m8a8at00000000000000000b';
    const policy: RetentionPolicy = { rawAnswers: 'keep', posts: 30 };
    const now = new Date();
    const store = new DynamoDbSignalStore(db, table, {
      now: () => now,
      retention: { of: async () => policy },
    });
    const fact = signalFactOf(
      signalEvent({ tenantId, brandId, externalId: 'ret1', publishedAt: now.toISOString(), sentiment: -0.6 }),
    );
    expect(await store.apply(fact)).toBe('applied');
    const partition = async (pk: string) =>
      (
        await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
          }),
        )
      ).Items ?? [];
    const feed = await partition(signalKeys.feedPartition(tenantId));
    const top = await partition(signalKeys.topPartition(tenantId, brandId, fact.day));
    const days = await partition(signalKeys.dayPartition(tenantId, brandId));
    const expected = Math.floor(now.getTime() / 1000) + 30 * 86_400;
    expect(feed.map((i) => i.expiresAt)).toEqual([expected]);
    expect(top.length).toBeGreaterThanOrEqual(2);
    expect(top.every((i) => i.expiresAt === expected)).toBe(true);
    expect(days.every((i) => i.expiresAt === undefined)).toBe(true);

    await sweepExpiredItems({ db, tableName: table, now: new Date(now.getTime() + 29 * DAY), keyPrefix: tenantId });
    expect(await partition(signalKeys.feedPartition(tenantId))).toHaveLength(1);
    await sweepExpiredItems({ db, tableName: table, now: new Date(now.getTime() + 31 * DAY), keyPrefix: tenantId });
    expect(await partition(signalKeys.feedPartition(tenantId))).toHaveLength(0);
    expect(await partition(signalKeys.topPartition(tenantId, brandId, fact.day))).toHaveLength(0);
    expect((await partition(signalKeys.dayPartition(tenantId, brandId))).length).toBe(days.length);
  });
});
