/**
 * The matcher's scan loop: finds every alias occurrence of a compiled automaton (matcher.ts) in one pass over the
 * original text, as original-text offsets. Apart from the compiler so that each file holds one concern (building the
 * DFA vs stepping it); the hot loop's design notes are on {@link scanInto}.
 */

import { codePointBefore, foldCodePoint } from './fold.ts';
import type { CompiledMatcher, RawMatch } from './matcher.ts';
/** Growable buffer of raw matches as (start, end, pattern) triples. */
export interface MatchBuffer {
  data: Int32Array;
  /** Number of matches (triples) in `data`. */
  count: number;
}

export function createMatchBuffer(capacity = 64): MatchBuffer {
  return { data: new Int32Array(capacity * 3), count: 0 };
}

function push(buf: MatchBuffer, start: number, end: number, pattern: number): void {
  let d = buf.data;
  const k = buf.count * 3;
  if (k + 3 > d.length) {
    const d2 = new Int32Array(d.length * 2 + 3);
    d2.set(d);
    buf.data = d2;
    d = d2;
  }
  d[k] = start;
  d[k + 1] = end;
  d[k + 2] = pattern;
  buf.count++;
}

/** UTF-16 units encoded per chunk; the byte buffers are 3x this (the UTF-8 worst case for UTF-16 input). */
const CHUNK = 1 << 15;
/** Chunks shorter than this are scanned as one stream. */
const MIN_SPLIT = 512;
const encoder = new TextEncoder();
let bytesA = new Uint8Array(4096);
let bytesB = new Uint8Array(4096);
const SECOND: MatchBuffer = createMatchBuffer(64);

/**
 * Scans `text[0, limit)` once, left to right, and appends to `buf` every pattern occurrence (overlapping ones
 * included) as original-text offsets, in order of end (longest first at the same end). Word boundaries, case rules
 * and overlaps are resolved by the caller.
 *
 * How it is fast:
 * - The text is copied as UTF-8 into reusable byte buffers (`TextEncoder.encodeInto`, a native bulk copy), so the
 *   loop reads flat Uint8Arrays instead of calling `charCodeAt`, which is slow on the sliced and concatenated strings
 *   real code produces (streamed answers, truncation).
 * - For ASCII a step is one class load and one transition load plus a rarely-taken output branch (transitions into
 *   reporting states are stored as `~row`): no allocation, no offset bookkeeping. A non-ASCII character is read back
 *   from the original string (its UTF-16 offset is the byte offset minus the extra UTF-8 bytes seen so far), folded
 *   and stepped unit by unit. Start offsets are recovered only for reported matches ({@link matchStart}).
 * - A DFA step depends on the previous one, so one stream is bound by load latency. The chunk is therefore cut in two
 *   at a character that occurs in no alias (after it the automaton is at the root whatever came before, e.g. a line
 *   break), and both halves are stepped in the same loop: two independent dependency chains, same states, same
 *   matches (the first half's matches all end before the cut, the second half's all start after it).
 */
export function scanInto(
  m: CompiledMatcher,
  text: string,
  limit: number,
  buf: MatchBuffer,
  /** Cut chunks in two interleaved streams (off only to test that both ways agree). */
  interleave = true,
): void {
  const n = Math.min(limit, text.length);
  let r = 0;
  for (let base = 0; base < n; ) {
    let stop = Math.min(n, base + CHUNK);
    if (stop < n) {
      const last = text.charCodeAt(stop - 1);
      if (last >= 0xd800 && last <= 0xdbff) stop--; // keep surrogate pairs in one chunk
    }
    const split =
      interleave && stop - base >= MIN_SPLIT ? resetPointNear(m, text, (base + stop) >> 1, base + 64, stop - 64) : -1;
    r = split < 0 ? scanOne(m, text, base, stop, r, buf) : scanTwo(m, text, base, split, stop, r, buf);
    base = stop;
  }
}

/** An offset in [lo, hi] just after an ASCII character of class 0 (the automaton is at the root there), or -1. */
function resetPointNear(m: CompiledMatcher, text: string, mid: number, lo: number, hi: number): number {
  const cls = m.asciiClass;
  for (let d = 0; d <= 256; d++) {
    const j = mid + d;
    if (j <= hi && j > 0) {
      const c = text.charCodeAt(j - 1);
      if (c < 128 && cls[c] === 0) return j;
    }
    const k = mid - d;
    if (d > 0 && k >= lo && k > 0) {
      const c = text.charCodeAt(k - 1);
      if (c < 128 && cls[c] === 0) return k;
    }
  }
  return -1;
}

