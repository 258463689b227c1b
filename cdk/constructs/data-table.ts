import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DELETION_LEDGER_PARTITION, TABLE_SCHEMA } from '../../shared/infra/resources.ts';

const ITEM_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
const ITEM_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

const TENANT_UPSERT_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:ConditionCheckItem',
];

/** Every tenant-owned key begins with the workspace id (`ws_<ulid>`, shared/domain/workspace.ts). */
export const TENANT_KEY_PATTERN = 'ws_*';

/**
 * The single DynamoDB table holding every tenant's operational data. Keys and indexes come from
 * `TABLE_SCHEMA`, the same definition the local emulator stack creates its table from.
 *
 * Stateful: on-demand billing, point-in-time recovery, deletion protection and RETAIN, so neither a stack
 * update nor a `cdk destroy` can lose tenant data.
 */
export interface DataTableProps {
  /**
   * RETAIN keeps the table (and turns deletion protection on) through any stack operation; DESTROY is for
   * disposable dev stages. @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class DataTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: DataTableProps = {}) {
    super(scope, id);
    const { gsi1 } = TABLE_SCHEMA.indexes;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          indexName: gsi1.name,
          partitionKey: { name: gsi1.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: gsi1.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    });
  }

  /**
   * Item reads, writes and transactions on the table plus queries on its indexes: what request handlers need.
   * Listed action by action (no `Scan`, no table management) and index by index (no `index/*`).
   */
  grantItemReadWrite(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...ITEM_READ_ACTIONS, ...ITEM_WRITE_ACTIONS],
      resourceArns: [this.table.tableArn],
    }).combine(this.grantIndexQuery(grantee));
  }

  /**
   * Item reads and upserts on the base table (`GetItem`, `Query`, `PutItem`, `UpdateItem`, `ConditionCheckItem`,
   * which is what `TransactWriteItems` checks per item), only on partition keys that begin with a tenant id
   * (`dynamodb:LeadingKeys` like {@link TENANT_KEY_PATTERN}): for platform consumers that serve every tenant but
   * never delete, batch-write, scan or use an index (the aggregation consumer).
   */
  grantTenantItemWrites(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...TENANT_UPSERT_ACTIONS],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TENANT_KEY_PATTERN] } },
    });
  }

  /**
   * `DeleteItem` on tenant partitions only (`dynamodb:LeadingKeys` like {@link TENANT_KEY_PATTERN}): for platform
   * consumers that clean up records of a tenant they serve, e.g. a WebSocket connection that has gone.
   */
  grantTenantItemDeletes(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:DeleteItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TENANT_KEY_PATTERN] } },
    });
  }

  /**
   * What the workspace purge (functions/handlers/lifecycle/purge.ts) needs and nothing more:
   * - `Scan` of the table (a tenant's items are found by the `<tenantId>#` key prefix; a Scan has no partition key,
   *   so `dynamodb:LeadingKeys` cannot narrow it, and it reads keys only: `ProjectionExpression: pk, sk`);
   * - `Query`, `DeleteItem` and `BatchWriteItem` (deletes) on tenant partitions only (`ws_*`);
   * - `DeleteItem` on the user directory (`USER#<id>`, conditioned on the tenant in the adapter);
   * - `GetItem`, `PutItem` and `Query` on the deletion ledger (`LIFECYCLE#DELETION`), its resumable state and tombstone.
   */
  grantTenantPurge(grantee: iam.IGrantable): iam.Grant {
    const on = (actions: string[], leadingKeys?: string[]) =>
      iam.Grant.addToPrincipal({
        grantee,
        actions,
        resourceArns: [this.table.tableArn],
        ...(leadingKeys ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } } } : {}),
      });
    return on(['dynamodb:Scan'])
      .combine(on(['dynamodb:Query', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'], [TENANT_KEY_PATTERN]))
      .combine(on(['dynamodb:DeleteItem'], ['USER#*']))
      .combine(on(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], [DELETION_LEDGER_PARTITION]));
  }

  /** Item reads on the table plus queries on its indexes, for triggers that only look things up. */
  grantItemRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...ITEM_READ_ACTIONS],
      resourceArns: [this.table.tableArn],
    }).combine(this.grantIndexQuery(grantee));
  }

  private grantIndexQuery(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: Object.values(TABLE_SCHEMA.indexes).map((index) => `${this.table.tableArn}/index/${index.name}`),
    });
  }
}
