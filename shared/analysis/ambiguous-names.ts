/**
 * Context rules for ambiguous aliases ("Slack", "Notion", "Monday", "Apple"), used by findMentions (mentions.ts):
 * dates ("on Monday"), two ambiguous names vouching for each other, names the writer acts on or compares, coordination
 * with another tracked name, headings, markup, context terms, and the grammar of name-use.ts.
 */

import type { CompiledEntities } from './analyze.ts';
import { codePointBefore, foldText, startsUpper } from './fold.ts';
import type { Candidate } from './mentions.ts';
import { readsAsName } from './name-use.ts';
import type { Structure } from './structure.ts';

const CALENDAR_WORDS = new Set([
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]);
const TEMPORAL_BEFORE =
  /\b(?:on|every|next|last|this|until|by|since|from|till|through|each|before|after|early|late|past|coming)\s+$/i;
const TEMPORAL_AFTER =
  /^\s*(?:morning|mornings|afternoon|afternoons|evening|evenings|night|nights|again|meeting|meetings|standup|blues|motivation|at\s+\d|\d{1,2}(?:st|nd|rd|th)?\b|\d{4}\b|,?\s+(?:january|february|march|april|may|june|july|august|september|october|november|december)\b)/i;

/** A weekday/month alias ("Monday" for monday.com) used as a date: "on Monday", "Monday morning", "May 2024". */
function isTemporalUse(text: string, c: Candidate): boolean {
  if (!CALENDAR_WORDS.has(foldText(c.ref.value))) return false;
  if (TEMPORAL_BEFORE.test(text.slice(Math.max(0, c.start - 12), c.start))) return true;
  return TEMPORAL_AFTER.test(text.slice(c.end, c.end + 24));
}

/** Two ambiguous names closer than this (same paragraph) can vouch for each other. */
const SUPPORT_DISTANCE = 120;

/**
 * Ambiguous names that support each other: two different tracked entities written capitalised close together
 * ("SLACK is down again… everyone's on Discord", "我们用Slack和Notion") name two products, not two words. Guards: not a
 * calendar use, aliases of 3+ characters (`On` for On Running is too common), no blank line between them, and at
 * least one of the two is capitalised where a common word would not be (mid-sentence, or in capitals).
 */
