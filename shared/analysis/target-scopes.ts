/**
 * Scope scorers of target sentiment (used by target-sentiment.ts): the whole sentence for one entity (with contrast
 * weights and comparatives), a sentence naming several entities (per clause, comparatives, coordination groups and
 * object-verb cuts) and a table row (per cell). Each returns raw valence sums per entity.
 */

import { COMPARATIVE_STRENGTH, findComparative } from './comparative-forms.ts';
import { COMPARATIVES } from './lexicon-cues.ts';
import { type EmoticonScope, scoreTokens, splitClauses, type Token } from './sentiment.ts';
import type { Sentence } from './structure.ts';
import type { Mention } from './types.ts';

/** Valence sum and rated-word count of one scope. */
export interface Scope {
  sum: number;
  hits: number;
}

const COORDINATION = new Set([
  'and',
  'nor',
  'neither',
  'or',
  '&',
  'both',
  'either',
  'y',
  'et',
  'und',
  'e',
  'o',
  'ou',
  'oder',
  'plus',
  'as',
  'well',
  'como',
  'tanto',
  'sowohl',
  'auch',
  'en',
  'ed',
]);

/** Clause openers after which a name just before the cut is the clause's subject ("Globex, though, was ..."). */
const CONTRAST_OPENER = new Set(['though', 'however', 'meanwhile', 'instead', 'conversely']);

/** Tokens that belong to a mention (names like "Best Buy" carry no sentiment). */
export function skipMask(tokens: readonly Token[], ms: readonly Mention[]): (i: number) => boolean {
  if (ms.length === 0) return () => false;
  const mask = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    for (const m of ms) {
      const end = m.end + (m.suffix?.length ?? 0);
      if (t.start >= end || t.end <= m.start) continue;
      // Scripts without spaces run a name into its sentence ("ユニクロのヒートテックは最高"): such a token keeps its
      // other words (the CJK lexicon matches inside it); a Latin token overlapping a name is part of the name.
      if (t.t.charCodeAt(0) >= 0x2e80 || t.t.charCodeAt(t.t.length - 1) >= 0x2e80) {
        if (t.start >= m.start && t.end <= end) mask[i] = 1;
      } else mask[i] = 1;
    }
  }
  return (i) => mask[i] === 1;
}

export function tokenIndexAt(tokens: readonly Token[], pos: number): number {
  for (let i = 0; i < tokens.length; i++) if (tokens[i]!.end > pos) return i;
  return tokens.length;
}

/** Scores the whole sentence for one entity, with contrast weights and comparatives. */
export function scoreWhole(
  text: string,
  tokens: readonly Token[],
  skip: (i: number) => boolean,
  sarcastic: boolean,
  ei: number,
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
  emo?: EmoticonScope,
): Scope {
  let sum = 0;
  let hits = 0;
  const own = ms.filter((m) => entityIndex.get(m.entityId) === ei).map((m) => tokenIndexAt(tokens, m.start));
  for (const cl of splitClauses(tokens, text)) {
    const comp = findComparative(tokens, cl.a, cl.b, skip);
    let compSkip = skip;
    if (comp && own.length > 0) {
      const inCl = own.filter((t) => t >= cl.a && t < cl.b);
      const pos = (inCl.length > 0 ? inCl : own).reduce((best, t) =>
        Math.abs(t - comp.at) < Math.abs(best - comp.at) ? t : best,
      );
      const after = pos >= comp.pivot;
      const ownInClause = own.some((t) => t >= cl.a && t < cl.b);
      if (ownInClause) {
        sum += cl.weight * (after ? -comp.polarity : comp.polarity) * COMPARATIVE_STRENGTH;
        hits++;
        compSkip = (i) =>
          skip(i) ||
          i === comp.at ||
          (tokens[comp.at]!.t === 'more' || tokens[comp.at]!.t === 'less' ? i === comp.at + 1 : false);
      }
    }
    const sc = scoreTokens(tokens, cl.a, cl.b, compSkip, sarcastic, emo);
    sum += cl.weight * (sc.sum + cl.prior);
    hits += sc.hits + (cl.prior !== 0 ? 1 : 0);
  }
  return { sum, hits };
}

