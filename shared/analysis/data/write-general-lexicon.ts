/**
 * Writes general-lexicon.json (`npx tsx shared/analysis/data/write-general-lexicon.ts`): VADER's lexicon exactly as
 * the pinned `vader-sentiment` package ships it (Hutto & Gilbert, ICWSM 2014; MIT, JavaScript port Apache-2.0), as
 * plain JSON data so the engine can read it on first use instead of carrying it in every Lambda bundle. A unit test
 * (test/unit/analysis/general-lexicon.test.ts) fails when the file and the package differ; rerun this after an
 * upgrade of the package.
 */
import { writeFileSync } from 'node:fs';
import { lexicon } from 'vader-sentiment/src/vader_lexicon.js';

const entries = Object.entries(lexicon as Record<string, number>).filter(
  ([, v]) => typeof v === 'number' && Number.isFinite(v),
);
writeFileSync(new URL('./general-lexicon.json', import.meta.url), `${JSON.stringify(Object.fromEntries(entries))}\n`);
console.log(`general-lexicon.json: ${entries.length} entries`);
