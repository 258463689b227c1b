import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeAnalyzedEvents } from '../../../bench/pipeline.bench.ts';
import { isPlainAnswerAnalyzedEvent } from '../../../shared/events/fast-validate.ts';
import { canonicalEventSchema, parseCanonicalEvent } from '../../../shared/events/schemas.ts';
import { corpusEvents } from './fixtures.ts';

const valid = [
  ...corpusEvents().events,
  ...makeAnalyzedEvents({ count: 60, tenants: 3, brandsPerTenant: 2, seed: 7 }),
].map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);

/** Every path to a value inside a JSON value (object keys and array indexes). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...children.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const oddValues = fc.oneof(
  fc.constant(undefined), // the key removed
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1.5, -1.0001, 1.0001, 0, -0, 2 ** 53, 1e300),
  fc.string({ maxLength: 4 }),
  fc.constantFrom('', 'openai', 'api', 'brand', 'owned', 'news', '2026-02-30T00:00:00Z', '2026-11-25T10:00:00Z'),
  fc.constant([]),
  fc.constant({}),
);

describe('fast answer.analyzed check (never laxer than the zod schema)', () => {
  it('accepts the valid events, and returns exactly what zod returns for them', () => {
    for (const event of valid) {
      expect(isPlainAnswerAnalyzedEvent(event)).toBe(true);
      expect(canonicalEventSchema.parse(event)).toEqual(event);
    }
  });

  it('when it accepts a mutated event, zod accepts it too and returns it unchanged', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.nat(), oddValues, fc.boolean(), (event, pick, value, addKey) => {
        const all = paths(event);
        const path = all[pick % all.length] as (string | number)[];
        // Through JSON, as a stream record arrives (no -0, no named properties on arrays).
        const changed = addKey
          ? setAt(event, [...path.slice(0, -1), 'unexpectedKey'], value ?? 1)
          : setAt(event, path, value);
        const mutated = JSON.parse(JSON.stringify(changed) ?? 'null');
        if (!isPlainAnswerAnalyzedEvent(mutated)) return;
        const parsed = canonicalEventSchema.safeParse(mutated);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(mutated);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseCanonicalEvent still explains what the fast check refuses', () => {
    const event = structuredClone(valid[0]) as { data: { entities: { sentiment: unknown }[] } };
    (event.data.entities[0] as { sentiment: unknown }).sentiment = 3;
    const parsed = parseCanonicalEvent(JSON.stringify(event));
    expect(parsed).toMatchObject({ ok: false, reason: expect.stringContaining('data.entities.0.sentiment') });
    const stranger = structuredClone(valid[0]) as Record<string, unknown>;
    stranger.tenantid = 'ws_01j9yyyyyyyyyyyyyyyyyyyyyy';
    expect(parseCanonicalEvent(JSON.stringify(stranger))).toMatchObject({
      ok: false,
      reason: 'tenantid does not match data.tenantId',
    });
  });
});
