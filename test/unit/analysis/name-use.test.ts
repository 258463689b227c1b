import { describe, expect, it } from 'vitest';
import { analyzeText, compileEntities } from '../../../shared/analysis/analyze.ts';
import { readsAsName } from '../../../shared/analysis/name-use.ts';
import type { TrackedEntity } from '../../../shared/analysis/types.ts';

/** `readsAsName` on the first occurrence of `name` in a one-sentence text. */
function reads(text: string, name: string): boolean {
  const start = text.indexOf(name);
  return readsAsName(text, start, start + name.length, 0);
}

describe('ambiguous names read from grammar', () => {
  it('takes bare clause subjects with a finite verb, possessives and model numbers as names', () => {
    expect(reads('kraken froze my withdrawal for 9 days', 'kraken')).toBe(true);
    expect(reads('Zoom crashed mid-interview again', 'Zoom')).toBe(true);
    expect(reads("square's card reader died after two months", 'square')).toBe(true);
    expect(reads('pixel 7 overheating just from opening maps', 'pixel')).toBe(true);
    expect(reads('we tried it, but notion keeps losing my pages', 'notion')).toBe(true);
    expect(reads('Regulators open an investigation into Umbrella over privacy claims', 'Umbrella')).toBe(true);
  });

  it('takes a capitalised topic set off by a contrast aside or taken up by a pronoun as a name', () => {
    expect(reads('Kraken, by contrast, froze my withdrawal for nine days.', 'Kraken')).toBe(true);
    expect(reads("Notion, c'est devenu trop lent pour nous.", 'Notion')).toBe(true);
    expect(reads('Square, round or oval: pick a table shape.', 'Square')).toBe(false);
    expect(reads('Zoom, then crop the picture.', 'Zoom')).toBe(false);
  });

  it('keeps common-word and other-name readings out', () => {
    expect(reads('Zoom in on the chart to see the dip', 'Zoom')).toBe(false);
    expect(reads('Bolt the shelf to the wall first', 'Bolt')).toBe(false);
    expect(reads('We took a boat up the Amazon river', 'Amazon')).toBe(false);
    expect(reads('We spent two weeks hiking in Patagonia last spring', 'Patagonia')).toBe(false);
    expect(reads('The film was directed by Mel Brooks in 1974', 'Brooks')).toBe(false);
    expect(reads('Claude Monet painted the series at Giverny', 'Claude')).toBe(false);
    expect(reads('the notion of a free lunch is naive', 'notion')).toBe(false);
    expect(reads('there is some slack in the schedule', 'slack')).toBe(false);
    expect(reads('Zoom 3x on the lens to read it', 'Zoom')).toBe(false);
  });
});

describe('ambiguous names the writer acts on, or that stand alone as a heading', () => {
  const entities: TrackedEntity[] = [
    { id: 'kraken', name: 'Kraken', kind: 'brand', aliases: [{ value: 'Kraken', ambiguous: true }], ownedDomains: [] },
    { id: 'binance', name: 'Binance', kind: 'competitor', aliases: [{ value: 'Binance' }], ownedDomains: [] },
  ];
  const compiled = compileEntities(entities);
  const mentioned = (text: string): string[] =>
    analyzeText({ text, kind: 'social' }, compiled)
      .entities.filter((e) => e.mentioned)
      .map((e) => e.entityId)
      .sort();
  it('accepts a lower-case name on the far side of a switch from another tracked product', () => {
    expect(mentioned('moved all our coins from binance to kraken last month')).toEqual(['binance', 'kraken']);
    expect(mentioned('went back to kraken after a year on binance')).toEqual(['binance', 'kraken']);
    expect(mentioned('binance charges more than a kraken tattoo costs')).toEqual(['binance']);
  });
  it('takes a lower-case name beside another product once the same text uses it as a name elsewhere', () => {
    expect(mentioned('binance is way faster than kraken. kraken froze my withdrawal')).toEqual(['binance', 'kraken']);
    expect(mentioned('binance is faster than a kraken at sea')).toEqual(['binance']);
  });
  it('reads a product part or a status question after a lower-case name as a name', () => {
    expect(reads('the kraken app logged me out again', 'kraken')).toBe(true);
    expect(reads('is kraken down for anyone else?', 'kraken')).toBe(true);
    expect(reads('the kraken of legend sank ships', 'kraken')).toBe(false);
  });
  it('accepts a lower-case name compared with or switched to from another tracked name', () => {
    expect(mentioned('binance is so much better than kraken for altcoins')).toEqual(['binance', 'kraken']);
    expect(mentioned('moved off binance and onto kraken last week')).toEqual(['binance', 'kraken']);
  });
  it('accepts a heading that is the name and nothing else', () => {
    expect(mentioned('## Kraken\nLow fees and fast withdrawals.\n\n## Binance\nMore coins.')).toEqual([
      'binance',
      'kraken',
    ]);
    expect(mentioned('## The kraken legend\nSailors told of a sea monster.')).toEqual([]);
  });
});
