import { directoryLakeSource, DuckDbWarehouse } from './functions/adapters/warehouse/duckdb-warehouse.ts';
import { spawnSync } from 'node:child_process';
const root = '/tmp/w29/lake20k';
const w = await DuckDbWarehouse.create({ source: directoryLakeSource(root), memoryLimit: '1GB', log: console.log });
const t0 = performance.now();
try { await w.query('trends', { tenantId: 'ws_01jzbenchbenchbenchbenchbe', brandId: 'brd_01jzbenchbenchbenchbenchbe', from: '2026-01-01', to: '2026-12-31' }); } catch (e) { console.log('ERR', (e as Error).message.slice(0, 200)); }
console.log(performance.now() - t0);
await w.close();
