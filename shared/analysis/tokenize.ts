/**
 * The sentiment tokenizer: a hand-written scanner over a text span that yields folded word, number and emoji tokens
 * with their offsets, whether punctuation precedes them (negation does not cross it) and whether they were in caps.
 */

import { codePointAt, isLetterOrNumber, isPictographic, isUpper } from './chars.ts';
import { foldText } from './fold.ts';

export interface Token {
  /** Folded form. */
  t: string;
  start: number;
  end: number;
  /** Punctuation break (, ; : . ! ?) directly before this token: negation does not cross it. */
  breakBefore: boolean;
  /** Original token was all upper-case (and longer than 1 char). */
  caps: boolean;
}

const ASCII_TOKEN_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  // 1 = letter/digit, 2 = may continue a token ('-/), 0 = neither
  ASCII_TOKEN_CHAR[c] = alnum ? 1 : c === 39 || c === 45 || c === 47 ? 2 : 0;
}

/** Characters that, between two tokens, stop negation from crossing: , ; : . ! ? ( ) [ ] | — – */
function isBreakChar(c: number): boolean {
  switch (c) {
    case 44:
    case 59:
    case 58:
    case 46:
    case 33:
    case 63:
    case 40:
    case 41:
    case 91:
    case 93:
    case 124:
    case 0x2014:
    case 0x2013:
      return true;
    default:
      return false;
  }
}

function isAsciiWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * Tokenizes text[start,end) into folded tokens with original offsets.
 *
 * A hand-written scanner equivalent to the regex
 * `/\/s\b|>{2,}|[\p{L}\p{N}][\p{L}\p{N}'’\-/]*[\p{L}\p{N}]|[\p{L}\p{N}]|\p{Extended_Pictographic}\uFE0F?/gu` over
 * `text.slice(start, end)`: ASCII is classified by table, other code points through cached Unicode property
 * lookups; only the token text itself is allocated.
 */
export function tokenize(text: string, start: number, end: number): Token[] {
  const out: Token[] = [];
  let prevEnd = start;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    let tokEnd = -1;
    let ascii = true;
    let upper = false;
    let lower = false;
    if (c < 128) {
      const k = ASCII_TOKEN_CHAR[c]!;
      if (k === 1) {
        // [\p{L}\p{N}][\p{L}\p{N}'’\-/]*[\p{L}\p{N}]: extend, remembering the last letter/digit.
        let j = i + 1;
        let lastLN = i + 1;
        if (c >= 65 && c <= 90) upper = true;
        else if (c >= 97 && c <= 122) lower = true;
        while (j < end) {
          const d = text.charCodeAt(j);
          if (d < 128) {
            const kd = ASCII_TOKEN_CHAR[d]!;
            if (kd === 0) break;
            j++;
            if (kd === 1) {
              lastLN = j;
              if (d >= 65 && d <= 90) upper = true;
              else if (d >= 97 && d <= 122) lower = true;
            }
            continue;
          }
          if (d === 0x2019) {
            j++;
            continue;
          }
          const cp = codePointAt(text, j, end);
          if (!isLetterOrNumber(cp)) break;
          j += cp > 0xffff ? 2 : 1;
          lastLN = j;
        }
        tokEnd = lastLN;
        // Non-ASCII only matters inside the token (a trailing ’ is not part of it).
        for (let q = i; q < tokEnd && ascii; q++) if (text.charCodeAt(q) >= 128) ascii = false;
      } else if (c === 47 && i + 1 < end && text.charCodeAt(i + 1) === 115) {
        // \/s\b
        if (i + 2 >= end || !isAsciiWord(text.charCodeAt(i + 2))) {
          tokEnd = i + 2;
          lower = true;
        }
      } else if (c === 62 && i + 1 < end && text.charCodeAt(i + 1) === 62) {
        let j = i + 2;
        while (j < end && text.charCodeAt(j) === 62) j++;
        tokEnd = j;
      }
    } else {
      const cp = codePointAt(text, i, end);
      const w = cp > 0xffff ? 2 : 1;
      if (isLetterOrNumber(cp)) {
        let j = i + w;
        let lastLN = j;
        while (j < end) {
          const d = codePointAt(text, j, end);
          if (d < 128 ? ASCII_TOKEN_CHAR[d] === 0 : d !== 0x2019 && !isLetterOrNumber(d)) break;
          j += d > 0xffff ? 2 : 1;
          if (d < 128 ? ASCII_TOKEN_CHAR[d] === 1 : d !== 0x2019) lastLN = j;
        }
        tokEnd = lastLN;
        ascii = false;
      } else if (isPictographic(cp)) {
        tokEnd = i + w;
        if (tokEnd < end && text.charCodeAt(tokEnd) === 0xfe0f) tokEnd++;
        ascii = false;
      }
    }
    if (tokEnd < 0) {
      // No token starts here: advance one code point.
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
        const lo = text.charCodeAt(i + 1);
        i += lo >= 0xdc00 && lo <= 0xdfff ? 2 : 1;
      } else i++;
      continue;
    }
    const raw = text.slice(i, tokEnd);
    let breakBefore = false;
    for (let q = prevEnd; q < i; q++) {
      if (isBreakChar(text.charCodeAt(q))) {
        breakBefore = true;
        break;
      }
    }
    let t: string;
    let caps: boolean;
    if (ascii) {
      t = upper ? raw.toLowerCase() : raw;
      caps = raw.length > 1 && upper && !lower;
    } else {
      t = foldText(raw).replace(/\ufe0f/g, '');
      if (t.length === 0) t = raw;
      t = t.replace(/’/g, "'");
      caps = raw.length > 1 && hasUpper(raw) && raw === raw.toUpperCase();
    }
    out.push({ t, start: i, end: tokEnd, breakBefore, caps });
    prevEnd = tokEnd;
    i = tokEnd;
  }
  return out;
}

function hasUpper(s: string): boolean {
  for (let i = 0; i < s.length; ) {
    const cp = codePointAt(s, i, s.length);
    if (isUpper(cp)) return true;
    i += cp > 0xffff ? 2 : 1;
  }
  return false;
}
