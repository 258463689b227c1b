/** Rollup periods: UTC days and ISO 8601 weeks. */

/** The rollup granularities: UTC days and ISO 8601 weeks (Monday to Sunday, `YYYY-Www`). */
export type RollupGranularity = 'day' | 'week';

const weekCache = new Map<string, string>();
/** ISO 8601 week (`2026-W48`) of a UTC date `YYYY-MM-DD`. */
export function isoWeekOf(day: string): string {
  const cached = weekCache.get(day);
  if (cached) return cached;
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  const key = `${year}-W${String(week).padStart(2, '0')}`;
  if (weekCache.size > 10_000) weekCache.clear();
  weekCache.set(day, key);
  return key;
}

/** Monday (`YYYY-MM-DD`) of an ISO week `YYYY-Www`. */
export function isoWeekStart(week: string): string {
  const year = Number(week.slice(0, 4));
  const n = Number(week.slice(6));
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayOfWeek1 = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(mondayOfWeek1 + (n - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus n days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
