import type { ConnectorConfig } from '#shared/contracts/connectors.ts';

/** Hours read back on a connector's first poll when the user chose nothing (connectors created before the choice). */
export const DEFAULT_BACKFILL_HOURS = 24;

/** The first-poll window the user chose, bounded by the schema; older items are never read. */
export function backfillHoursOf(config: ConnectorConfig): number {
  const hours = 'backfillHours' in config ? config.backfillHours : undefined;
  return typeof hours === 'number' && hours > 0 ? hours : DEFAULT_BACKFILL_HOURS;
}