function encode(src: string, first: boolean): number {
  if (first) {
    if (bytesA.length < src.length * 3) bytesA = new Uint8Array(Math.max(src.length * 3, bytesA.length * 2));
    return encoder.encodeInto(src, bytesA).written;
  }
  if (bytesB.length < src.length * 3) bytesB = new Uint8Array(Math.max(src.length * 3, bytesB.length * 2));
  return encoder.encodeInto(src, bytesB).written;
}

/** Scans text[from, stop) as one stream starting in row `r`; returns the final row. */
function scanOne(m: CompiledMatcher, text: string, from: number, stop: number, r: number, buf: MatchBuffer): number {
  const written = encode(from === 0 && stop === text.length ? text : text.slice(from, stop), true);
  return run(m, text, bytesA, 0, written, -from, stop, r, buf);
}

/**
 * Steps bytes b[i, n) from row `r`. `x` maps byte offsets to UTF-16 offsets (utf16 = byte - x): it starts at -base
 * and grows by the extra UTF-8 bytes of each non-ASCII character. Returns the final row.
 */
function run(
  m: CompiledMatcher,
  text: string,
  b: Uint8Array,
  i0: number,
  n: number,
  x0: number,
  stop: number,
  r0: number,
  buf: MatchBuffer,
): number {
  const { table, asciiClass } = m;
  let r = r0;
  let x = x0;
  for (let i = i0; i < n; i++) {
    const c = b[i]!;
    if (c < 128) {
      r = table[r + asciiClass[c]!]!;
      if (r < 0) {
        r = ~r;
        emit(m, r, text, i + 1 - x, buf, b, i + 1);
      }
      continue;
    }
    r = stepNonAscii(m, text, i - x, stop, r, buf);
    i += STEP_BYTES - 1;
    x += STEP_EXTRA;
  }
  return r;
}

/** Byte length and extra bytes (beyond one per UTF-16 unit) of the last {@link stepNonAscii} character. */
let STEP_BYTES = 0;
let STEP_EXTRA = 0;

/**
 * Steps one non-ASCII character at UTF-16 offset `at`: fold the whole code point (it may expand, ß -> ss, or vanish,
 * combining marks) and report only at its end (a match ending inside an expansion does not end on a character
 * boundary). Lone surrogates were encoded as U+FFFD (3 bytes) and are read back as themselves.
 */
function stepNonAscii(
  m: CompiledMatcher,
  text: string,
  at: number,
  stop: number,
  r0: number,
  buf: MatchBuffer,
): number {
  const { table, asciiClass, extClass } = m;
  const c16 = text.charCodeAt(at);
  let cp = c16;
  let width = 1;
  if (c16 >= 0xd800 && c16 <= 0xdbff && at + 1 < stop) {
    const lo = text.charCodeAt(at + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) {
      cp = (c16 - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
      width = 2;
    }
  }
  const f = foldCodePoint(cp);
  let r = r0;
  let hit = false;
  for (let j = 0; j < f.length; j++) {
    const u = f.charCodeAt(j);
    r = table[r + (u < 128 ? asciiClass[u]! : (extClass.get(u) ?? 0))]!;
    hit = r < 0;
    if (hit) r = ~r;
  }
  if (hit) emit(m, r, text, at + width, buf, null, 0);
  const len8 = cp >= 0x10000 ? 4 : cp >= 0x800 ? 3 : 2;
  STEP_BYTES = len8;
  STEP_EXTRA = len8 - width;
  return r;
}

/**
 * Scans text[from, split) from row `r` and text[split, stop) from the root in one interleaved loop (the character
 * before `split` is in no alias, so the automaton is at the root there either way). Returns the final row.
 */
function scanTwo(
  m: CompiledMatcher,
  text: string,
  from: number,
  split: number,
  stop: number,
  r0: number,
  buf: MatchBuffer,
): number {
  const na = encode(text.slice(from, split), true);
  const nb = encode(text.slice(split, stop), false);
  const bA = bytesA;
  const bB = bytesB;
  const { table, asciiClass } = m;
  const second = SECOND;
  second.count = 0;
  let ra = r0;
  let rb = 0;
  let ia = 0;
  let ib = 0;
  let xa = -from;
  let xb = -split;
  while (ia < na && ib < nb) {
    const ca = bA[ia]!;
    const cb = bB[ib]!;
    if (ca < 128 && cb < 128) {
      ra = table[ra + asciiClass[ca]!]!;
      rb = table[rb + asciiClass[cb]!]!;
      ia++;
      ib++;
      if (ra < 0) {
        ra = ~ra;
        emit(m, ra, text, ia - xa, buf, bA, ia);
      }
      if (rb < 0) {
        rb = ~rb;
        emit(m, rb, text, ib - xb, second, bB, ib);
      }
      continue;
    }
    // At least one side is non-ASCII: step only those sides this time round.
    if (ca >= 128) {
      ra = stepNonAscii(m, text, ia - xa, split, ra, buf);
      ia += STEP_BYTES;
      xa += STEP_EXTRA;
    }
    if (cb >= 128) {
      rb = stepNonAscii(m, text, ib - xb, stop, rb, second);
      ib += STEP_BYTES;
      xb += STEP_EXTRA;
    }
  }
  if (ia < na) run(m, text, bA, ia, na, xa, split, ra, buf);
  if (ib < nb) rb = run(m, text, bB, ib, nb, xb, stop, rb, second);
  // The first half's matches all end before the second half's: append in order.
  const d = second.data;
  for (let k = 0; k < second.count * 3; k += 3) push(buf, d[k]!, d[k + 1]!, d[k + 2]!);
  return rb;
}

/**
 * Records every pattern ending in state row `r` (longest first, then shorter suffixes via dictionary links). `b` and
 * `bEnd` are the scanned bytes and the byte offset of the match end when it ends on an ASCII byte (else null).
 */
function emit(
  m: CompiledMatcher,
  r: number,
  text: string,
  end: number,
  buf: MatchBuffer,
  b: Uint8Array | null,
  bEnd: number,
): void {
  const { out, dict, patternLength } = m;
  let s = r / m.rowWidth;
  let p = out[s]!;
  if (p < 0) {
    s = dict[s]!;
    p = s >= 0 ? out[s]! : -1;
  }
  while (p >= 0) {
    const len = patternLength[p]!;
    push(buf, b !== null && plainBytes(b, bEnd - len, bEnd) ? end - len : matchStart(text, end, len), end, p);
    s = dict[s]!;
    p = s >= 0 ? out[s]! : -1;
  }
}

/** True when b[from, to) is ASCII, does not start with a space and has no run of spaces (one unit per byte). */
function plainBytes(b: Uint8Array, from: number, to: number): boolean {
  if (from < 0) return false;
  let prevSp = true;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c >= 128) return false;
    const sp = c === 32 || c === 9;
    if (sp && prevSp) return false;
    prevSp = sp;
  }
  return true;
}

