import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lazyWarehouse, readWarehouseConfig, type WarehouseEnv } from '../../../functions/adapters/warehouse/index.ts';
import { derivedTablesDdl } from '../../../functions/adapters/warehouse/queries.ts';
import { SnowflakeLoginNotSetError } from '../../../functions/adapters/warehouse/snowflake-key.ts';
import { snowflakeDdl } from '../../../functions/adapters/warehouse/snowflake-schema.ts';
import { type SnowflakeDriver, SnowflakeWarehouse } from '../../../functions/adapters/warehouse/snowflake-warehouse.ts';
import {
  createMigrateHandler,
  isSchemaResourceEvent,
  SCHEMA_RESOURCE_ID,
} from '../../../functions/handlers/materialize/migrate.ts';
import { WarehouseError } from '../../../shared/ports/warehouse.ts';

/**
 * The schema migration at deploy (the `WarehouseSchema` custom resource, served by the materialization function):
 * the real SnowflakeWarehouse and handler, the driver faked at its boundary (no Snowflake account here).
 */
type SnowflakeEnv = Extract<WarehouseEnv, { WAREHOUSE: 'snowflake' }>;
const config = readWarehouseConfig({
  WAREHOUSE: 'snowflake',
  SNOWFLAKE_ACCOUNT: 'ab12345',
  SNOWFLAKE_WAREHOUSE: 'PP_WH',
  SNOWFLAKE_DATABASE: 'PROMPTPULSE',
  SNOWFLAKE_PRIVATE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SnowflakeCredentials-AbCdEf',
}) as SnowflakeEnv;
const KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'der' })
  .toString('base64');
const GOOD_SECRET = JSON.stringify({ user: 'PROMPTPULSE_SVC', private_key: KEY });

function fakeDriver() {
  const sent: string[] = [];
  const driver: SnowflakeDriver = {
    createConnection: () => ({
      connectAsync: async () =>
        ({
          isUp: () => true,
          destroy: (done: () => void) => done(),
          execute: ({
            sqlText,
            complete,
          }: {
            sqlText: string;
            complete: (e: unknown, s: unknown, r: unknown[]) => void;
          }) => {
            sent.push(sqlText);
            queueMicrotask(() => complete(undefined, {}, []));
          },
        }) as never,
    }),
  };
  return { sent, loadDriver: async () => driver };
}

const handlerFor = (secret: string, driver = fakeDriver()) => {
  const warehouse = lazyWarehouse(async () =>
    SnowflakeWarehouse.fromConfig(config, { readSecret: async () => secret, loadDriver: driver.loadDriver }),
  );
  return {
    driver,
    migrate: createMigrateHandler({
      warehouse,
      isLoginNotSet: (error) => error instanceof SnowflakeLoginNotSetError,
    }),
  };
};

describe('the warehouse schema at deploy (custom resource)', () => {
  it('tells the custom resource events from the hourly schedule', () => {
    expect(isSchemaResourceEvent({ RequestType: 'Create', ResourceProperties: {} })).toBe(true);
    expect(isSchemaResourceEvent({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} })).toBe(false);
    expect(isSchemaResourceEvent(undefined)).toBe(false);
  });

  it('creates the table, views and derived tables on Create and again on Update, with idempotent statements only', async () => {
    const { driver, migrate } = handlerFor(GOOD_SECRET);
    const expected = [...snowflakeDdl(), ...derivedTablesDdl('snowflake')];
    await expect(migrate({ RequestType: 'Create' })).resolves.toEqual({
      PhysicalResourceId: SCHEMA_RESOURCE_ID,
      Data: { Migrated: 'true' },
    });
    expect(driver.sent).toEqual(expected);
    // A deploy that changes the DDL (its hash is the resource's property) runs the same statements again.
    await migrate({ RequestType: 'Update', PhysicalResourceId: SCHEMA_RESOURCE_ID });
    expect(driver.sent).toEqual([...expected, ...expected]);
    for (const statement of expected)
      expect(statement).toMatch(
        /^CREATE (TRANSIENT TABLE IF NOT EXISTS|TABLE IF NOT EXISTS|OR REPLACE VIEW \w+ COPY GRANTS)/,
      );
  });

  it('never touches Snowflake on Delete (the events table is data)', async () => {
    const { driver, migrate } = handlerFor(GOOD_SECRET);
    await expect(migrate({ RequestType: 'Delete', PhysicalResourceId: SCHEMA_RESOURCE_ID })).resolves.toEqual({
      PhysicalResourceId: SCHEMA_RESOURCE_ID,
    });
    expect(driver.sent).toEqual([]);
  });

  it('lets the first deploy through while the secret still holds the placeholder, and fails it on a wrong secret', async () => {
    const placeholder = handlerFor('{}');
    await expect(placeholder.migrate({ RequestType: 'Create' })).resolves.toEqual({
      PhysicalResourceId: SCHEMA_RESOURCE_ID,
      Data: { Migrated: 'false' },
    });
    expect(placeholder.driver.sent).toEqual([]);

    const wrong = handlerFor(JSON.stringify({ user: 'PROMPTPULSE_SVC' }));
    await expect(wrong.migrate({ RequestType: 'Create' })).rejects.toThrow(WarehouseError);
  });

  it('fails the deploy when Snowflake refuses a statement', async () => {
    const driver = fakeDriver();
    const refusing: SnowflakeDriver = {
      createConnection: () => ({
        connectAsync: async () =>
          ({
            isUp: () => true,
            execute: ({ complete }: { complete: (e: unknown, s: unknown, r: unknown[]) => void }) =>
              queueMicrotask(() =>
                complete(Object.assign(new Error('Insufficient privileges'), { code: '003001' }), {}, []),
              ),
          }) as never,
      }),
    };
    const { migrate } = handlerFor(GOOD_SECRET, { ...driver, loadDriver: async () => refusing });
    await expect(migrate({ RequestType: 'Update' })).rejects.toThrow(new WarehouseError('a Snowflake query failed'));
  });
});
