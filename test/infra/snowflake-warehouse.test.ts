import { createHash } from 'node:crypto';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { derivedTablesDdl } from '../../functions/adapters/warehouse/queries.ts';
import {
  SNOWFLAKE_DATA_LOADING_OPTION,
  SNOWFLAKE_EVENT_COLUMN,
  SNOWFLAKE_METADATA_COLUMN,
  snowflakeDdl,
} from '../../functions/adapters/warehouse/snowflake-schema.ts';
import { buildTestApp, defaultTemplates, logicalIdOf } from './support.ts';

/**
 * The Snowflake warehouse in AWS (context `snowflakeAccountUrl`): the analytics and materialization functions query
 * Snowflake with the key pair from the `SnowflakeCredentials` secret (its ARN in their environment, never the key),
 * and the Firehose feed writes the table shape the adapter's DDL creates.
 */
// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, navigated by the assertions below
type CfnProperties = Record<string, any>;

const app = buildTestApp({
  stage: 'prod',
  snowflakeAccountUrl: 'https://ab12345.eu-west-1.snowflakecomputing.com',
  snowflakeWarehouse: 'PP_WH',
  snowflakeRole: 'PP_SERVICE',
});
const stateless = Template.fromStack(app.stateless);
const resources = stateless.toJSON().Resources as Record<string, { Type: string; Properties: CfnProperties }>;
const credentials = app.stateful.snowflakeCredentials;
if (!credentials) throw new Error('the Snowflake credentials secret was not created');

/** How the stateless stack refers to the secret's ARN (a reference to the stateful stack's output, resolved once). */
const deliveryStream: { Properties: CfnProperties; DependsOn?: string[] } | undefined = Object.values(resources).find(
  (r) => r.Type === 'AWS::KinesisFirehose::DeliveryStream' && r.Properties.SnowflakeDestinationConfiguration,
);
const destination = deliveryStream?.Properties.SnowflakeDestinationConfiguration;
const secretRef = destination?.SecretsManagerConfiguration?.SecretARN;

const analyticsId = logicalIdOf(app.stateless.service.analytics.function);
const materializerId = logicalIdOf(app.stateless.warehouseMaterializer.job.function);
// The workspace purge deletes a deleted tenant's warehouse rows too (docs/tenancy.md).
const purgeId = logicalIdOf(app.stateless.workspacePurge.function.function);
const environmentOf = (id: string) => resources[id]?.Properties.Environment?.Variables as Record<string, unknown>;
const roleIdOf = (id: string) => resources[id]?.Properties.Role['Fn::GetAtt'][0] as string;

/** Every IAM statement of the stateless stack with the roles its policy is attached to. */
const statements = Object.values(resources)
  .filter((r) => r.Type === 'AWS::IAM::Policy')
  .flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).map((s) => ({
      actions: [s.Action].flat(),
      resource: s.Resource,
      roles: (policy.Properties.Roles as { Ref: string }[]).map((role) => role.Ref),
    })),
  );
const mentionsSecret = (resource: unknown) => JSON.stringify(resource).includes(JSON.stringify(secretRef));

