import { readFileSync } from 'node:fs';
import { lexicon } from 'vader-sentiment/src/vader_lexicon.js';
import { describe, expect, it } from 'vitest';
import { EMOTICONS, GENERAL_LEXICON_FILE, LEXICON } from '../../../shared/analysis/general-lexicon.ts';
import { DOMAIN_LEXICON } from '../../../shared/analysis/lexicon.ts';

describe('general lexicon data file', () => {
  it('is exactly the pinned vader-sentiment lexicon (rerun data/write-general-lexicon.ts after an upgrade)', () => {
    const file = JSON.parse(
      readFileSync(new URL(`../../../shared/analysis/${GENERAL_LEXICON_FILE}`, import.meta.url), 'utf8'),
    ) as Record<string, number>;
    const pkg = Object.fromEntries(
      Object.entries(lexicon as Record<string, number>).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)),
    );
    expect(Object.keys(file).length).toBeGreaterThan(7000);
    expect(file).toEqual(pkg);
  });

  it('reads on first lookup, with the domain lexicon over VADER', () => {
    expect(LEXICON.get('gem')).toBe(DOMAIN_LEXICON.get('gem'));
    expect(LEXICON.get('gorgeous')).toBe((lexicon as Record<string, number>).gorgeous);
    expect(EMOTICONS.get(':)')).toBeGreaterThan(0);
    expect([...LEXICON.keys()].length).toBe(LEXICON.size);
  });
});
