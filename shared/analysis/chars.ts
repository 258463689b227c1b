/**
 * Cheap character classification for the hot text loops (tokenizer, word counts, sentence splitting). Each answer
 * is a table lookup; the Unicode property regexes are evaluated once per BMP code unit (lazily) and cached, so the
 * results are exactly those of the regexes they replace.
 */

const LN = /[\p{L}\p{N}]/u;
const L = /\p{L}/u;
const PICTO = /\p{Extended_Pictographic}/u;
const UPPER = /\p{Lu}/u;

const F_DONE = 1;
const F_LN = 2;
const F_L = 4;
const F_PICTO = 8;
const F_UPPER = 16;

/** Flags per BMP code unit; 0 = not computed yet. */
const BMP = new Uint8Array(0x10000);

function compute(cp: number): number {
  // A lone surrogate is no letter for the `u` regexes either.
  if (cp >= 0xd800 && cp <= 0xdfff) return F_DONE;
  const ch = String.fromCodePoint(cp);
  return (
    F_DONE |
    (LN.test(ch) ? F_LN : 0) |
    (L.test(ch) ? F_L : 0) |
    (PICTO.test(ch) ? F_PICTO : 0) |
    (UPPER.test(ch) ? F_UPPER : 0)
  );
}

for (let c = 0; c < 128; c++) BMP[c] = compute(c);

const astral = new Map<number, number>();

function flags(cp: number): number {
  if (cp < 0x10000) {
    let f = BMP[cp]!;
    if (f === 0) {
      f = compute(cp);
      BMP[cp] = f;
    }
    return f;
  }
  let f = astral.get(cp);
  if (f === undefined) {
    f = compute(cp);
    if (astral.size < 10_000) astral.set(cp, f);
  }
  return f;
}

/** `[\p{L}\p{N}]` for a code point (a lone surrogate is not). */
export function isLetterOrNumber(cp: number): boolean {
  return (flags(cp) & F_LN) !== 0;
}

/** `\p{L}` for a code point. */
export function isLetter(cp: number): boolean {
  return (flags(cp) & F_L) !== 0;
}

/** `\p{Extended_Pictographic}` for a code point. */
export function isPictographic(cp: number): boolean {
  return (flags(cp) & F_PICTO) !== 0;
}

/** `\p{Lu}` for a code point. */
export function isUpper(cp: number): boolean {
  return (flags(cp) & F_UPPER) !== 0;
}

/** JavaScript regex `\s` for one UTF-16 code unit. */
export function isJsSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Code point at `i` of `s` and its width in UTF-16 units (a lone surrogate is itself, width 1). */
export function codePointAt(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
    const lo = s.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return (c - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
  }
  return c;
}
