import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { nextRunAt } from '../../../shared/use-cases/settings.ts';

/** When the next scheduled run is due: what the run settings show and the scheduler tick acts on. */
describe('nextRunAt', () => {
  const at = (iso: string) => new Date(iso);

  it('manual schedules never run by themselves', () => {
    expect(nextRunAt({ kind: 'manual' }, at('2026-03-01T00:00:00Z'))).toBeNull();
  });

  it('daily at a local time, in the schedule’s time zone', () => {
    const schedule = { kind: 'daily', time: '09:30', timeZone: 'Europe/Berlin' } as const;
    expect(nextRunAt(schedule, at('2026-01-15T06:00:00Z'))).toBe('2026-01-15T08:30:00.000Z');
    // Already past today: tomorrow.
    expect(nextRunAt(schedule, at('2026-01-15T09:00:00Z'))).toBe('2026-01-16T08:30:00.000Z');
  });

  it('follows daylight-saving changes (09:30 Berlin is 07:30Z in summer)', () => {
    const schedule = { kind: 'daily', time: '09:30', timeZone: 'Europe/Berlin' } as const;
    // 2026-03-29 is the spring-forward day in the EU.
    expect(nextRunAt(schedule, at('2026-03-28T12:00:00Z'))).toBe('2026-03-29T07:30:00.000Z');
    expect(nextRunAt({ ...schedule, timeZone: 'America/New_York' }, at('2026-11-01T20:00:00Z'))).toBe(
      '2026-11-02T14:30:00.000Z',
    );
  });

  it('weekly on a given day', () => {
    const schedule = { kind: 'weekly', dayOfWeek: 'mon', time: '08:00', timeZone: 'UTC' } as const;
    // 2026-11-25 is a Wednesday.
    expect(nextRunAt(schedule, at('2026-11-25T10:00:00Z'))).toBe('2026-11-30T08:00:00.000Z');
  });

  it('cron expressions, with day-of-month OR day-of-week as in standard cron', () => {
    const schedule = { kind: 'cron', expression: '0 6 1 * mon', timeZone: 'UTC' } as const;
    // From Wed 2026-11-25: Monday the 30th comes before the 1st of December.
    expect(nextRunAt(schedule, at('2026-11-25T10:00:00Z'))).toBe('2026-11-30T06:00:00.000Z');
    expect(nextRunAt({ ...schedule, expression: '*/15 * * * *' }, at('2026-11-25T10:07:00Z'))).toBe(
      '2026-11-25T10:15:00.000Z',
    );
  });

  it('an invalid or never-firing expression is a validation error naming the field', () => {
    for (const expression of ['61 * * * *', 'not cron', '0 0 31 2 *']) {
      let error: unknown;
      try {
        nextRunAt({ kind: 'cron', expression, timeZone: 'UTC' }, at('2026-11-25T10:00:00Z'));
      } catch (e) {
        error = e;
      }
      expect(error, expression).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toEqual([expect.objectContaining({ path: 'schedule.expression' })]);
    }
  });
});