describe('the Snowflake warehouse wiring (prod with snowflakeAccountUrl)', () => {
  it('refers to the secret from the stateful stack, not a literal', () => {
    expect(secretRef).toBeDefined();
    expect(typeof secretRef).toBe('object');
    expect(JSON.stringify(secretRef)).toContain(app.stateful.stackName);
  });

  it.each([
    ['analytics', analyticsId],
    ['materializer', materializerId],
    ['purge', purgeId],
  ])('points the %s function at Snowflake with the secret ARN and settings, never a key', (_name, id) => {
    const environment = environmentOf(id);
    expect(environment).toMatchObject({
      WAREHOUSE: 'snowflake',
      SNOWFLAKE_ACCOUNT: 'ab12345.eu-west-1',
      SNOWFLAKE_WAREHOUSE: 'PP_WH',
      SNOWFLAKE_DATABASE: 'PROMPTPULSE',
      SNOWFLAKE_SCHEMA: 'PROMPTPULSE',
      SNOWFLAKE_TABLE: destination.Table,
      SNOWFLAKE_ROLE: 'PP_SERVICE',
    });
    expect(environment.SNOWFLAKE_PRIVATE_KEY_SECRET_ARN).toEqual(secretRef);
    for (const name of [
      'SNOWFLAKE_PRIVATE_KEY',
      'SNOWFLAKE_PRIVATE_KEY_PASSPHRASE',
      'SNOWFLAKE_PASSWORD',
      'SNOWFLAKE_USERNAME',
    ]) {
      expect(environment[name], name).toBeUndefined();
    }
  });

  it.each([
    ['analytics', analyticsId],
    ['materializer', materializerId],
    ['purge', purgeId],
  ])('lets the %s function read that secret and no other', (_name, id) => {
    const role = roleIdOf(id);
    const reads = statements.filter(
      (s) => s.roles.includes(role) && s.actions.some((a) => a.startsWith('secretsmanager:')),
    );
    expect(reads.flatMap((s) => s.actions)).toContain('secretsmanager:GetSecretValue');
    for (const statement of reads) expect(statement.resource).toEqual(secretRef);
  });

  it('grants the secret to the analytics, materializer and purge functions and the Firehose role only', () => {
    const readers = new Set(
      statements
        .filter((s) => s.actions.includes('secretsmanager:GetSecretValue') && mentionsSecret(s.resource))
        .flatMap((s) => s.roles),
    );
    const firehoseRole = logicalIdOf(app.stateless.snowflakeDelivery?.role ?? app.stateless);
    expect(readers).toEqual(
      new Set([roleIdOf(analyticsId), roleIdOf(materializerId), roleIdOf(purgeId), firehoseRole]),
    );
    // No function other than those three carries the ARN either.
    const carriers = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .filter(([, r]) => mentionsSecret(r.Properties.Environment ?? {}))
      .map(([id]) => id);
    expect(carriers.sort()).toEqual([analyticsId, materializerId, purgeId].sort());
  });

  it('keeps key material out of both templates', () => {
    const text = JSON.stringify([stateless.toJSON(), Template.fromStack(app.stateful).toJSON()]);
    expect(text).not.toMatch(/PRIVATE KEY-----|SNOWFLAKE_PRIVATE_KEY"|SNOWFLAKE_PASSWORD/);
    expect(destination.PrivateKey).toBeUndefined();
    expect(destination.KeyPassphrase).toBeUndefined();
  });

  it('has Firehose write the table shape the adapter creates and reads (shared column names)', () => {
    expect(destination).toMatchObject({
      DataLoadingOption: SNOWFLAKE_DATA_LOADING_OPTION,
      ContentColumnName: SNOWFLAKE_EVENT_COLUMN,
      MetaDataColumnName: SNOWFLAKE_METADATA_COLUMN,
      Table: 'EVENTS',
    });
    const [table = '', answerEvents = ''] = snowflakeDdl(destination.Table);
    expect(table).toContain(`CREATE TABLE IF NOT EXISTS ${destination.Table} (`);
    expect(table).toContain(`${destination.ContentColumnName} VARIANT NOT NULL`);
    expect(table).toContain(`${destination.MetaDataColumnName} VARIANT`);
    expect(answerEvents).toContain(`FROM ${destination.Table}`);
    expect(answerEvents).toContain(`${destination.ContentColumnName}:tenantid`);
  });

  it('has Firehose insert as the snowflakeRole the functions use, and as the default role without it', () => {
    expect(destination.SnowflakeRoleConfiguration).toEqual({ Enabled: true, SnowflakeRole: 'PP_SERVICE' });
    const noRole = buildTestApp({ stage: 'prod', snowflakeAccountUrl: 'https://ab12345.snowflakecomputing.com' });
    const streams = Object.values(
      Template.fromStack(noRole.stateless).toJSON().Resources as Record<string, CfnProperties>,
    );
    const plain = streams.find((r) => r.Properties?.SnowflakeDestinationConfiguration);
    expect(plain?.Properties.SnowflakeDestinationConfiguration.SnowflakeRoleConfiguration).toBeUndefined();
  });

  it('migrates the Snowflake schema at deploy: a custom resource served by the job function, before Firehose writes', () => {
    const schemas = Object.entries(resources).filter(([, r]) => r.Type === 'Custom::PromptPulseWarehouseSchema');
    expect(schemas).toHaveLength(1);
    const [schemaId, schema] = schemas[0] as [string, { Properties: CfnProperties }];
    const ddl = [...snowflakeDdl(destination.Table), ...derivedTablesDdl('snowflake')];
    expect(schema.Properties.DdlHash).toBe(createHash('sha256').update(ddl.join('\n;\n')).digest('hex'));
    // The provider's framework function invokes the materializer function (which holds the settings and the grant).
    const framework = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        JSON.stringify(r.Properties.Environment ?? {}).includes(`"USER_ON_EVENT_FUNCTION_ARN"`),
    );
    expect(JSON.stringify(framework?.Properties.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN)).toContain(
      materializerId,
    );
    expect(JSON.stringify(schema.Properties.ServiceToken)).toContain('SchemaProvider');
    expect(deliveryStream?.DependsOn ?? []).toContain(schemaId);
    // Without Snowflake there is nothing to migrate at deploy.
    const plain = defaultTemplates().stateless.toJSON().Resources as Record<string, { Type: string }>;
    expect(Object.values(plain).filter((r) => r.Type === 'Custom::PromptPulseWarehouseSchema')).toEqual([]);
  });

  it('refuses a warehouse, role or table context value that is not a Snowflake identifier', () => {
    const url = 'https://ab12345.snowflakecomputing.com';
    for (const key of ['snowflakeWarehouse', 'snowflakeRole', 'snowflakeTable']) {
      expect(() => buildTestApp({ snowflakeAccountUrl: url, [key]: 'PP; DROP TABLE EVENTS' }), key).toThrow(
        new RegExp(`Context "${key}" must be a Snowflake identifier`),
      );
    }
  });

  it('leaves the functions on DuckDB, with no secret, without the Snowflake context', () => {
    const { app: plain, stateless: plainTemplate } = defaultTemplates();
    const plainResources = plainTemplate.toJSON().Resources as Record<string, { Properties: CfnProperties }>;
    for (const fn of [plain.stateless.service.analytics.function, plain.stateless.warehouseMaterializer.job.function]) {
      const variables = plainResources[logicalIdOf(fn)]?.Properties.Environment.Variables as Record<string, unknown>;
      expect(variables.WAREHOUSE).toBeUndefined();
      expect(Object.keys(variables).filter((name) => name.startsWith('SNOWFLAKE_'))).toEqual([]);
    }
  });
});
