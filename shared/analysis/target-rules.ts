/**
 * Sentence-level rules that decide WHO an opinion is about, used by target-sentiment.ts:
 * - switching and leaving verbs: "switched from X to Y", "ditched X for Y", "moved to Y after years of X",
 *   "back to Y", "cancelled X", "bye X" (X loses, Y wins);
 * - a lead reference: "Compared with X, Y is slower", "Unlike X, Y runs in the browser" (X is the yardstick: it gets
 *   the opposite of what the rest of the sentence says about the subject);
 * - label sentences: "Initech?" / "Northwind:" standing alone name the subject of the sentences that follow.
 */

import type { Token } from './sentiment.ts';

/** A mention located in a sentence's tokens. */
export interface EntityAt {
  ei: number;
  at: number;
}

/** Verbs of moving between products: the object or "from" side is left, the "to"/"for" side is chosen. */
const SWITCH_VERBS = new Set([
  'switched',
  'switch',
  'switching',
  'moved',
  'move',
  'moving',
  'migrated',
  'migrate',
  'migrating',
  'changed',
  'swapped',
  'swap',
  'ditched',
  'ditch',
  'ditching',
  'dropped',
  'drop',
  'dropping',
  'left',
  'leave',
  'leaving',
  'quit',
  'quitting',
  'cancelled',
  'canceled',
  'cancel',
  'cancelling',
  'uninstalled',
  'replaced',
  'replace',
  'replacing',
  'abandoned',
  'dumped',
  'jumped',
  'went',
  'lache',
  'quitte',
  'passe',
  'umgestiegen',
  'gewechselt',
  'cambie',
  'cambiamos',
  'pasamos',
  'deje',
  'troquei',
  'trocamos',
  'mudei',
  'mudamos',
  'voltei',
  'larguei',
  'passato',
  'passati',
  'lasciato',
  'overgestapt',
]);
/** Verbs whose direct object is the product left behind ("ditched X", "cancelled X"). */
const LEAVE_VERBS = new Set([
  'ditched',
  'ditch',
  'ditching',
  'dropped',
  'drop',
  'dropping',
  'left',
  'leave',
  'leaving',
  'quit',
  'quitting',
  'cancelled',
  'canceled',
  'cancel',
  'cancelling',
  'uninstalled',
  'replaced',
  'replace',
  'replacing',
  'abandoned',
  'dumped',
  'lache',
  'quitte',
  'deje',
  'larguei',
  'lasciato',
  'switched',
  'moved',
  'migrated',
  'swapped',
]);
const FROM_PREPS = new Set(['from', 'de', 'von', 'van', 'da', 'off']);
const TO_PREPS = new Set([
  'to',
  'with',
  'for',
  'onto',
  'pour',
  'auf',
  'zu',
  'naar',
  'a',
  'para',
  'pro',
  'pelo',
  'por',
  'per',
  'with',
]);
/** Tokens allowed between a verb/preposition and the entity it governs ("switched from the old Jira to our Linear"). */
const FILLER = new Set([
  'the',
  'my',
  'our',
  'their',
  'his',
  'her',
  'a',
  'an',
  'to',
  'back',
  'over',
  'everything',
  'all',
  'it',
  'fully',
  'o',
  'el',
  'la',
  'le',
  'den',
  'die',
  'het',
  'mon',
  'ma',
  'un',
  'une',
  'um',
  'uma',
  'il',
  'lo',
]);
/** Verb-final languages: the verb closes the clause ("von X auf Y umgestiegen"). */
const VERB_FINAL = new Set(['umgestiegen', 'gewechselt', 'overgestapt']);
const FAREWELL = new Set(['bye', 'goodbye', 'farewell', 'adios', 'ciao', 'tschuss']);

/** Strength (VADER scale) of the switching signal for each side. */
export const SWITCH_STRENGTH = 2.0;

function hasBetween(tokens: readonly Token[], from: number, to: number, word: string): boolean {
  for (let i = from + 1; i < to; i++) if (tokens[i]!.t === word) return true;
  return false;
}

/** Nearest non-filler token before `at`, or -1. */
function governorOf(tokens: readonly Token[], at: number, skip: (i: number) => boolean): number {
  for (let j = at - 1; j >= 0 && j >= at - 4; j--) {
    if (skip(j)) continue;
    const t = tokens[j]!.t;
    if (FILLER.has(t) && t !== 'to' && t !== 'back') continue;
    return j;
  }
  return -1;
}

