import type { Warehouse } from '#shared/ports/warehouse.ts';

/** The part of a CloudFormation custom resource event the migration reads (from the CDK Provider framework). */
export interface SchemaResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties?: Record<string, unknown>;
}

export const SCHEMA_RESOURCE_ID = 'promptpulse-warehouse-schema';

export interface MigrateDeps {
  warehouse: Pick<Warehouse, 'migrate'>;
  /** The login is not in the secret yet (a first deploy before the operator put the key). */
  isLoginNotSet: (error: unknown) => boolean;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/** A custom resource event (CloudFormation, through the Provider framework), as opposed to the hourly schedule's. */
export function isSchemaResourceEvent(event: unknown): event is SchemaResourceEvent {
  const type = (event as { RequestType?: unknown } | null)?.RequestType;
  return type === 'Create' || type === 'Update' || type === 'Delete';
}

/**
 * The warehouse schema at deploy (the `WarehouseSchema` custom resource, cdk/constructs/warehouse-materializer.ts):
 * on Create and on Update (the resource's properties carry a hash of the DDL, so a deploy that changes it migrates),
 * `migrate()`, idempotent; a failure fails the deploy, which rolls back. Two cases do not fail it: Delete (the
 * events table is data, never dropped by a stack operation), and a secret that still holds the stack's placeholder
 * (the first deploy comes before the key is put; the hourly job migrates once it is there).
 */
export function createMigrateHandler(deps: MigrateDeps) {
  return async (event: SchemaResourceEvent) => {
    const PhysicalResourceId = event.PhysicalResourceId ?? SCHEMA_RESOURCE_ID;
    if (event.RequestType === 'Delete') return { PhysicalResourceId };
    if (!deps.warehouse.migrate) {
      deps.log?.('Warehouse schema: nothing to migrate (DuckDB)', {});
      return { PhysicalResourceId, Data: { Migrated: 'false' } };
    }
    const started = Date.now();
    try {
      await deps.warehouse.migrate();
    } catch (error) {
      if (!deps.isLoginNotSet(error)) throw error;
      deps.log?.('Warehouse schema not migrated: the Snowflake login is not in its secret yet', {
        reason: (error as Error).message,
      });
      return { PhysicalResourceId, Data: { Migrated: 'false' } };
    }
    deps.log?.('Warehouse schema migrated', { ms: Date.now() - started, requestType: event.RequestType });
    return { PhysicalResourceId, Data: { Migrated: 'true' } };
  };
}
