import { toCsv } from '#shared/domain/csv.ts';

/** Warehouse rows as CSV through the shared writer (formula cells defused): a header from `columns`, then the rows. */
export function rowsToCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return toCsv(
    columns,
    rows.map((row) => columns.map((c) => row[c])),
  );
}
