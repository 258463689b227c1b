/**
 * Sentence splitting and word counting for one line of text: hand-written scanners (no regex per character) that
 * give exactly the results of the regexes they replaced (test/unit/analysis/internals.test.ts checks them).
 */

import { codePointAt, isJsSpace, isLetter, isLetterOrNumber } from './chars.ts';

const ABBREVIATIONS = new Set([
  'e.g',
  'i.e',
  'vs',
  'etc',
  'inc',
  'ltd',
  'co',
  'corp',
  'dr',
  'mr',
  'mrs',
  'ms',
  'st',
  'approx',
  'no',
  'jr',
  'sr',
  'u.s',
  'fig',
  'cf',
  'est',
]);

/**
 * Number of words in text[start,end): matches of `/[\p{L}\p{N}]+(?:['’][\p{L}]+)*\/gu` on the slice, counted by a
 * scanner instead of the regex (no slice, no match objects).
 */
export function countWords(text: string, start: number, end: number): number {
  let n = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    const cp = c < 128 ? c : codePointAt(text, i, end);
    if (cp < 128 ? ASCII_LN[cp] === 0 : !isLetterOrNumber(cp)) {
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    n++;
    i += cp > 0xffff ? 2 : 1;
    // [\p{L}\p{N}]+
    while (i < end) {
      const d = text.charCodeAt(i);
      if (d < 128) {
        if (ASCII_LN[d] === 0) break;
        i++;
        continue;
      }
      const e = codePointAt(text, i, end);
      if (!isLetterOrNumber(e)) break;
      i += e > 0xffff ? 2 : 1;
    }
    // (?:['’][\p{L}]+)*
    while (i + 1 < end) {
      const q = text.charCodeAt(i);
      if (q !== 39 && q !== 0x2019) break;
      const f = codePointAt(text, i + 1, end);
      if (!isLetter(f)) break;
      i += 1 + (f > 0xffff ? 2 : 1);
      while (i < end) {
        const g = codePointAt(text, i, end);
        if (!isLetter(g)) break;
        i += g > 0xffff ? 2 : 1;
      }
    }
  }
  return n;
}

const ASCII_LN = new Uint8Array(128);
for (let c = 0; c < 128; c++)
  ASCII_LN[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 0;

/** Characters that may directly follow a terminator and still belong to the sentence: . ! ? … " ' ) ] * _ */
function isCloser(c: number): boolean {
  return (
    c === 46 ||
    c === 33 ||
    c === 63 ||
    c === 0x2026 ||
    c === 34 ||
    c === 39 ||
    c === 41 ||
    c === 93 ||
    c === 42 ||
    c === 95
  );
}

/** Full-width terminators and closing brackets/quotes that stay with the sentence: 。！？」』）】 */
function isFullWidthCloser(c: number): boolean {
  return c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0x300d || c === 0x300f || c === 0xff09 || c === 0x3011;
}

/** Splits [start,end) of one line into sentences; returns [start,end) pairs with surrounding whitespace trimmed. */
export function splitSentences(text: string, start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  let s = start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    // 。！？: full-width terminators end a sentence with no space after them (CJK writes none).
    if (c === 0x3002 || c === 0xff01 || c === 0xff1f) {
      let j = i + 1;
      while (j < end && (isCloser(text.charCodeAt(j)) || isFullWidthCloser(text.charCodeAt(j)))) j++;
      out.push([s, j]);
      s = j;
      i = j - 1;
      continue;
    }
    // . ! ? …
    if (c !== 46 && c !== 33 && c !== 63 && c !== 0x2026) continue;
    let j = i + 1;
    while (j < end && isCloser(text.charCodeAt(j))) j++;
    if (j < end && !isJsSpace(text.charCodeAt(j))) {
      i = j - 1;
      continue;
    }
    if (c === 46 && j === i + 1) {
      // Period: skip abbreviations, initials and numbered markers ("1.").
      let w = i - 1;
      // /[\p{L}\p{N}.]/u on single UTF-16 units (a surrogate half is neither).
      while (w >= start) {
        const d = text.charCodeAt(w);
        if (d === 46 || (d < 128 ? ASCII_LN[d] === 1 : isLetterOrNumber(d))) w--;
        else break;
      }
      const word = text.slice(w + 1, i).toLowerCase();
      // A number ends a sentence ("since 2021. Northwind ..."), except a list marker opening the line ("1. ").
      const marker = /^\d+$/.test(word) && /^[\s>*_#-]*$/.test(text.slice(start, w + 1));
      if (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word) || marker) continue;
    }
    out.push([s, j]);
    s = j;
    i = j - 1;
  }
  if (s < end) out.push([s, end]);
  const trimmed: [number, number][] = [];
  for (const [a0, b0] of out) {
    let a = a0;
    let b = b0;
    while (a < b && isJsSpace(text.charCodeAt(a))) a++;
    while (b > a && isJsSpace(text.charCodeAt(b - 1))) b--;
    if (b > a) trimmed.push([a, b]);
  }
  return trimmed;
}
