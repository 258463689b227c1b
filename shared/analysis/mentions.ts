/**
 * Mentions: alias matches from the one-pass automaton (word boundaries, case rules, possessive/plural suffixes,
 * longest-leftmost overlaps), ambiguous aliases judged by ambiguous-names.ts, and owned domains in URLs of the text.
 */

import { judgeAmbiguous, mutualSupport } from './ambiguous-names.ts';
import type { CompiledEntities } from './analyze.ts';
import type { ExtractedCitations } from './citations.ts';
import { codePointAtSafe, codePointBefore, foldKeepCase, isWordCodePoint } from './fold.ts';
import { type AliasRef, createMatchBuffer, type MatchBuffer, scanInto } from './matcher.ts';
import { type Structure, sentenceAt } from './structure.ts';
import type { Mention } from './types.ts';

/** A candidate mention after boundary and case checks. */
export interface Candidate {
  start: number;
  end: number;
  ref: AliasRef;
  suffix: Mention['suffix'];
}

const NO_SPACE_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

/** True when `neighbor` continues the word of an alias edge character (no word boundary between them). */
function joinsWord(neighbor: number, _edge: number): boolean {
  if (neighbor < 0 || !isWordCodePoint(neighbor)) return false;
  if (neighbor < 0x0e00) return true; // below Thai: Latin, Greek, Cyrillic, Arabic, Indic ...
  // Scripts written without spaces (Han, kana, Hangul, Thai, ...): no space marks a word boundary, so a name next to
  // such a character is bounded: a Latin name ("MailchimpとBrevo", "用Slack和Notion") and a name in that script
  // ("我们用钉钉和飞书") alike. Other scripts (Cyrillic, Greek, ...) need a real boundary.
  return !NO_SPACE_SCRIPT.test(String.fromCodePoint(neighbor));
}

function isCombiningMark(cp: number): boolean {
  return cp >= 0x300 && (/\p{M}/u.test(String.fromCodePoint(cp)) || cp === 0xfe0f);
}

/**
 * Finds alias matches with word boundaries, case rules, possessive/plural suffixes and longest-leftmost overlap
 * resolution. Ambiguous aliases are returned too (flagged by their ref); context rules are applied by the analyzer.
 */