/**
 * Switching roles in one sentence: entity index -> valence (negative for the product left, positive for the one
 * chosen), and the token indices of the verbs used (so the scorer does not count them again).
 */
export function switchRoles(
  tokens: readonly Token[],
  ents: readonly EntityAt[],
  skip: (i: number) => boolean,
): { roles: Map<number, number>; used: Set<number> } {
  const roles = new Map<number, number>();
  const used = new Set<number>();
  if (ents.length === 0) return { roles, used };
  let verb = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (skip(i)) continue;
    const t = tokens[i]!.t;
    if (SWITCH_VERBS.has(t)) {
      verb = i;
      break;
    }
  }
  for (const e of ents) {
    const g = governorOf(tokens, e.at, skip);
    const gt = g >= 0 ? tokens[g]!.t : '';
    const prev = e.at > 0 ? tokens[e.at - 1]!.t : '';
    // "bye Uber", "goodbye X" need no verb.
    if (FAREWELL.has(gt)) {
      roles.set(e.ei, (roles.get(e.ei) ?? 0) - SWITCH_STRENGTH);
      used.add(g);
      continue;
    }
    // "back to X" needs no verb either.
    if (prev === 'to' && e.at > 1 && tokens[e.at - 2]!.t === 'back') {
      roles.set(e.ei, (roles.get(e.ei) ?? 0) + SWITCH_STRENGTH);
      continue;
    }
    // "Lidl it is": the choice, said last.
    if (tokens[e.at + 1]?.t === 'it' && tokens[e.at + 2]?.t === 'is' && !skip(e.at + 1)) {
      roles.set(e.ei, (roles.get(e.ei) ?? 0) + SWITCH_STRENGTH);
      continue;
    }
    if (verb < 0 || g < 0) continue;
    const verbFinal = VERB_FINAL.has(tokens[verb]!.t);
    if (FROM_PREPS.has(gt) && (g > verb || verbFinal)) {
      roles.set(e.ei, (roles.get(e.ei) ?? 0) - SWITCH_STRENGTH);
      used.add(verb);
    } else if (TO_PREPS.has(gt) && (g > verb || verbFinal) && (gt !== 'with' || /^replac/.test(tokens[verb]!.t))) {
      roles.set(e.ei, (roles.get(e.ei) ?? 0) + SWITCH_STRENGTH);
      used.add(verb);
    } else if (g === verb && LEAVE_VERBS.has(gt)) {
      roles.set(e.ei, (roles.get(e.ei) ?? 0) - SWITCH_STRENGTH);
      used.add(verb);
    } else if (e.at < verb && hasBetween(tokens, e.at, verb, 'before')) {
      // "We ran our shop on X for two years before moving to Y".
      roles.set(e.ei, (roles.get(e.ei) ?? 0) - SWITCH_STRENGTH);
      used.add(verb);
    } else if (gt === 'of' || gt === 'with' || gt === 'on') {
      // "after 2 years of X", "after a decade with X" (with the move in the same sentence).
      for (let j = g - 1; j >= Math.max(0, g - 4); j--) {
        if (tokens[j]!.t === 'after') {
          roles.set(e.ei, (roles.get(e.ei) ?? 0) - SWITCH_STRENGTH);
          used.add(verb);
          break;
        }
      }
    }
  }
  return { roles, used };
}

/** Openers that make the entity after them a yardstick for the rest of the sentence. */
const LEAD_REFERENCE: readonly (readonly string[])[] = [
  ['compared', 'with'],
  ['compared', 'to'],
  ['comparing', 'to'],
  ['unlike'],
  ['after', 'years', 'of'],
  ['after', 'months', 'of'],
  ['coming', 'from'],
  ['in', 'contrast', 'to'],
  ['relative', 'to'],
  ['versus'],
  ['vs'],
  ['next', 'to'],
  ['against'],
  ['comparado', 'con'],
  ['comparado', 'com'],
  ['comparada', 'con'],
  ['a', 'diferencia', 'de'],
  ['im', 'vergleich', 'zu'],
  ['verglichen', 'mit'],
  ['par', 'rapport', 'a'],
  ['contrairement', 'a'],
  ['compare', 'a'],
  ['rispetto', 'a'],
  ['vergeleken', 'met'],
];

const LEAD_FIRST: ReadonlySet<string> = new Set(LEAD_REFERENCE.map((p) => p[0]!));

