/** Lambda entry of the daily Action Hub job (cdk/constructs/action-sync.ts). */
export { dailyHandler as handler } from './index.ts';
