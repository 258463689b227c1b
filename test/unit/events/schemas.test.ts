import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deterministicUlid, encodeUlid, ULID_PATTERN } from '../../../shared/events/envelope.ts';
import { eventJsonSchemas, schemaFileText } from '../../../shared/events/json-schema.ts';
import { canonicalEventSchema, parseCanonicalEvent } from '../../../shared/events/schemas.ts';
import { corpusEvents } from './fixtures.ts';

describe('canonical events', () => {
  const { events } = corpusEvents();

  it('builds CloudEvents 1.0 envelopes that validate against the zod schemas', () => {
    expect(events.length).toBeGreaterThan(10);
    for (const event of events) {
      expect(canonicalEventSchema.parse(event)).toEqual(event);
      expect(event).toMatchObject({
        specversion: '1.0',
        datacontenttype: 'application/json',
        tenantid: event.data.tenantId,
      });
      expect(event.id).toMatch(ULID_PATTERN);
      expect(event.subject).toContain(event.data.answerId);
      const parsed = parseCanonicalEvent(JSON.stringify(event));
      expect(parsed.ok).toBe(true);
    }
  });

  it('derives ids that are ULIDs, time-ordered, and identical for the same fact (retries republish the same id)', () => {
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const a = deterministicUlid(Date.parse('2025-03-01T00:00:00Z'), 'x');
    expect(deterministicUlid(Date.parse('2025-03-01T00:00:00Z'), 'x')).toBe(a);
    expect(deterministicUlid(Date.parse('2025-03-01T00:00:00Z'), 'y')).not.toBe(a);
    expect(deterministicUlid(Date.parse('2025-03-02T00:00:00Z'), 'x') > a).toBe(true);
    expect(encodeUlid(0, new Uint8Array(10))).toBe('0'.repeat(26));
    expect(encodeUlid(2 ** 48 - 1, new Uint8Array(10).fill(255))).toBe(`7${'Z'.repeat(25)}`);
  });

  it('rejects bad records with a reason instead of throwing', () => {
    const good = events[0];
    if (!good) throw new Error('no events');
    const cases: [string, RegExp][] = [
      ['{not json', /not JSON/],
      [JSON.stringify({ hello: 'world' }), /not a canonical event/],
      [JSON.stringify({ ...good, tenantid: '../etc' }), /tenantid/],
      [JSON.stringify({ ...good, data: { ...good.data, entities: [] } }), /invalid promptpulse.answer.analyzed/],
      [JSON.stringify({ ...good, tenantid: 'ws_01j9yyyyyyyyyyyyyyyyyyyyyy' }), /does not match/],
      [JSON.stringify({ ...good, type: 'promptpulse.signal.observed' }), /invalid promptpulse.signal.observed/],
    ];
    for (const [text, reason] of cases) {
      const parsed = parseCanonicalEvent(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(reason);
    }
  });

  it('the committed docs/events/*.schema.json are up to date (regenerate: npx tsx functions/handlers/aggregate/write-event-schemas.ts)', () => {
    const schemas = eventJsonSchemas();
    expect(Object.keys(schemas).sort()).toEqual([
      'answer.analyzed',
      'answer.reanalyzed',
      'envelope',
      'metric.alert',
      'run.completed',
      'run.progressed',
      'signal.observed',
    ]);
    for (const [name, schema] of Object.entries(schemas)) {
      const committed = readFileSync(new URL(`../../../docs/events/${name}.schema.json`, import.meta.url), 'utf8');
      // Compared as JSON: Biome formats the committed files.
      expect(JSON.parse(committed), `docs/events/${name}.schema.json is stale`).toEqual(
        JSON.parse(schemaFileText(schema)),
      );
    }
  });
});