export function findAliasMatches(text: string, compiled: CompiledEntities, limit = text.length): Candidate[] {
  const m = compiled.matcher;
  const buf = RAW;
  buf.count = 0;
  scanInto(m, text, limit, buf);
  const count = buf.count;
  if (count === 0) return [];
  const raw = buf.data;
  const cands: Candidate[] = [];
  let sorted = true;
  for (let k = 0; k < count * 3; k += 3) {
    const rStart = raw[k]!;
    const rEnd = raw[k + 1]!;
    const pat = raw[k + 2]!;
    let end = rEnd;
    while (end < limit) {
      const c = text.charCodeAt(end);
      if (c < 0x300 || !isCombiningMark(codePointAtSafe(text, end))) break;
      end++;
    }
    const edge = m.patternEdgeWord[pat]!;
    if ((edge & 1) !== 0 && rStart > 0) {
      const bc = text.charCodeAt(rStart - 1);
      if (bc < 128 ? ASCII_WORD[bc] === 1 : joinsWord(codePointBefore(text, rStart), m.patternFirst[pat]!)) continue;
    }
    let suffix: Mention['suffix'] = null;
    let after = -1;
    if (end < limit) {
      after = text.charCodeAt(end);
      if (after >= 0xd800) after = codePointAtSafe(text, end);
    }
    if ((edge & 2) !== 0 && after >= 0 && joinsWord(after, m.patternLast[pat]!)) {
      // Plural "Acmes" (only where the alias allows it): the s must end the word.
      if ((after === 115 || after === 83) && m.patternPlural[pat] === 1) {
        const after2 = end + 1 < limit ? codePointAtSafe(text, end + 1) : -1;
        if (after2 >= 0 && isWordCodePoint(after2)) continue;
        suffix = 's';
      } else if (!isHandleSuffix(text, rStart, end, limit)) continue;
    } else if (after === 39 || after === 0x2019) {
      const s = end + 1 < limit ? codePointAtSafe(text, end + 1) : -1;
      const after2 = end + 2 < limit ? codePointAtSafe(text, end + 2) : -1;
      if ((s === 115 || s === 83) && !(after2 >= 0 && isWordCodePoint(after2))) suffix = "'s";
    }
    const refs = m.patternRefs[pat]!;
    let chosen: AliasRef | null = null;
    for (let q = 0; q < refs.length; q++) {
      const ref = refs[q]!;
      if (suffix === 's' && !ref.allowPlural) continue;
      if (ref.isDomain) {
        // "acme.com" but not "acme.com.evil.io" / "acme.com-x" / "notacme.com" (start boundary checked above).
        const nextNext = end + 1 < limit ? codePointAtSafe(text, end + 1) : -1;
        if ((after === 46 || after === 45) && nextNext >= 0 && isWordCodePoint(nextNext)) continue;
        const before = codePointBefore(text, rStart);
        if (before === 45) continue;
      }
      if (ref.caseSensitive && foldKeepCase(text.slice(rStart, rEnd)) !== ref.keepCase) continue;
      chosen = ref;
      break;
    }
    if (!chosen) continue;
    const prev = cands[cands.length - 1];
    if (prev && !(prev.start < rStart || (prev.start === rStart && prev.end > end))) sorted = false;
    cands.push({ start: rStart, end, ref: chosen, suffix });
  }
  // Longest-leftmost: sort by start, then longer first, then ref priority (already brand-first per pattern). The
  // scanner emits in start order, shorter first, so this is usually a cheap reversal of runs.
  if (!sorted) {
    // Stable insertion sort: the input is nearly sorted (same order as Array.prototype.sort with this comparator).
    for (let k = 1; k < cands.length; k++) {
      const c = cands[k]!;
      let j = k - 1;
      while (j >= 0 && compareCandidates(cands[j]!, c) > 0) {
        cands[j + 1] = cands[j]!;
        j--;
      }
      cands[j + 1] = c;
    }
  }
  const kept: Candidate[] = [];
  let lastEnd = -1;
  for (const c of cands) {
    if (c.start < lastEnd) continue;
    kept.push(c);
    lastEnd = c.end;
  }
  return kept;
}

const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_WORD[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ? 1 : 0;
}

function compareCandidates(a: Candidate, b: Candidate): number {
  return a.start - b.start || b.end - a.end || a.ref.entityIndex - b.ref.entityIndex;
}

/** Common tails of brand handles and hashtags: `@mondaydotcom`, `#mondaycom`, `@SlackHQ`, `@NotionHQ`. */
const HANDLE_TAIL =
  /^(?:dotcom|com|hq|app|inc|official|team|support|help|status|io|ai|so|co|cares|news|eng|dev|labs|global|us|uk)\b/i;

/** True when text[start,end) opens an @handle / #hashtag that continues with a common handle tail. */
function isHandleSuffix(text: string, start: number, end: number, limit: number): boolean {
  const before = start > 0 ? text.charCodeAt(start - 1) : -1;
  if (before !== 64 && before !== 35) return false;
  return HANDLE_TAIL.test(text.slice(end, Math.min(limit, end + 12)));
}

/** Raw-match buffer reused by every scan (analysis is synchronous, so one buffer per process is enough). */
const RAW: MatchBuffer = createMatchBuffer(256);

