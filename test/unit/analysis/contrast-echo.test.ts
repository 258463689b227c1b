/**
 * Contrast echo (shared/analysis/contrast-echo.ts): a brand sentence without opinion words of its own that answers
 * the previous sentence's verdict on another brand takes the opposite sign; facts next to facts stay neutral.
 * Hand-written sentences with fictional brands (none of them from the evaluation sets).
 */
import { describe, expect, it } from 'vitest';
import { analyzeText, compileEntities } from '../../../shared/analysis/analyze.ts';
import { contrastEchoes, type SentenceVerdict } from '../../../shared/analysis/contrast-echo.ts';
import type { TextKind, TrackedEntity } from '../../../shared/analysis/types.ts';

const brands: TrackedEntity[] = ['Northwind', 'Initech', 'Globex'].map((name) => ({
  id: name.toLowerCase(),
  name,
  kind: 'brand',
  aliases: [{ value: name }],
  ownedDomains: [],
}));
const compiled = compileEntities(brands);

type Sign = '+' | '-' | '0';
const signOf = (x: number): Sign => (x >= 0.05 ? '+' : x <= -0.05 ? '-' : '0');

function signs(text: string, kind: TextKind): Record<string, Sign> {
  const a = analyzeText({ text, kind }, compiled);
  const out: Record<string, Sign> = {};
  for (const e of a.entities) if (e.mentioned) out[e.entityId] = signOf(e.sentiment.score);
  return out;
}

describe('contrast echo in texts', () => {
  const cases: [string, TextKind, Record<string, Sign>][] = [
    ['Initech keeps crashing on large files. Globex just handles them.', 'social', { initech: '-', globex: '+' }],
    [
      'Initech lost our data twice this year. Globex has never done that to us.',
      'social',
      { initech: '-', globex: '+' },
    ],
    [
      'Northwind support is wonderful. But Initech, on the other hand, is another story.',
      'answer',
      { northwind: '+', initech: '-' },
    ],
    [
      'Initech billing is a nightmare. No such issues with Northwind so far.',
      'social',
      { initech: '-', northwind: '+' },
    ],
    ['Northwind? Awful. Globex? Absolutely.', 'social', { northwind: '-', globex: '+' }],
    ['Globex? Brilliant. Initech? Nope.', 'social', { globex: '+', initech: '-' }],
    // Facts next to facts: nothing to echo.
    ['Initech is based in Austin. Globex is based in Oslo.', 'answer', { initech: '0', globex: '0' }],
    [
      'Initech was founded in 2009. Meanwhile Globex moved its office to Berlin.',
      'answer',
      { initech: '0', globex: '0' },
    ],
    // A sentence with an opinion of its own keeps it.
    ['Initech is terrible at exports. But Globex is also terrible at them.', 'social', { initech: '-', globex: '-' }],
    ["Initech constantly logs me out. Northwind doesn't.", 'social', { initech: '-', northwind: '+' }],
    // In a post, juxtaposed brands are set against each other, either way round; facts stay neutral.
    ['northwind just works. initech needs a PhD to configure', 'social', { northwind: '+', initech: '-' }],
    ['Initech feels like it was built in 2005. Northwind feels wonderful.', 'social', { initech: '-', northwind: '+' }],
    ['Northwind is wonderful. Initech was founded in Austin.', 'social', { northwind: '+', initech: '0' }],
    // A blank line ends the chain.
    ['Initech keeps crashing on large files.\n\nGlobex just handles them.', 'social', { initech: '-', globex: '0' }],
  ];
  for (const [text, kind, want] of cases) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(want)}`, () => {
      expect(signs(text, kind)).toEqual(want);
    });
  }
});

describe('contrast inside one sentence', () => {
  const cases: [string, Record<string, Sign>][] = [
    [
      'Whereas Northwind makes exporting painless, Initech hides it three menus deep.',
      { northwind: '+', initech: '-' },
    ],
    ['Initech keeps crashing, but Northwind ships weekly.', { initech: '-', northwind: '+' }],
    ['While Initech crashed twice this week, Northwind stayed up.', { initech: '-', northwind: '+' }],
    ['Northwind is headquartered in Oslo, while Initech is based in Austin.', { northwind: '0', initech: '0' }],
    ['Northwind is great and Initech ships weekly.', { northwind: '+', initech: '0' }],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(want)}`, () => {
      expect(signs(text, 'answer')).toEqual(want);
    });
  }
});

describe('implicit alternative of a switch', () => {
  const cases: [string, Record<string, Sign>][] = [
    ['Paid $40 for an Initech plan. Opened Northwind, $12. Bye Initech.', { initech: '-', northwind: '+' }],
    ["Back to Northwind after a week of Initech's trial.", { northwind: '+', initech: '-' }],
    // Three products, one left: who was chosen is not said.
    ['Compared Initech, Northwind and Globex. Bye Initech.', { initech: '-', northwind: '0', globex: '0' }],
    // The other product has an opinion of its own: it keeps it.
    ['Northwind is too expensive for us. Bye Initech.', { northwind: '-', initech: '-' }],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(want)}`, () => {
      expect(signs(text, 'social')).toEqual(want);
    });
  }
});

describe('contrastEchoes', () => {
  const v = (entities: number[], sum: number, text: string, extra: Partial<SentenceVerdict> = {}): SentenceVerdict => ({
    entities,
    sums: new Map(entities.map((e) => [e, sum])),
    text: () => text,
    afterLabel: false,
    newParagraph: false,
    ...extra,
  });
  it('echoes only after a clear single-brand verdict', () => {
    expect(contrastEchoes([v([0], -2, 'x'), v([1], 0, 'But Y does.')])).toEqual([[1, 1.6]]);
    expect(contrastEchoes([v([0], -0.3, 'x'), v([1], 0, 'But Y does.')])).toEqual([]);
    expect(contrastEchoes([v([0, 2], -2, 'x'), v([1], 0, 'But Y does.')])).toEqual([]);
  });
  it('does not echo a sentence about the same brand or one naming two brands', () => {
    expect(contrastEchoes([v([0], 2, 'x'), v([0], 0, 'But it does.')])).toEqual([]);
    expect(contrastEchoes([v([0], 2, 'x'), v([1, 2], 0, 'But Y and Z do.')])).toEqual([]);
  });
  it('reads a bare answer after a label by its own word', () => {
    expect(contrastEchoes([v([0], 2, 'x'), v([1], 0, 'Nope.', { afterLabel: true })])).toEqual([[1, -1.6]]);
    expect(contrastEchoes([v([0], 2, 'x'), v([1], 0, 'Absolutely!', { afterLabel: true })])).toEqual([[1, 1.6]]);
  });
});
