import { describe, expect, it } from 'vitest';
import { readsAsName } from '../../../shared/analysis/name-use.ts';

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
