/** A named analytical query with its parameters; the adapter owns the SQL dialect. */
export interface WarehouseQuery {
  name: string;
  tenantId: string;
  params: Record<string, string | number | boolean | null>;
}

/** The analytical store: Snowflake in AWS, DuckDB over the lake files locally. */
export interface Warehouse {
  query<Row extends Record<string, unknown>>(query: WarehouseQuery): Promise<Row[]>;
}
