/**
 * Positions: rank of first mention, the list / table / heading sequence each entity leads and its position there, and
 * the answer's primary recommendation, read from the recommendation itself ("… but I'd recommend something lighter:
 * X"), not from the first praise; hedged answers ("it depends") and conditional-only advice have none.
 */

import { type Sentence, type Structure, sentenceAt } from './structure.ts';
import type { ListInfo, Mention } from './types.ts';

const REFUSAL_RE =
  /\b(?:i(?:'m| am) (?:not able|unable) to (?:help|provide|recommend|assist)|i can(?:no|')t (?:help|provide|recommend|assist|browse)|as an ai\b|i don't have (?:access|real-time|current|personal)|i do not have (?:access|real-time|personal)|i'm sorry, but i can)/i;

/** Cues of the writer's own pick (strength 2), in en, es, pt, fr, de, it, nl. */
const STRONG_CUE = new RegExp(
  '(?:' +
    [
      String.raw`\b(?:i(?:'d| would)? (?:\w+ )?(?:recommend(?:ing)?|suggest)`,
      String.raw`my (?:top |personal |overall |final |own )?(?:pick|recommendation|choice|vote|suggestion)`,
      String.raw`(?:i'd|i would|i'll|i will|i'm going to) (?:\w+ )?(?:choose|pick|go with|go for|opt for|lean (?:towards?|toward)|start with)`,
      String.raw`(?:i'd|i would) (?:\w+ )?(?:buy|get|use|take|add|try|pay for|move (?:\w+ )?to|switch (?:\w+ )?to)`,
      String.raw`(?:just |i'd |you should |you'll want to )?(?:go|stick|stay) with|our (?:top )?pick|top pick|best overall`,
      String.raw`overall (?:winner|pick|best)|clear winner|the winner|winner:|verdict:|bottom line:|recommendation:|recommended:`,
      String.raw`you can't go wrong with|(?:te |le |les |os |lhe )?recomiendo|mi recomendaci[oó]n|(?:eu )?recomendo`,
      String.raw`minha recomenda[cç][aã]o|je (?:vous |te )?(?:conseille|recommande)|(?:ma|notre) recommandation`,
      String.raw`ich (?:w[uü]rde )?(?:\w+ )?empfehle|meine empfehlung|(?:ti |vi )?consiglio|la mia scelta`,
      String.raw`ik (?:zou )?(?:\w+ )?aanraden|ik raad|mijn aanrader|mijn keuze`,
      // Verdict labels ("Best value: X", "Top pick -"), and zh/ja/ko ("推荐：X", "おすすめ", "추천").
      String.raw`(?:best (?:value|pick|choice|buy|for you|for most (?:people|teams|users))|top recommendation|our verdict|the verdict|final pick)\s*[:\-–—]`,
    ].join('|') +
    // zh / ja / ko: no \b around ideographs.
    String.raw`))|(?:我(?:会)?推荐|推荐|首选|おすすめ(?:は)?|イチオシ|추천(?:합니다|해요)?)`,
  // No `u` flag: case-insensitive Unicode matching makes this alternation several times slower, and every
  // alternative is ASCII or a BMP literal.
  'gi',
);
/** "Best for a podcaster: X": a pick for one situation; several of them are a categorised list (no overall pick). */
const SITUATION_CUE = /\bbest for (?!you\b|most\b)(?:[\p{L}\d'’-]+ ){0,4}[\p{L}\d'’-]+\s*[*_]*\s*[:\-–—]/giu;
/** In a summing-up sentence ("Overall, X is the easiest starting point"), a superlative names the pick. */
const SUMMARY_LEAD =
  /^[\s*_>-]*(?:overall|in short|bottom line|in summary|to sum up|all in all|ultimately|tl;dr|in conclusion)\b/i;
const SUMMARY_WORD = /overall|in short|bottom line|in summary|to sum up|all in all|ultimately|tl;dr|in conclusion/i;
const SUMMARY_CUE =
  /\b(?:is|are|remains) (?:the|your) (?:\w+est|most \w+|best) (?:starting point|place to start|option|choice|pick|bet|tool|platform|fit)\b/giu;
/** Descriptive praise that often names the pick (strength 1): loses to any strong cue. */
const WEAK_CUE =
  /\b(?:the (?:clear|obvious|natural|safe|smart|right|better|best) (?:choice|option|pick|bet|fit|winner)|the way to go|the one to (?:get|pick|beat|choose)|the best overall|(?:your )?best bet|first choice|top choice|editor's choice|(?:is|are) the better (?:fit|choice|option|pick)|stands out as the best)/gi;

/** A cue followed by a condition is not the overall pick: "the best choice if you are a Microsoft shop". */
const CONDITIONAL_AFTER =
  /^[\s,:*_-]*(?:if|when|unless|only if|in case|provided|as long as|for (?:teams|those|anyone|people|companies|users|businesses|orgs|organizations) (?:who|that|with|already))\b/i;
/** A sentence that opens with a condition: "If you need X, go with Y". */
const CONDITIONAL_BEFORE =
  /^[\s*_>"“-]*(?:if|when|unless|in case|should you|depending on|for those who|for anyone who)\b/i;
/** "If you need one recommendation, I'd recommend X" is no condition at all. */
const NOT_A_CONDITION =
  /^[\s*_>"“-]*if (?:you (?:need|want|had|have) to (?:pick|choose)|you (?:need|want) (?:one|a single|just one|my)|i (?:had|have) to (?:pick|choose))/i;
const NEGATED_BEFORE = /\b(?:not|n't|never|wouldn't|don't|can't|won't|no longer|hardly)\s*(?:\w+\s*)?$/i;
const AGAINST_AFTER = /^[\s,:]*(?:against|avoiding|staying away|steering clear|skipping|not)\b/i;
/** Words before a name that make it the thing compared against, not the pick: "something lighter than X". */
const FOIL_BEFORE =
  /\b(?:than|over|instead of|rather than|unlike|versus|vs\.?|from|besides|other than|except|avoid|not|beyond|compared (?:to|with))\s*[*_"“]*$/i;
const CONTRAST_BEFORE = /\b(?:but|however|though|although|whereas|while|yet)\b|;/i;
/** A later cue in a summing-up or contrasting sentence overrides an earlier one of the same strength. */
const OVERRIDE_RE =
  /\b(?:but|however|that said|instead|ultimately|overall|bottom line|in short|in summary|to sum up|all in all|tl;dr|verdict|final(?:ly)?|in the end|honestly)\b/i;
/** Hedged answers: no overall pick unless a plain, unconditional first-person recommendation is also given. */
const HEDGE_RE = new RegExp(
  [
    String.raw`\b(?:it (?:really |all )?depends|depends (?:\w+ )?on (?:your|what|how|the|whether|which)`,
    String.raw`there(?:'s| is) no (?:single |one |universal |clear |objective )?(?:best|right answer|winner)`,
    String.raw`no one-size-fits-all|no single best|hard to (?:pick|say|name) (?:a|one) (?:single )?(?:best|winner)`,
    String.raw`(?:all|both) (?:are|of them are) (?:great|good|solid|excellent) (?:options|choices)`,
    String.raw`d[eé]pend(?:e|ra)? (?:de|do|da|des|du|di|dal|della|dalle)\b|kommt (?:ganz )?(?:darauf|drauf) an`,
    String.raw`h[aä]ngt (?:ganz )?(?:davon )?ab|hangt (?:er )?(?:van )?af|hangt af van)`,
  ].join('|'),
  'i',
);

/**
 * Literal words every match of a cue pattern contains: a text without any of them cannot match, and testing these
 * first is several times cheaper than running the big alternations (which backtrack at every position).
 */
const CUE_ANCHOR = new Map<RegExp, RegExp>([
  [
    STRONG_CUE,
    /recommend|suggest|pick|choice|vote|i'd|i would|i'll|i will|i'm going|go with|stick with|stay with|winner|verdict|bottom line|best|recomiend|recomend|conseill|recommand|empfehl|consigl|scelta|aanrad|ik raad|aanrader|keuze|推荐|首选|おすすめ|イチオシ|추천|go wrong|final pick/i,
  ],
  [WEAK_CUE, /choice|option|pick|bet\b|fit\b|winner|way to go|one to|stands out|best overall/i],
  [SITUATION_CUE, /best for/i],
  [SUMMARY_CUE, SUMMARY_WORD],
]);

/** The entity leading each list item / table row: first text mention in the item's lead sentence. */
export function leadEntities(
  structure: Structure,
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
): Map<number, number> {
  const lead = new Map<number, number>();
  for (const m of ms) {
    if (m.listItemIndex === null || lead.has(m.listItemIndex)) continue;
    const s = structure.sentences[m.sentenceIndex];
    if (!s?.leadOfItem) continue;
    const item = structure.items[m.listItemIndex];
    if (!item) continue;
    // The name must open the item ("1. **Asana** - ...", "- Asana: ...", "| Asana |"), not sit deep in its prose;
    // in a table row it must open its cell ("| 1 | Small teams that sell | Pipedrive |").
    let from = item.start;
    if (s.cells) {
      const cell = s.cells.find((c) => m.start >= c.start && m.start < c.end);
      if (cell) from = cell.start;
    }
    if (m.start - from > 48) continue;
    lead.set(m.listItemIndex, entityIndex.get(m.entityId)!);
  }
  return lead;
}

interface Cue {
  pick: number;
  strength: number;
  sentence: number;
  override: boolean;
}

/** Between a subject and the cue: a short model name, then a copula ("X Beta AR is my pick", "X is what I'd ..."). */
const COPULA_GAP =
  /^['’]?s?(?:\s+[\p{Lu}\d][\p{L}\d.+-]*){0,4}\s+(?:is|are|remains|would be|will be)\s+(?:(?:still |simply |clearly |honestly )?(?:the|my|our|what|your|a|an|one|definitely|probably)\s+)?(?:\w+\s+){0,2}$/u;

/** End of the clause that starts at `from`: the next `;`, sentence end, or contrast word. */
function clauseEndAfter(text: string, from: number, end: number): number {
  const m = /;|\s(?:but|while|whereas|although|though|however)\s/i.exec(text.slice(from, end));
  return m ? from + m.index : end;
}

/** The entity a cue at `cueEnd` in sentence `s` points at, or null. */
function pickOfCue(
  text: string,
  s: Sentence,
  cueStart: number,
  cueEnd: number,
  inS: readonly Mention[],
  ms: readonly Mention[],
  sentences: readonly Sentence[],
  entityIndex: ReadonlyMap<string, number>,
): number | null {
  // "Square is the better fit", "the Logitech MX Master 3S is what I'd recommend": the subject before the cue.
  const prior = inS.filter((m) => m.end <= cueStart);
  const subject = prior[prior.length - 1];
  if (subject && COPULA_GAP.test(text.slice(subject.end, cueStart))) return entityIndex.get(subject.entityId) ?? null;
  // Otherwise the first name after the cue in its clause that is not a foil ("something lighter than X").
  const clauseEnd = clauseEndAfter(text, cueEnd, s.end);
  for (const m of inS) {
    if (m.start < cueEnd || m.start >= clauseEnd) continue;
    if (FOIL_BEFORE.test(text.slice(Math.max(cueEnd, m.start - 24), m.start))) continue;
    return entityIndex.get(m.entityId) ?? null;
  }
  // "I'd recommend something lighter:" with the pick on the next line(s).
  const rest = text.slice(cueEnd, s.end);
  if (/:\s*[*_]*\s*$/.test(rest) || /^[\s*_:-]*$/.test(rest)) {
    for (let k = s.index + 1; k < Math.min(sentences.length, s.index + 3); k++) {
      const next = ms.find((m) => m.sentenceIndex === k);
      if (next) return entityIndex.get(next.entityId) ?? null;
    }
  }
  // "X is my top pick": the name before the cue in the same clause.
  const before = inS.filter((m) => m.end <= cueStart);
  const last = before[before.length - 1];
  if (!last) return null;
  if (CONTRAST_BEFORE.test(text.slice(last.end, cueStart))) return null;
  const distinct = new Set(before.map((m) => m.entityId));
  if (
    distinct.size > 1 &&
    !/^[\s*_'’s]*(?:is|are|was|remains|stays|would be|gets)\b/i.test(text.slice(last.end, cueStart))
  )
    return null;
  return entityIndex.get(last.entityId) ?? null;
}

/** Offset in `head` after its last clause break (`;`, "but", "however", "otherwise", "overall"), or 0. */
function lastClauseBreak(head: string): number {
  let at = 0;
  for (const m of head.matchAll(/;|\b(?:but|however|otherwise|overall|that said)\b,?/gi)) at = m.index + m[0].length;
  return at;
}

function findPrimary(
  text: string,
  sentences: readonly Sentence[],
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
): number | null {
  const cues: Cue[] = [];
  const conditional: Cue[] = [];
  if (ms.length === 0) return null;
  const bySentence = new Map<number, Mention[]>();
  for (const m of ms) {
    const arr = bySentence.get(m.sentenceIndex);
    if (arr) arr.push(m);
    else bySentence.set(m.sentenceIndex, [m]);
  }
  const NONE: Mention[] = [];
  const end = sentences.length > 0 ? sentences[sentences.length - 1]!.end : 0;
  const scan = text.length > end ? text.slice(0, end) : text;
  // Each cue pattern runs once over the whole text; a hit is then placed in its sentence.
  for (const [re, strength] of [
    [STRONG_CUE, 2],
    [WEAK_CUE, 1],
    [SITUATION_CUE, 3],
    [SUMMARY_CUE, 1],
  ] as const) {
    if (!CUE_ANCHOR.get(re)!.test(scan)) continue; // cheap literal pre-check: most texts have no cue at all
    re.lastIndex = 0;
    for (let cue = re.exec(scan); cue !== null; cue = re.exec(scan)) {
      const cueStart = cue.index;
      const cueEnd = cueStart + cue[0].length;
      const s = sentences[sentenceAt(sentences, cueStart)];
      if (!s || cueEnd > s.end || s.blockKind === 'code') continue;
      // A cue can only name a pick in its own sentence or the next two.
      const inS = bySentence.get(s.index) ?? NONE;
      if (inS.length === 0 && !bySentence.has(s.index + 1) && !bySentence.has(s.index + 2)) continue;
      if (re === SUMMARY_CUE && !SUMMARY_LEAD.test(text.slice(s.start, cueStart))) continue;
      const before = text.slice(Math.max(s.start, cueStart - 30), cueStart);
      const after = text.slice(cueEnd, Math.min(s.end, cueEnd + 60));
      if (NEGATED_BEFORE.test(before) || AGAINST_AFTER.test(after)) continue;
      const pick = pickOfCue(text, s, cueStart, cueEnd, inS, ms, sentences, entityIndex);
      if (pick === null) continue;
      const head = text.slice(s.start, cueStart);
      // The clause the cue sits in: "Salesforce is great; if you need Y, go with Pipedrive" is conditional.
      const clause = head.slice(lastClauseBreak(head));
      const cueOf: Cue = { pick, strength: Math.min(strength, 2), sentence: s.index, override: OVERRIDE_RE.test(head) };
      if (strength === 3) conditional.push(cueOf);
      else if (CONDITIONAL_AFTER.test(after)) conditional.push({ ...cueOf, strength: 0 });
      else if (CONDITIONAL_BEFORE.test(clause) && !NOT_A_CONDITION.test(clause)) conditional.push(cueOf);
      else cues.push(cueOf);
    }
  }
  if (cues.length === 0 && conditional.length === 0) return null;
  // Advice split by situation ("if you need X, go with A; if you need Y, go with B") names no overall pick.
  const hedged = HEDGE_RE.test(text) || new Set(conditional.map((c) => c.pick)).size >= 2;
  if (cues.length > 0) {
    const top = Math.max(...cues.map((c) => c.strength));
    // A hedged answer still has a pick when the writer plainly names one ("it depends, but I'd go with X").
    if (!hedged || top === 2) {
      const best = cues.filter((c) => c.strength === top).sort((a, b) => a.sentence - b.sentence);
      const overriding = best.filter((c) => c.override);
      return (overriding[overriding.length - 1] ?? best[0]!).pick;
    }
  }
  if (hedged) return null;
  // Else the one conditional first-person recommendation ("If speed matters most, my recommendation is X").
  const strong = conditional.filter((c) => c.strength === 2);
  return strong.length > 0 ? strong[0]!.pick : null;
}

/** Positions in unnumbered heading sequences (`## Name` per entity, `**Name** — …` paragraphs): entity -> list. */
function headingSequences(
  structure: Structure,
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
): { at: number; ei: number; info: ListInfo }[] {
  const out: { at: number; ei: number; info: ListInfo }[] = [];
  const groups = new Map<string, { at: number; ei: number }[]>();
  const parents: number[] = []; // index of the last heading per level
  let mi = 0;
  structure.headings.forEach((h, k) => {
    parents[h.level] = k;
    parents.length = h.level + 1;
    if (h.numbered) return;
    let parent = -1;
    for (let l = h.level - 1; l >= 1; l--) if (parents[l] !== undefined) parent = Math.max(parent, parents[l]!);
    while (mi < ms.length && ms[mi]!.start < h.start) mi++;
    const m = ms[mi];
    if (!m || m.start >= h.end || m.start - h.start > 48) return;
    const key = `${h.level}/${parent}`;
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
    }
    const ei = entityIndex.get(m.entityId)!;
    if (!g.some((x) => x.ei === ei)) g.push({ at: h.start, ei });
  });
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.forEach((x, k) => {
      out.push({ at: x.at, ei: x.ei, info: { kind: 'unordered', position: k + 1, size: g.length } });
    });
  }
  return out;
}

export interface Positions {
  rankOf: Map<number, number>;
  firstOffset: Map<number, number>;
  listOf: Map<number, ListInfo>;
  ranked: Set<number>;
  refusal: boolean;
  primary: number | null;
}

/** Rank, list position and primary recommendation of every entity. */
export function findPositions(
  text: string,
  limit: number,
  structure: Structure,
  mentions: readonly Mention[],
  textMentions: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
  itemLead: ReadonlyMap<number, number>,
): Positions {
  const sentences = structure.sentences;
  const firstOffset = new Map<number, number>();
  for (const m of mentions) {
    const ei = entityIndex.get(m.entityId)!;
    if (!firstOffset.has(ei)) firstOffset.set(ei, m.start);
  }
  const rankOrder = [...firstOffset.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const rankOf = new Map(rankOrder.map(([ei], k) => [ei, k + 1]));
  const ranked = new Set<number>();
  const places: { at: number; ei: number; info: ListInfo; ranked?: boolean }[] = [];
  for (const [itemIdx, ei] of itemLead) {
    const item = structure.items[itemIdx]!;
    if (item.isLabel) continue;
    const list = structure.lists[item.listId]!;
    if (list.fromBoldNumbers && list.size < 2) continue; // one "#1 fan of X" line is not a ranking
    if (list.ranked) ranked.add(ei);
    places.push({
      at: item.start,
      ei,
      info: { kind: list.kind, position: item.position, size: list.size },
      ranked: list.ranked,
    });
  }
  if (structure.headings.length >= 2) places.push(...headingSequences(structure, textMentions, entityIndex));
  // A place in a ranking (numbered list, numbered headings, ranked table) wins over an earlier unranked list.
  places.sort((a, b) => Number(b.ranked ?? false) - Number(a.ranked ?? false) || a.at - b.at);
  const listOf = new Map<number, ListInfo>();
  for (const p of places) if (!listOf.has(p.ei)) listOf.set(p.ei, p.info);
  const refusal = REFUSAL_RE.test(text.slice(0, Math.min(limit, 600))) && mentions.length <= 2;
  const primary = refusal ? null : findPrimary(text, sentences, textMentions, entityIndex);
  return { rankOf, firstOffset, listOf, ranked, refusal, primary };
}