/** Scores a sentence that mentions several entities: per clause, comparatives, then coordination groups. */
export function scoreMulti(
  text: string,
  tokens: readonly Token[],
  skip: (i: number) => boolean,
  sarcastic: boolean,
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
  emo?: EmoticonScope,
): Map<number, Scope> {
  const acc = new Map<number, Scope>();
  const add = (ei: number, sum: number, hits: number): void => {
    const cur = acc.get(ei) ?? { sum: 0, hits: 0 };
    cur.sum += sum;
    cur.hits += hits;
    acc.set(ei, cur);
  };
  const mTok = ms.map((m) => ({ ei: entityIndex.get(m.entityId)!, at: tokenIndexAt(tokens, m.start) }));
  for (const { ei } of mTok) add(ei, 0, 0);
  let prevSubject: number | null = null;
  for (const cl of splitClauses(tokens, text)) {
    const inClause = mTok.filter((x) => x.at >= cl.a && x.at < cl.b);
    if (inClause.length === 0) {
      // "..., Globex, though, was the weakest": a name right before the cut is the clause's subject.
      const justBefore = CONTRAST_OPENER.has(tokens[cl.a]!.t) ? mTok.find((x) => x.at === cl.a - 1) : undefined;
      if (justBefore) prevSubject = justBefore.ei;
      if (prevSubject !== null) {
        const sc = scoreTokens(tokens, cl.a, cl.b, skip, sarcastic, emo);
        const comp = findComparative(tokens, cl.a, cl.b, skip);
        add(prevSubject, cl.weight * (sc.sum + cl.prior), sc.hits);
        if (comp && !sc.hits && !COMPARATIVES.has(tokens[comp.at]!.t)) add(prevSubject, cl.weight * comp.polarity, 1);
      }
      continue;
    }
    const earlierSubject: number | null = prevSubject;
    prevSubject = inClause[0]!.ei;
    const comp = findComparative(tokens, cl.a, cl.b, skip);
    let localSkip = skip;
    if (comp) {
      const ents = new Set(inClause.map((x) => x.ei));
      if (ents.size >= 1) {
        for (const x of inClause) {
          const side = x.at >= comp.pivot ? -comp.polarity : comp.polarity;
          add(x.ei, cl.weight * side * COMPARATIVE_STRENGTH, 1);
        }
        // "X isn't perfect, but it's far more dependable than Y": the subject side is the previous clause's subject.
        const subjectSide = inClause.some((x) => x.at < comp.pivot);
        if (!subjectSide && earlierSubject !== null && !ents.has(earlierSubject)) {
          add(earlierSubject, cl.weight * comp.polarity * COMPARATIVE_STRENGTH, 1);
          prevSubject = earlierSubject;
        }
        const isMoreLess = tokens[comp.at]!.t === 'more' || tokens[comp.at]!.t === 'less';
        localSkip = (i) => skip(i) || i === comp.at || (isMoreLess && i === comp.at + 1);
      }
    }
    // Coordination groups: "Asana and ClickUp are great" share "are great".
    const groups: { start: number; ents: Set<number> }[] = [];
    for (const x of inClause) {
      const last = groups[groups.length - 1];
      if (last) {
        const lastAt = Math.max(...inClause.filter((y) => last.ents.has(y.ei)).map((y) => y.at));
        // A name run into its clause (CJK: "印象笔记太卡了，换成Notion…") carries words of its own: not a list of names.
        let coordinated = lastAt === x.at || (skip(lastAt) && skip(x.at));
        for (let i = lastAt + 1; i < x.at; i++) {
          if (!skip(i) && !COORDINATION.has(tokens[i]!.t)) coordinated = false;
        }
        if (coordinated) {
          last.ents.add(x.ei);
          continue;
        }
      }
      groups.push({ start: x.at, ents: new Set([x.ei]) });
    }
    // A verb between two groups after a conjunction governs the next name ("avoid X and go with Y"): cut there.
    const cuts = groups.map((grp, g) =>
      g + 1 < groups.length && !comp
        ? objectVerbCut(tokens, grp.start, groups[g + 1]!.start, inClause, grp.ents)
        : null,
    );
    for (let g = 0; g < groups.length; g++) {
      const a = g === 0 ? cl.a : (cuts[g - 1] ?? groups[g]!.start);
      const b = g + 1 < groups.length ? (cuts[g] ?? groups[g + 1]!.start) : cl.b;
      const sc = scoreTokens(tokens, a, b, localSkip, sarcastic, emo);
      for (const ei of groups[g]!.ents) add(ei, cl.weight * (sc.sum + (g === 0 ? cl.prior : 0)), sc.hits);
    }
  }
  return acc;
}