function isSpaceUnit(u: number): boolean {
  return u === 32 || u === 9;
}

/**
 * Original offset where the last `len` folded units before `end` begin. Fast path: the span is plain ASCII with no
 * collapsed space run, so it is `end - len`. Otherwise the folded text is re-walked backwards (expansions, vanishing
 * combining marks, collapsed spaces), which is exactly the inverse of what the scanner consumed.
 */
export function matchStart(text: string, end: number, len: number): number {
  const start = end - len;
  if (start >= 0 && !isSpaceUnit(text.charCodeAt(start))) {
    let plain = true;
    let prevSp = false;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128) {
        plain = false;
        break;
      }
      const sp = c === 32 || c === 9;
      if (sp && prevSp) {
        plain = false;
        break;
      }
      prevSp = sp;
    }
    if (plain) return start;
  }
  let pos = end;
  let need = len;
  while (need > 0 && pos > 0) {
    const cp = codePointBefore(text, pos);
    const w = cp > 0xffff ? 2 : 1;
    const f = cp < 128 ? String.fromCharCode(cp) : foldCodePoint(cp);
    for (let j = f.length - 1; j >= 0 && need > 0; j--) {
      if (isSpaceUnit(f.charCodeAt(j)) && prevUnitIsSpace(text, pos - w, f, j)) continue; // collapsed
      need--;
    }
    pos -= w;
  }
  return pos;
}

/** True when the folded unit before unit `j` of `f` (the fold of the character starting at `at`) is a space. */
function prevUnitIsSpace(text: string, at: number, f: string, j: number): boolean {
  if (j > 0) return isSpaceUnit(f.charCodeAt(j - 1));
  let pos = at;
  while (pos > 0) {
    const cp = codePointBefore(text, pos);
    const g = cp < 128 ? String.fromCharCode(cp) : foldCodePoint(cp);
    if (g.length > 0) return isSpaceUnit(g.charCodeAt(g.length - 1));
    pos -= cp > 0xffff ? 2 : 1;
  }
  return true; // the scanner starts as if after a space
}

/** Convenience form of {@link scanInto}: every candidate occurrence as objects (start order). */
export function scan(m: CompiledMatcher, text: string, limit = text.length, interleave = true): RawMatch[] {
  const buf = createMatchBuffer();
  scanInto(m, text, limit, buf, interleave);
  const out: RawMatch[] = [];
  for (let k = 0; k < buf.count * 3; k += 3) {
    out.push({ start: buf.data[k]!, end: buf.data[k + 1]!, pattern: buf.data[k + 2]! });
  }
  return out;
}