/**
 * When the sentence opens with a yardstick phrase ("Compared with X, ..."), returns the entity named in it and the
 * token index where the rest of the sentence starts; otherwise null.
 */
export function leadReference(
  tokens: readonly Token[],
  ents: readonly EntityAt[],
): { ei: number; restFrom: number; contrastive: boolean } | null {
  if (tokens.length < 3 || ents.length === 0 || !LEAD_FIRST.has(tokens[0]!.t)) return null;
  for (const phrase of LEAD_REFERENCE) {
    let ok = true;
    for (let k = 0; k < phrase.length; k++) {
      if (tokens[k]?.t !== phrase[k]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    // The yardstick segment runs to the first punctuation break, or (without one, as in "Im Vergleich zu X ist Y
    // langsamer") ends with the name itself.
    const named = ents.filter((e) => e.at >= phrase.length).sort((x, y) => x.at - y.at)[0];
    if (!named) return null;
    let end = phrase.length;
    while (end < tokens.length && !tokens[end]!.breakBefore) end++;
    if (
      end > named.at + 6 ||
      end >= tokens.length ||
      ents.some((e) => e.ei !== named.ei && e.at > named.at && e.at < end)
    )
      end = named.at + 1;
    const inSeg = ents.filter((e) => e.at >= phrase.length && e.at < end);
    if (inSeg.length === 0 || inSeg.some((e) => e.ei !== named.ei) || end >= tokens.length) return null;
    const first = phrase[0]!;
    return {
      ei: named.ei,
      restFrom: end,
      contrastive:
        first === 'unlike' ||
        first === 'contrairement' ||
        first === 'a' ||
        first === 'in' ||
        first === 'after' ||
        first === 'coming',
    };
  }
  return null;
}

/** Yardstick phrases that may close a sentence ("..., unlike X.", "... compared to X"). */
const TRAIL_REFERENCE: readonly (readonly string[])[] = [
  ['compared', 'with'],
  ['compared', 'to'],
  ['unlike'],
  ['in', 'contrast', 'to'],
  ['relative', 'to'],
  ['next', 'to'],
  ['comparado', 'con'],
  ['comparado', 'com'],
  ['a', 'diferencia', 'de'],
  ['im', 'vergleich', 'zu'],
  ['contrairement', 'a'],
  ['par', 'rapport', 'a'],
  ['rispetto', 'a'],
];

/** Last words of the closing yardstick phrases (a cheap pre-check). */
const TRAIL_LAST: ReadonlySet<string> = new Set(TRAIL_REFERENCE.map((p) => p[p.length - 1]!));

/**
 * When the sentence closes with a yardstick phrase and one entity ("Northwind is worth every penny, unlike Initech."),
 * returns that entity and the token index where the phrase starts; otherwise null.
 */
export function trailReference(
  tokens: readonly Token[],
  ents: readonly EntityAt[],
): { ei: number; restTo: number; contrastive: boolean } | null {
  if (ents.length < 2) return null;
  let last = ents[0]!;
  for (const e of ents) if (e.at > last.at) last = e;
  if (last.at < tokens.length - 3 || last.at < 3 || !TRAIL_LAST.has(tokens[last.at - 1]!.t)) return null;
  if (ents.filter((e) => e.ei === last.ei).length !== 1) return null;
  for (const phrase of TRAIL_REFERENCE) {
    const from = last.at - phrase.length;
    if (from < 2) continue;
    if (phrase.every((w, k) => tokens[from + k]?.t === w) && ents.some((e) => e.ei !== last.ei && e.at < from))
      return { ei: last.ei, restTo: from, contrastive: phrase[0] === 'unlike' || phrase[0] === 'contrairement' };
  }
  return null;
}

/** True when the sentence is only entity names and punctuation/markup ("Initech?", "**Northwind:**"). */
export function isNameLabel(text: string, start: number, end: number, spans: readonly [number, number][]): boolean {
  let named = 0;
  for (const [s, e] of spans) named += e - s;
  if (end - start > named + 16) return false;
  let pos = start;
  for (const [s, e] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (/[\p{L}\p{N}]/u.test(text.slice(pos, Math.max(pos, s)))) return false;
    pos = Math.max(pos, e);
  }
  if (/[\p{L}\p{N}]/u.test(text.slice(pos, end))) return false;
  // "Initech?", "Northwind:", or a bold name on its own line ("**Fabrikam**").
  return /[?:]|\*\*|__/.test(text.slice(start, end));
}