function insideSpans(spans: readonly [number, number][], start: number, end: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = spans[mid]!;
    if (end <= s) hi = mid - 1;
    else if (start >= e) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Text mentions (ambiguous aliases judged in context) and owned-domain URL mentions, sorted by offset. */
export function findMentions(
  text: string,
  limit: number,
  compiled: CompiledEntities,
  structure: Structure,
  cites: ExtractedCitations,
): Mention[] {
  const entities = compiled.entities;
  const sentences = structure.sentences;
  const cands = findAliasMatches(text, compiled, limit).filter((c) => !insideSpans(cites.urlSpans, c.start, c.end));
  const sentenceOf = (pos: number): number => Math.max(0, sentenceAt(sentences, pos));
  const sentenceEntities = new Map<number, Set<number>>();
  const accepted: Candidate[] = [];
  const established = new Set<number>();
  for (const c of cands) {
    if (c.ref.ambiguous) continue;
    accepted.push(c);
    established.add(c.ref.entityIndex);
    const s = sentenceOf(c.start);
    let set = sentenceEntities.get(s);
    if (!set) {
      set = new Set();
      sentenceEntities.set(s, set);
    }
    set.add(c.ref.entityIndex);
  }
  for (const c of cites.citations) {
    if (c.entityId !== null && c.start !== null) {
      const idx = entities.findIndex((e) => e.id === c.entityId);
      if (idx >= 0) established.add(idx);
    }
  }
  const ambiguous = cands.filter((c) => c.ref.ambiguous);
  const support = mutualSupport(text, ambiguous, sentences, sentenceOf);
  const pending: Candidate[] = [];
  for (const c of ambiguous) {
    const verdict = support.has(c)
      ? 'accept'
      : judgeAmbiguous(
          text,
          c,
          structure,
          sentenceOf(c.start),
          sentenceEntities,
          established,
          compiled,
          cites.links,
          cands,
        );
    if (verdict === 'accept') accepted.push(c);
    else if (verdict === 'if-established') pending.push(c);
  }
  const establishedAfter = new Set(accepted.map((c) => c.ref.entityIndex));
  for (const c of pending) if (establishedAfter.has(c.ref.entityIndex)) accepted.push(c);
  accepted.sort((a, b) => a.start - b.start);

  const mentions: Mention[] = accepted.map((c) => {
    const si = sentenceOf(c.start);
    return {
      entityId: c.ref.entityId,
      alias: c.ref.value,
      via: 'text',
      start: c.start,
      end: c.end,
      text: text.slice(c.start, c.end),
      suffix: c.suffix,
      sentenceIndex: si,
      listItemIndex: sentences[si]?.listItemIndex ?? null,
      sentiment: 0,
    };
  });
  // Owned domains in URLs of the text (not provider metadata), unless the link label already names the entity.
  for (const c of cites.citations) {
    if (c.entityId === null) continue;
    const spans: [number, number][] = [];
    if (c.start !== null && c.end !== null) spans.push([c.start, c.end]);
    for (const link of cites.links)
      if (link.citationIndex === cites.citations.indexOf(c)) spans.push([link.urlStart, link.urlEnd]);
    for (const [s, e] of spans) {
      const link = cites.links.find((l) => l.urlStart === s);
      if (
        link &&
        mentions.some((m) => m.entityId === c.entityId && m.start >= link.labelStart && m.end <= link.labelEnd)
      )
        continue;
      if (mentions.some((m) => m.via === 'url' && m.start === s)) continue;
      const si = sentenceOf(s);
      mentions.push({
        entityId: c.entityId,
        alias:
          compiled.owners.entries.find(
            (o) => o.entityId === c.entityId && (c.hostname === o.host || c.hostname.endsWith(`.${o.host}`)),
          )?.host ?? c.domain,
        via: 'url',
        start: s,
        end: e,
        text: text.slice(s, e),
        suffix: null,
        sentenceIndex: si,
        listItemIndex: sentences[si]?.listItemIndex ?? null,
        sentiment: 0,
      });
    }
  }
  mentions.sort((a, b) => a.start - b.start || a.end - b.end);
  return mentions;
}
