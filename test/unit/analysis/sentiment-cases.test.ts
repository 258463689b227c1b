/**
 * The sentences of issue 15 (text sentiment and per-brand sentiment), each with the sign a reader gives it.
 * Per-brand cases use two fictional brands so that no real-world prior can help.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeText, compileEntities } from '../../../shared/analysis/analyze.ts';
import { scoreText } from '../../../shared/analysis/text-sentiment.ts';
import type { TextKind, TrackedEntity } from '../../../shared/analysis/types.ts';

const brands: TrackedEntity[] = [
  { id: 'northwind', name: 'Northwind', kind: 'brand', aliases: [{ value: 'Northwind' }], ownedDomains: [] },
  { id: 'initech', name: 'Initech', kind: 'competitor', aliases: [{ value: 'Initech' }], ownedDomains: [] },
  { id: 'globex', name: 'Globex', kind: 'competitor', aliases: [{ value: 'Globex' }], ownedDomains: [] },
];
const compiled = compileEntities(brands);

type Sign = '+' | '-' | '0';
const signOf = (x: number): Sign => (x >= 0.05 ? '+' : x <= -0.05 ? '-' : '0');

function signs(text: string, kind: TextKind = 'answer'): Record<string, Sign> {
  const a = analyzeText({ text, kind }, compiled);
  const out: Record<string, Sign> = {};
  for (const e of a.entities) if (e.mentioned) out[e.entityId] = signOf(e.sentiment.score);
  return out;
}

describe('text sentiment (issue 15, part 1)', () => {
  const cases: [string, Sign][] = [
    ['an absolute gem of a movie', '+'],
    ['i recommend that you do not buy this blender', '-'],
    ['Breaking: three injured in warehouse fire', '-'],
    ['What a waste of money.', '-'],
    ['Do yourself a favour and keep your money.', '-'],
    ['Do yourself a favor and save your money', '-'],
    ['It works like a charm :)', '+'],
    ['Arrived broken :(', '-'],
    ['love it ❤️', '+'],
    ['this update is 👎', '-'],
    ['The app is good but the sync is painfully slow', '-'],
    ['The app is slow but the support team is fantastic', '+'],
    ['It is not good', '-'],
    ['It is not bad at all', '+'],
    ['It is VERY good', '+'],
    ['Acme shares plunge after a data breach exposed 2 million customers', '-'],
    ['Acme announces 1,200 layoffs', '-'],
    ['Acme hit with class action lawsuit over hidden fees', '-'],
    ['Major outage takes down Acme cloud for six hours', '-'],
    ['Acme was founded in 2012 and is headquartered in Oslo.', '0'],
    ['It supports 40 languages.', '0'],
    ["Don't bother with this one.", '-'],
    ['The charger stopped working after a week.', '-'],
    ['Worth every penny.', '+'],
    ['Been using it for years and never had a single issue.', '+'],
    ["Can't say enough good things about them.", '+'],
    ['Shoutout to the team for the quick refund.', '+'],
  ];
  for (const [text, sign] of cases) {
    it(`${JSON.stringify(text)} -> ${sign}`, () => {
      expect(signOf(scoreText(text).score)).toBe(sign);
    });
  }

  it('an ordinary positive review outscores an ordinary negative one, and the scale is [-1, 1]', () => {
    const good = scoreText('Great blender, quiet and powerful. Highly recommend!').score;
    const bad = scoreText('Terrible blender, loud and weak. Avoid!').score;
    expect(good).toBeGreaterThan(0.5);
    expect(bad).toBeLessThan(-0.5);
    expect(Math.abs(scoreText('amazing '.repeat(500)).score)).toBeLessThanOrEqual(1);
  });
});

describe('per-brand sentiment follows structure (issue 15, part 2)', () => {
  const cases: [string, Record<string, Sign>, TextKind?][] = [
    // The issue's own examples.
    ['Ditched Initech for Northwind last quarter and I regret nothing.', { initech: '-', northwind: '+' }],
    ['Compared with Northwind, Initech is slower, clunkier and pricier.', { northwind: '+', initech: '-' }],
    ['Initech? Meh. Northwind? Love it.', { initech: '-', northwind: '+' }],
    ["I'd steer clear of Initech for now.", { initech: '-' }],
    ['Northwind is headquartered in Oslo; Initech is based in Austin.', { northwind: '0', initech: '0' }],
    ['Great, Initech is down again.', { initech: '-' }, 'social'],
    // Contrast.
    ['Northwind is fast and reliable, but Initech keeps crashing.', { northwind: '+', initech: '-' }],
    ['Unlike Initech, Northwind never loses data.', { initech: '-', northwind: '+' }],
    ['Northwind is worth every penny, unlike Initech.', { northwind: '+', initech: '-' }],
    ["Initech's reporting is a nightmare compared to Northwind.", { initech: '-', northwind: '+' }],
    ["Can't believe we waited so long to leave Initech for Northwind.", { initech: '-', northwind: '+' }],
    ['Northwind is cheap, whereas Initech is overpriced.', { northwind: '+', initech: '-' }],
    // Comparatives in both directions.
    ['Initech is slower than Northwind.', { initech: '-', northwind: '+' }],
    ['Northwind is slower than Initech.', { northwind: '-', initech: '+' }],
    ['Initech lags behind Northwind on reporting.', { initech: '-', northwind: '+' }],
    ['Northwind outperforms Initech on every benchmark.', { northwind: '+', initech: '-' }],
    ["Initech isn't as good as Northwind.", { initech: '-', northwind: '+' }],
    ['Northwind es mucho más rápido que Initech.', { northwind: '+', initech: '-' }],
    ['Initech est moins fiable que Northwind.', { initech: '-', northwind: '+' }],
    ['Initech è più lento di Northwind.', { initech: '-', northwind: '+' }],
    ['Northwind is years ahead of Initech.', { northwind: '+', initech: '-' }],
    // Switching and preference verbs.
    ['We switched from Initech to Northwind.', { initech: '-', northwind: '+' }],
    ['Moved everything to Northwind after two years of Initech.', { northwind: '+', initech: '-' }],
    ['We are dropping Initech at renewal.', { initech: '-' }],
    ["I wouldn't recommend Initech.", { initech: '-' }],
    ['I regret choosing Initech.', { initech: '-' }],
    ['I prefer Northwind over Initech.', { northwind: '+', initech: '-' }],
    // Labelled parts.
    ['Top pick: Northwind. Skip: Initech.', { northwind: '+', initech: '-' }],
    ['Pros of Northwind: fast, simple. Cons of Initech: slow, buggy.', { northwind: '+', initech: '-' }],
    // List items and table rows/cells.
    [
      '1. **Northwind** - excellent reporting and fair pricing.\n2. **Initech** - buggy and overpriced.\n3. **Globex** - founded in 2009, based in Berlin.',
      { northwind: '+', initech: '-', globex: '0' },
    ],
    [
      '| Tool | Verdict |\n|---|---|\n| Northwind | Reliable and fast |\n| Initech | Slow and buggy |',
      { northwind: '+', initech: '-' },
    ],
    // Sarcasm.
    ['Love how Initech logs me out every five minutes 🙄', { initech: '-' }, 'social'],
    ['Thanks a lot Initech, lost all my files.', { initech: '-' }, 'social'],
    ['Great, Initech is down again. Good thing we still have Northwind.', { initech: '-', northwind: '+' }, 'social'],
    // Symbols, lead yardsticks and contrast words in other languages.
    ['Northwind > Initech, not even a contest', { northwind: '+', initech: '-' }, 'social'],
    ['After years of Initech, Northwind feels like a breath of fresh air.', { initech: '-', northwind: '+' }],
    ['Northwind ist super, Initech dagegen eine Katastrophe.', { northwind: '+', initech: '-' }, 'social'],
    ["J'adore Northwind. Initech, par contre, c'est la galère.", { northwind: '+', initech: '-' }, 'social'],
    // Facts carry no opinion.
    ['Initech supports 40 languages.', { initech: '0' }],
    ['Initech was acquired by Globex in 2021.', { initech: '0', globex: '0' }],
    ['Northwind was founded in 2015.', { northwind: '0' }],
    // Mixed sentences: each brand its own sign.
    ['Northwind has great support, while Initech has terrible docs.', { northwind: '+', initech: '-' }],
    ['Initech is pricey, though Northwind is a bargain.', { initech: '-', northwind: '+' }],
    // Scripts without spaces: full-width terminators end sentences, a name run into its clause is not a name list.
    ['Northwind的客服很棒！Initech的应用总是崩溃。', { northwind: '+', initech: '-' }, 'social'],
    ['Initech太慢了，换成Northwind以后好多了。', { initech: '-', northwind: '+' }, 'social'],
    ['我们用Northwind和Globex，都很好用。', { northwind: '+', globex: '+' }, 'social'],
    ['Northwindのサポートは最高！Initechはすぐに落ちる。', { northwind: '+', initech: '-' }, 'social'],
  ];
  for (const [text, want, kind] of cases) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(want)}`, () => {
      expect(signs(text, kind)).toEqual(want);
    });
  }
});

describe('nothing throws out of the sentiment engine on any Unicode input', () => {
  const pieces = fc.constantFrom(
    'Northwind',
    'Initech',
    'Globex?',
    ' compared with ',
    'Unlike ',
    ' switched from ',
    ' to ',
    ' back to ',
    'bye ',
    ' as good as ',
    ' behind ',
    ' ahead of ',
    ':)',
    ' :( ',
    '<3',
    ' 2/10 ',
    '最高',
    '빠르고',
    '🙄',
    '🗑️',
    ' not ',
    ' but ',
    'Skip:',
    '**',
    '\n- ',
    '\n| a | b |\n',
    '!!!',
    '???',
    '\ud800',
    '\u0301',
    ' used to ',
    ' both ',
  );
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.array(fc.oneof(pieces, fc.string({ maxLength: 5 })), { maxLength: 40 }).map((p) => p.join('')),
  );
  it('scoreText and analyzeText return finite scores in [-1, 1]', () => {
    fc.assert(
      fc.property(text, fc.constantFrom<TextKind>('answer', 'social', 'news'), (t, kind) => {
        const s = scoreText(t).score;
        expect(Number.isFinite(s) && s >= -1 && s <= 1).toBe(true);
        const a = analyzeText({ text: t, kind }, compiled);
        for (const e of a.entities) expect(e.sentiment.score >= -1 && e.sentiment.score <= 1).toBe(true);
        for (const m of a.mentions) expect(Number.isFinite(m.sentiment)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
