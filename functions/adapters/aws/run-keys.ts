import type { TenantId } from '#shared/domain/workspace.ts';

/**
 * Keys of runs, work items, answers and usage in the single table (all tenant-prefixed). The sparse
 * `gsi1` entry `ACTIVE_RUNS` lists unfinished runs across tenants for operations (resume after a restart);
 * it is never reachable through the API.
 */
export const runKeys = {
  runsPartition: (tenantId: TenantId) => `${tenantId}#RUN`,
  run: (tenantId: TenantId, runId: string) => ({ pk: `${tenantId}#RUN`, sk: `RUN#${runId}` }),
  activeRunSlot: (tenantId: TenantId, brandId: string) => ({ pk: `${tenantId}#BRAND#${brandId}`, sk: 'ACTIVERUN' }),
  activeIndex: (tenantId: TenantId, runId: string) => ({ gsi1pk: 'ACTIVE_RUNS', gsi1sk: `${tenantId}#${runId}` }),
  itemsPartition: (tenantId: TenantId, runId: string) => `${tenantId}#RUN#${runId}`,
  item: (tenantId: TenantId, runId: string, itemId: string) => ({
    pk: `${tenantId}#RUN#${runId}`,
    sk: `ITEM#${itemId}`,
  }),
  answer: (tenantId: TenantId, answerId: string) => ({ pk: `${tenantId}#ANSWER#${answerId}`, sk: 'ANSWER' }),
  usageDay: (tenantId: TenantId, day: string) => ({ pk: `${tenantId}#USAGE`, sk: `DAY#${day}` }),
  usageMonth: (tenantId: TenantId, month: string) => ({ pk: `${tenantId}#USAGE`, sk: `MONTH#${month}` }),
} as const;