/** Joiners after which the words up to the next name are that name's own verb phrase. */
const OBJECT_VERB_JOINERS = new Set(['and', 'then', 'or', 'but', 'so', 'instead']);

/**
 * Where the span of one coordination group ends when the words before the next name form that name's governing verb
 * phrase after a conjunction ("avoid X and go with Y", "ditched X, then moved to Y"): the index of the first token
 * of that phrase, or null to keep the plain cut at the next name.
 */
function objectVerbCut(
  tokens: readonly Token[],
  groupStart: number,
  nextStart: number,
  inClause: readonly { ei: number; at: number }[],
  ents: ReadonlySet<number>,
): number | null {
  const lastOwn = Math.max(groupStart, ...inClause.filter((x) => ents.has(x.ei)).map((x) => x.at));
  for (let k = nextStart - 1; k > lastOwn && k >= nextStart - 4; k--) {
    const t = tokens[k]!.t;
    if (OBJECT_VERB_JOINERS.has(t)) return k + 1 < nextStart ? k + 1 : null;
    if (tokens[k]!.breakBefore) return k;
  }
  return null;
}

/** Scores a table row per cell: a cell belongs to the entity it names, its column header's entity, or the row's. */
export function scoreTableRow(
  s: Sentence,
  tokens: readonly Token[],
  skip: (i: number) => boolean,
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
  tableHeaders: Map<number, (number | null)[]>,
  sarcastic: boolean,
): Map<number, Scope> {
  const out = new Map<number, Scope>();
  const cells = s.cells!;
  const cellEntity = cells.map((c) => {
    const m = ms.find((x) => x.start >= c.start && x.end <= c.end);
    return m ? entityIndex.get(m.entityId)! : null;
  });
  if (s.listItemIndex === null) {
    // Header row: remember which columns are entities (comparison tables).
    tableHeaders.set(s.start, cellEntity);
    tableHeaders.set(-1, cellEntity);
    return out;
  }
  const header = tableHeaders.get(-1) ?? [];
  const rowEntity = cellEntity.find((x) => x !== null) ?? null;
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k]!;
    const target = cellEntity[k] ?? header[k] ?? rowEntity;
    if (target === null || target === undefined) continue;
    const a = tokenIndexAt(tokens, c.start);
    let b = a;
    while (b < tokens.length && tokens[b]!.start < c.end) b++;
    const sc = scoreTokens(tokens, a, b, skip, sarcastic);
    let sum = sc.sum;
    let hits = sc.hits;
    if (c.section !== null && b > a) {
      sum += c.section === 'pros' ? 1.5 : -1.5;
      hits++;
    }
    const cur = out.get(target) ?? { sum: 0, hits: 0 };
    cur.sum += sum;
    cur.hits += hits;
    out.set(target, cur);
  }
  for (const m of ms) {
    const ei = entityIndex.get(m.entityId)!;
    if (!out.has(ei)) out.set(ei, { sum: 0, hits: 0 });
  }
  return out;
}
