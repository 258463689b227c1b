import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeText, compileEntities } from '../../../shared/analysis/analyze.ts';
import { foldText } from '../../../shared/analysis/fold.ts';
import type { TrackedEntity } from '../../../shared/analysis/types.ts';

const entities: TrackedEntity[] = [
  {
    id: 'acme',
    name: 'Acme',
    kind: 'brand',
    aliases: [{ value: 'Acme Cloud' }, { value: 'ACME', caseSensitive: true }],
    ownedDomains: ['acme.com'],
  },
  { id: 'cafe', name: 'Café Noir', kind: 'competitor', aliases: [{ value: 'Straße' }], ownedDomains: ['cafenoir.fr'] },
  {
    id: 'cpp',
    name: 'C++ Tools',
    kind: 'competitor',
    aliases: [{ value: 'C++' }, { value: '(a|b)*' }, { value: 'Ünïcødé 🚀' }],
    ownedDomains: [],
  },
  {
    id: 'notion',
    name: 'Notion',
    kind: 'competitor',
    aliases: [{ value: 'Notion', ambiguous: true }],
    ownedDomains: ['notion.so'],
  },
];
const compiled = compileEntities(entities);
const aliasFolds = new Map<string, Set<string>>();
for (const e of entities) {
  aliasFolds.set(e.id, new Set([e.name, ...e.aliases.map((a) => a.value), ...e.ownedDomains].map((v) => foldText(v))));
}

const fragments = fc.constantFrom(
  'Acme',
  'acme',
  "Acme's",
  'Acme Cloud',
  'ACME',
  'Café Noir',
  'CAFE NOIR',
  'Cafe\u0301 Noir',
  'Straße',
  'strasse',
  'C++',
  '(a|b)*',
  'Ünïcødé 🚀',
  'Notion',
  'notional',
  ' ',
  '\n',
  '**',
  '- ',
  '1. ',
  '| ',
  '[x](https://acme.com/a)',
  'https://notion.so/x',
  'http://[::1',
  '\u0000',
  '\ud800',
  '🚀',
  '.',
  ', but ',
);
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.oneof(fragments, fc.string({ maxLength: 8 })), { maxLength: 40 }).map((p) => p.join('')),
);

describe('analysis properties', () => {
  it('never throws on arbitrary Unicode input and keeps invariants', () => {
    fc.assert(
      fc.property(text, (t) => {
        const a = analyzeText(t, compiled);
        expect(a.textLength).toBe(t.length);
        for (const m of a.mentions) {
          expect(m.start).toBeGreaterThanOrEqual(0);
          expect(m.end).toBeLessThanOrEqual(t.length);
          expect(m.text).toBe(t.slice(m.start, m.end));
          expect(m.sentiment).toBeGreaterThanOrEqual(-1);
          expect(m.sentiment).toBeLessThanOrEqual(1);
          if (m.via === 'text') {
            // The offsets point at text that folds to one of the entity's aliases.
            expect(aliasFolds.get(m.entityId)?.has(foldText(m.text))).toBe(true);
          }
        }
        for (const e of a.entities) {
          expect(Math.abs(e.sentiment.score)).toBeLessThanOrEqual(1);
          if (e.rank !== null) expect(e.mentioned).toBe(true);
        }
        const text2 = a.mentions.filter((m) => m.via === 'text');
        for (let i = 1; i < text2.length; i++) expect(text2[i]!.start).toBeGreaterThanOrEqual(text2[i - 1]!.end);
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(analyzeText(t, compiled)).toEqual(analyzeText(t, compiled));
      }),
      { numRuns: 100 },
    );
  });

  it('finds an alias wherever it is inserted between separators', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }).map((s) => s.replace(/[\p{L}\p{N}_]/gu, ' ')),
        fc.string({ maxLength: 30 }).map((s) => s.replace(/[\p{L}\p{N}_'’]/gu, ' ')),
        (before, after) => {
          const t = `${before} Acme Cloud ${after}`;
          const a = analyzeText(t, compiled);
          const m = a.mentions.find((x) => x.entityId === 'acme' && x.via === 'text');
          if (/https?:|www\./i.test(t)) return; // names inside URLs are not mentions
          expect(m?.text).toBe('Acme Cloud');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on hostile entity configurations', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string({ maxLength: 100 }), (config, t) => {
        const c = compileEntities(config);
        analyzeText(t, c);
      }),
      { numRuns: 200 },
    );
  });
});
