/**
 * Whether an ambiguous alias ("Slack", "Square", "Kraken", "Linear") is used as a name in its sentence, from grammar
 * alone, when nothing else in the text vouches for it (mentions.ts asks this before giving up on an ambiguous name).
 *
 * English common nouns rarely stand bare: a singular count noun takes a determiner ("the umbrella", "a square"), so
 * a bare word that opens a clause and is followed by a finite verb ("kraken froze my withdrawal", "Zoom crashed
 * again", "notion ate my notes"), by a possessive ("square's card reader"), or by a model number ("pixel 7
 * overheating") reads as a proper name; so does a capitalised word in mid-sentence with no determiner, no place
 * preposition and no neighbouring capitalised word ("an investigation into Umbrella over ..."). Word-use cues that
 * stay common-word readings: "Zoom in on the chart" (a particle, not a verb), "Bolt the shelf", "the Amazon river",
 * "in Patagonia", "Mel Brooks", "Claude Monet".
 */

/** Determiners and possessive pronouns: after them the word is a common noun (or part of a longer name). */
const DETERMINER =
  /(?:^|[^\p{L}])(?:a|an|the|this|that|these|those|some|any|no|every|each|my|your|our|his|her|its|their|one|another|of)\s+$/iu;

/** Prepositions of place and travel: "in Patagonia", "to Amazon"-the-river readings. */
const PLACE_BEFORE =
  /(?:^|[^\p{L}])(?:in|at|near|across|around|through|throughout|visit|visited|visiting|toward|towards)\s+$/iu;

/** What may open a clause right before the name. */
const CLAUSE_OPENER =
  /(?:^|[.!?;:\n(—–"“]|,|\b(?:and|but|so|because|while|whereas|then|until|since|now|when|although|though|meanwhile)\b)\s*[*_]*$/iu;

/** Auxiliaries, adverbs and irregular past forms that mark a finite verb phrase after a subject. */
const FINITE_AFTER = new Set(
  (
    "is isn't was wasn't are aren't were weren't has hasn't had hadn't have haven't keeps kept just still never always " +
    "won't can't cannot couldn't doesn't didn't don't will would should could might may finally really actually also " +
    'literally totally seriously already randomly suddenly constantly basically gets got seems seemed feels felt looks ' +
    'went goes made makes took takes ate eats lost loses broke breaks wrote rewrote gave gives did does sent sends ' +
    'stole steals ran runs shut shuts wants wanted needs tried tries refuses refused refusing froze freezes died dies ' +
    'fell sucks rocks won beat beats blew hid left let'
  ).split(' '),
);

const WORD_AFTER = /^\s+([\p{L}'’]+)/u;
const POSSESSIVE_AFTER = /^['’]s\s+\p{L}/u;
/** A model number right after the name, or after one model word ("pixel 7", "brooks ghost 16"), not a quantity. */
const MODEL_NUMBER_AFTER =
  /^(?:\s+\p{L}+)?\s+\d{1,3}(?:[a-wyz]|pro)?\b(?![.,]?\d|\s*(?:x|%|min|mins|minutes|times|mm|km|m|s|h)\b)/iu;

/** A comma, then a contrast aside or a pronoun taking the topic up. */
const TOPIC_AFTER =
  /^,\s*(?:by contrast|in contrast|on the other hand|though|however|meanwhile|instead|too|it|it's|they|c['’]est|ce sont|en cambio|por su parte|en revanche|dagegen|hingegen|invece|por outro lado)\b/iu;

/** Words naming a software product's parts, plans or states, right after its name. */
const PRODUCT_PART_AFTER =
  /^\s+(?:app|apps|ai|account|accounts|subscription|pricing|integration|integrations|desktop app|mobile app|web app|premium|status page|outage|login|notifications|huddles?|calls|meetings|workspace|workspaces|channels|databases|api|plugin|extension)\b/iu;

function isUpper(ch: string): boolean {
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

/** True when the alias occurrence text[start, end) reads as a proper name by the grammar of its sentence. */
export function readsAsName(text: string, start: number, end: number, sentenceStart: number): boolean {
  const before = text.slice(Math.max(sentenceStart, start - 40), start);
  const after = text.slice(end, Math.min(text.length, end + 40));
  if (MODEL_NUMBER_AFTER.test(after)) return true;
  // A product's own parts or states right after it ("the slack app", "notion ai", "zoom calls"), or its status
  // asked about ("is slack down").
  if (PRODUCT_PART_AFTER.test(after)) return true;
  if (/\b(?:is|are)\s+$/i.test(before) && /^\s+(?:down|up again|back up|lagging|broken)\b/i.test(after)) return true;
  if (DETERMINER.test(before)) return false;
  // Part of a longer capitalised name ("Mel Brooks", "Claude Monet").
  if (/\p{Lu}[\p{L}'’.-]*\s+$/u.test(before) && start > sentenceStart + 1 && !CLAUSE_OPENER.test(before)) return false;
  if (/^\s+\p{Lu}/u.test(after) && !/^\s+(?:I|I'm|I've|I'd)\b/u.test(after)) return false;
  if (POSSESSIVE_AFTER.test(after)) return true;
  const atClauseStart = start <= sentenceStart + 2 || CLAUSE_OPENER.test(before);
  // A capitalised topic set off by a contrast aside or taken up by a pronoun ("Umbrella, by contrast, ...",
  // "Apple, c'est devenu ...", "Linear, on the other hand, ...").
  if (atClauseStart && isUpper(text[start] ?? '') && TOPIC_AFTER.test(after)) return true;
  if (atClauseStart) {
    const next = WORD_AFTER.exec(after)?.[1]?.toLowerCase().replace('’', "'");
    if (next && (FINITE_AFTER.has(next) || (next.length >= 5 && next.endsWith('ed')))) return true;
    return false;
  }
  // Capitalised in mid-sentence, not after a place preposition, in a sentence that is not written in title case.
  const surface = text.slice(start, end);
  if (!isUpper(surface[0] ?? '') || PLACE_BEFORE.test(before)) return false;
  const words = text.slice(sentenceStart, Math.min(text.length, sentenceStart + 200)).match(/\p{L}+/gu) ?? [];
  const capitalised = words.filter((w) => w.length > 3 && isUpper(w[0]!)).length;
  const long = words.filter((w) => w.length > 3).length;
  return long > 0 && capitalised / long < 0.5;
}
