/**
 * Character folding shared by alias compilation and text scanning. Both sides MUST fold identically, so this is
 * the only place that decides what "the same letter" means: case, diacritics (NFKD + mark stripping), compatibility
 * forms (full-width, ligatures), typographic quotes/dashes and exotic spaces.
 */

const SPECIAL: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u02bc': "'",
  '\u2032': "'",
  '\u00b4': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u00a0': ' ',
  '\u2007': ' ',
  '\u202f': ' ',
  ß: 'ss',
  ẞ: 'ss',
  ı: 'i',
  ø: 'o',
  Ø: 'o',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  đ: 'd',
  Đ: 'd',
  ł: 'l',
  Ł: 'l',
  þ: 'th',
  Þ: 'th',
};

const MARKS = /\p{M}/gu;
const foldCache = new Map<number, string>();
const keepCaseCache = new Map<number, string>();

/** Folds one non-ASCII code point to lower-case, diacritic-free text (possibly empty, possibly several chars). */
export function foldCodePoint(cp: number): string {
  if (cp < 128) return cp >= 65 && cp <= 90 ? String.fromCharCode(cp + 32) : String.fromCharCode(cp);
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const ch = String.fromCodePoint(cp);
  let out = SPECIAL[ch];
  if (out === undefined) {
    if (cp >= 0xd800 && cp <= 0xdfff) out = ch;
    else if (/\s/u.test(ch)) out = ' ';
    else out = ch.normalize('NFKD').toLowerCase().normalize('NFKD').replace(MARKS, '');
  }
  if (foldCache.size < 50_000) foldCache.set(cp, out);
  return out;
}

/** Like {@link foldCodePoint} but keeps letter case (for case-sensitive aliases). */
function foldKeepCaseCodePoint(cp: number): string {
  if (cp < 128) return String.fromCharCode(cp);
  const cached = keepCaseCache.get(cp);
  if (cached !== undefined) return cached;
  const ch = String.fromCodePoint(cp);
  let out = SPECIAL[ch];
  if (out === undefined) {
    if (cp >= 0xd800 && cp <= 0xdfff) out = ch;
    else if (/\s/u.test(ch)) out = ' ';
    else out = ch.normalize('NFKD').replace(MARKS, '');
  } else if (ch === 'ẞ' || ch === 'Ø' || ch === 'Æ' || ch === 'Œ' || ch === 'Đ' || ch === 'Ł' || ch === 'Þ') {
    out = out.toUpperCase();
  }
  if (keepCaseCache.size < 50_000) keepCaseCache.set(cp, out);
  return out;
}

function foldWith(text: string, one: (cp: number) => string): string {
  let out = '';
  let prevSpace = true;
  for (const ch of text) {
    const f = one(ch.codePointAt(0) ?? 0);
    for (const u of f) {
      const isSpace = u === ' ' || u === '\t' || u === '\u00a0';
      if (isSpace) {
        if (!prevSpace) out += ' ';
        prevSpace = true;
      } else {
        out += u;
        prevSpace = false;
      }
    }
  }
  return out.trimEnd();
}

/** Folds a whole string the way the scanner sees text: lower-case, no diacritics, single spaces, trimmed. */
export function foldText(text: string): string {
  return foldWith(text, foldCodePoint);
}

/** Folds diacritics and typography but keeps case; used to verify case-sensitive aliases. */
export function foldKeepCase(text: string): string {
  return foldWith(text, foldKeepCaseCodePoint);
}

const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_WORD[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ? 1 : 0;
}
const WORD_RE = /[\p{L}\p{N}\p{M}_]/u;

/** True when the code point is a letter, digit, combining mark or underscore. */
export function isWordCodePoint(cp: number): boolean {
  if (cp < 128) return ASCII_WORD[cp] === 1;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return WORD_RE.test(String.fromCodePoint(cp));
}

/** Code point ending just before `index` (handles surrogate pairs); -1 at the start. */
export function codePointBefore(text: string, index: number): number {
  if (index <= 0) return -1;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  }
  return low;
}

/** Code point starting at `index`; -1 past the end. */
export function codePointAtSafe(text: string, index: number): number {
  if (index >= text.length || index < 0) return -1;
  return text.codePointAt(index) ?? -1;
}

/** True when the first letter in `s` is upper-case. */
export function startsUpper(s: string): boolean {
  for (const ch of s) {
    if (/\p{L}/u.test(ch)) return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
  }
  return false;
}