export function mutualSupport(
  text: string,
  ambiguous: readonly Candidate[],
  sentences: Structure['sentences'],
  sentenceOf: (pos: number) => number,
): Set<Candidate> {
  const out = new Set<Candidate>();
  if (ambiguous.length < 2) return out;
  const eligible: { c: Candidate; strong: boolean }[] = [];
  for (const c of ambiguous) {
    const surface = text.slice(c.start, c.end);
    if (surface.length < 3 || !(c.ref.caseSensitive || startsUpper(surface)) || isTemporalUse(text, c)) continue;
    const s = sentences[sentenceOf(c.start)];
    let lead = s ? s.start : 0;
    while (lead < c.start && /[\s*_#>"“'([-]/.test(text.charAt(lead))) lead++;
    const allCaps = surface === surface.toUpperCase() && surface !== surface.toLowerCase();
    eligible.push({ c, strong: allCaps || lead < c.start || !/\p{Script=Latin}/u.test(surface) });
  }
  for (let i = 0; i < eligible.length; i++) {
    for (let j = i + 1; j < eligible.length; j++) {
      const a = eligible[i]!;
      const b = eligible[j]!;
      if (b.c.start - a.c.end > SUPPORT_DISTANCE) break;
      if (a.c.ref.entityIndex === b.c.ref.entityIndex || !(a.strong || b.strong)) continue;
      if (/\n[^\S\n]*\n/.test(text.slice(a.c.end, b.c.start))) continue;
      out.add(a.c);
      out.add(b.c);
    }
  }
  return out;
}

/** Verbs and prepositions before a product name that the writer acts on. */
const USE_BEFORE =
  /\b(?:go with|went with|going with|switch(?:ed|ing)? (?:back |over )?(?:to|from)|mov(?:e|ed|ing) (?:back |over )?(?:to|from|off|onto)|(?:went|going|came|coming|got|get) back to|migrat(?:e|ed|ing) (?:to|from)|(?:tried|trying|try|using|use|used|uses) (?:out )?|recommend(?:ed)?|(?:ordered|bought|buy|sold|selling|listed) (?:\w+ ){0,3}(?:on|from|at)|sign(?:ed)? up (?:for|with)|subscribed to|cancel(?:l?ed)? (?:my )?|ditch(?:ed|ing)?|dropp(?:ed|ing)|prefer(?:red)?|pay(?:ing)? for|logged into|log into|open(?:ed)?|install(?:ed)?)\s*$/i;

/**
 * A name the writer acts on in a sentence that names another tracked product ("switched back to apple after years of
 * samsung", "moved the team from jira to linear"): the two read as products even in lower case.
 */
/** A comparison right before the name ("better than teams", "vs zoom", "huddles > zoom"). */
const COMPARED_BEFORE = /(?:\bthan|\bvs\.?|\bversus|\binstead of|\bover|[<>])\s*$/i;

function comparedWith(text: string, c: Candidate): boolean {
  return COMPARED_BEFORE.test(text.slice(Math.max(0, c.start - 16), c.start));
}

function actedOn(text: string, c: Candidate, cands: readonly Candidate[]): boolean {
  const before = text.slice(Math.max(0, c.start - 40), c.start);
  if (USE_BEFORE.test(before)) return true;
  const m = /\b(?:from|off)\s+(\S+)\s+(?:and\s+)?(?:to|onto|for)\s*$/i.exec(before);
  if (!m) return false;
  const at = c.start - m[0].length + m[0].indexOf(m[1]!);
  return cands.some((o) => o.ref.entityIndex !== c.ref.entityIndex && o.start === at);
}

/**
 * A lower-case ambiguous name written right next to another tracked name ("slack/discord both down", "our jira →
 * linear migration", "notion's & slack's status pages"): the pair reads as two products.
 */
function coordinated(text: string, c: Candidate, cands: readonly Candidate[]): boolean {
  for (const o of cands) {
    if (o === c || o.ref.entityIndex === c.ref.entityIndex) continue;
    const gap = o.start >= c.end ? text.slice(c.end, o.start) : o.end <= c.start ? text.slice(o.end, c.start) : null;
    if (gap === null || gap.length > 8) continue;
    if (/^(?:['’]s)?\s*(?:\/|&|\+|,|→|->|=>|and|or|vs\.?|versus|y|et|und|e|o|ou|和|と|與|与|및)\s*$/i.test(gap))
      return true;
  }
  return false;
}

type AmbiguousVerdict = 'accept' | 'reject' | 'if-established';

export function judgeAmbiguous(
  text: string,
  c: Candidate,
  structure: Structure,
  sentenceIdx: number,
  sentenceEntities: ReadonlyMap<number, ReadonlySet<number>>,
  established: ReadonlySet<number>,
  compiled: CompiledEntities,
  links: readonly { labelStart: number; labelEnd: number }[],
  cands: readonly Candidate[],
): AmbiguousVerdict {
  const ei = c.ref.entityIndex;
  const surface = text.slice(c.start, c.end);
  if (isTemporalUse(text, c)) return 'reject';
  const cap = c.ref.caseSensitive || startsUpper(surface);
  const before = codePointBefore(text, c.start);
  // Strong context: the entity is already named unambiguously, it is a @handle/#hashtag, or it is compared with
  // another tracked entity in the same sentence.
  if (established.has(ei)) return cap ? 'accept' : 'if-established';
  if (before === 64 || before === 35) return 'accept';
  const others = sentenceEntities.get(sentenceIdx);
  if (others && [...others].some((o) => o !== ei))
    return cap || coordinated(text, c, cands) || actedOn(text, c, cands) || comparedWith(text, c)
      ? 'accept'
      : 'if-established';
  const s0Start = structure.sentences[sentenceIdx]?.start ?? 0;
  if (!cap) {
    if (coordinated(text, c, cands) || readsAsName(text, c.start, c.end, s0Start)) return 'accept';
    // Beside another tracked name in its sentence: a name the writer acts on or compares ("switched from zoom to
    // teams", "slack is better than teams").
    const s = structure.sentences[sentenceIdx];
    const beside =
      s !== undefined &&
      cands.some((o) => o.ref.entityIndex !== ei && o.start >= s.start && o.end <= s.end && o.start !== c.start);
    return beside && (actedOn(text, c, cands) || comparedWith(text, c)) ? 'accept' : 'reject';
  }
  // A name the writer acts on ("go with Linear", "switched to Square", "ordered it on Amazon").
  if (USE_BEFORE.test(text.slice(Math.max(0, c.start - 28), c.start))) return 'accept';
  // A heading that is the name and nothing else ("## Factorial").
  const h = structure.sentences[sentenceIdx];
  if (
    h?.blockKind === 'heading' &&
    text.slice(h.start, h.end).replace(/[#*_:\s]+/g, '') === surface.replace(/\s+/g, '')
  )
    return 'accept';
  // Another tracked name (unambiguous) close by in the same paragraph, and this one capitalised mid-sentence.
  const s0 = structure.sentences[sentenceIdx];
  // Not after another capitalised word: "Mel Brooks", "Claude Monet" are people, whatever is named nearby.
  const afterName = /\p{Lu}[\p{L}'’.-]*\s+$/u.test(text.slice(Math.max(0, c.start - 24), c.start));
  if (s0 && c.start > s0.start + 2 && !afterName) {
    for (const o of cands) {
      if (o.ref.ambiguous || o.ref.entityIndex === ei) continue;
      const gap = o.start > c.end ? text.slice(c.end, o.start) : o.end <= c.start ? text.slice(o.end, c.start) : '';
      if (gap.length <= SUPPORT_DISTANCE && !/\n[^\S\n]*\n/.test(gap) && (o.start > c.end || o.end <= c.start))
        return 'accept';
    }
  }
  if (readsAsName(text, c.start, c.end, s0Start)) return 'accept';
  // Weak context (needs capitalisation): markdown emphasis/link/list lead/table cell, or a context term nearby.
  const s = structure.sentences[sentenceIdx];
  const around = text.slice(Math.max(0, c.start - 3), Math.min(text.length, c.end + 3));
  if (/\*\*|__/.test(around)) return 'accept';
  if (links.some((l) => c.start >= l.labelStart && c.end <= l.labelEnd)) return 'accept';
  if (s?.leadOfItem && s.listItemIndex !== null && c.start - s.start <= 4) return 'accept';
  if (s && s.blockKind === 'table-row') return 'accept';
  const terms = compiled.contextTerms[ei]!;
  const from = s ? Math.max(s.start, c.start - 80) : Math.max(0, c.start - 80);
  const to = s ? Math.min(s.end, c.end + 80) : Math.min(text.length, c.end + 80);
  for (const w of foldText(text.slice(from, to)).split(/[^\p{L}\p{N}]+/u)) if (terms.has(w)) return 'accept';
  return 'if-established';
}
