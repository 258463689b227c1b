/**
 * Multi-pattern matcher: an Aho–Corasick automaton compiled to a dense DFA over a compressed alphabet.
 *
 * Why this shape: every alias of every entity is found in ONE left-to-right pass over the original text, with
 * folding (case, diacritics, whitespace runs) done on the fly, so offsets are taken directly from the original
 * string and no normalised copy or offset map has to be allocated. Characters that occur in no alias share class 0,
 * which keeps the transition table small (states x alphabet, typically ~30-50 classes). Runs of spaces are
 * collapsed inside the automaton (a state reached by a space loops on further spaces), so the hot loop has no
 * whitespace branch; start offsets are recomputed only for reported matches.
 */

import { codePointBefore, foldCodePoint, foldKeepCase, foldText, isWordCodePoint } from './fold.ts';
import type { TrackedEntity } from './types.ts';

/** Aliases longer than this (after folding) are ignored; names are never that long, and it bounds the ring buffer. */
export const MAX_ALIAS_LENGTH = 128;

/** One alias of one entity, as compiled. */
export interface AliasRef {
  entityIndex: number;
  entityId: string;
  /** The configured value (or domain). */
  value: string;
  /** `value` folded but with case kept; compared against the original text for case-sensitive aliases. */
  keepCase: string;
  caseSensitive: boolean;
  ambiguous: boolean;
  /** The alias is an owned domain (e.g. `acme.com`), matched as text. */
  isDomain: boolean;
  /** Plural `s` directly after the alias is accepted (aliases ending in a letter other than s, length >= 3). */
  allowPlural: boolean;
}

/**
 * A compiled automaton. Immutable; safe to share across analyses.
 *
 * Layout: one dense Int32Array `table` of rows of `rowWidth` = classes entries. Entry `row + class` is the row of
 * the next state, stored pre-multiplied by `rowWidth` (which keeps a multiply off the scan loop's critical path; the
 * root is row 0) and bit-inverted (`~row`, negative) when a pattern ends in that state (its own or a suffix's), so
 * the loop needs no second load to know whether to report.
 */
export interface CompiledMatcher {
  /** Alphabet size (number of character classes, class 0 = "in no alias"). */
  readonly classes: number;
  readonly stateCount: number;
  /** Row width of `table` (= classes). */
  readonly rowWidth: number;
  /** Full DFA transitions: pre-multiplied rows, `~row` when the target state has an output. */
  readonly table: Int32Array;
  /** Longest pattern ending in each state (by state number = row / rowWidth), or -1. */
  readonly out: Int32Array;
  /** Nearest proper suffix state that has an output, or -1. */
  readonly dict: Int32Array;
  readonly patternLength: Int32Array;
  /** For each pattern: the alias refs in deterministic priority order (brand first, then configuration order). */
  readonly patternRefs: AliasRef[][];
  /** Folded pattern texts (for diagnostics and tests). */
  readonly patterns: string[];
  /** Per pattern: first and last code point of the folded pattern. */
  readonly patternFirst: Int32Array;
  readonly patternLast: Int32Array;
  /** Per pattern: bit 1 = first code point is a word character, bit 2 = last one is. */
  readonly patternEdgeWord: Uint8Array;
  /** Per pattern: 1 when any of its refs accepts a plural `s`. */
  readonly patternPlural: Uint8Array;
  readonly asciiClass: Int32Array;
  readonly extClass: Map<number, number>;
  readonly spaceClass: number;
  /** Folded alias strings that belong to more than one entity. */
  readonly collisions: string[];
}

/** A raw match: original-text offsets plus the pattern id. Boundaries are NOT checked yet. */
export interface RawMatch {
  start: number;
  end: number;
  pattern: number;
}

function isDomainLike(value: string): boolean {
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value);
}

/** Collects the alias refs of the entities, brand(s) first so that collisions resolve deterministically. */
export function collectAliasRefs(entities: readonly TrackedEntity[]): { folded: string; ref: AliasRef }[] {
  const order = entities
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.kind === b.e.kind ? a.i - b.i : a.e.kind === 'brand' ? -1 : 1));
  const out: { folded: string; ref: AliasRef }[] = [];
  for (const { e, i } of order) {
    const seen = new Set<string>();
    const add = (value: unknown, caseSensitive: boolean, ambiguous: boolean, isDomain: boolean): void => {
      if (typeof value !== 'string') return;
      const folded = foldText(value.trim());
      if (folded.length === 0 || folded.length > MAX_ALIAS_LENGTH) return;
      const key = `${folded}\u0000${caseSensitive ? foldKeepCase(value.trim()) : ''}`;
      if (seen.has(key)) return;
      seen.add(key);
      const last = folded.charAt(folded.length - 1);
      out.push({
        folded,
        ref: {
          entityIndex: i,
          entityId: e.id,
          value: value.trim(),
          keepCase: foldKeepCase(value.trim()),
          caseSensitive,
          ambiguous,
          isDomain,
          allowPlural: !isDomain && folded.length >= 3 && /[a-rt-z]/.test(last),
        },
      });
    };
    const aliases = Array.isArray(e.aliases) ? e.aliases : [];
    for (const a of aliases) {
      if (a && typeof a === 'object') add(a.value, a.caseSensitive === true, a.ambiguous === true, false);
    }
    const nameCovered = aliases.some((a) => a && typeof a.value === 'string' && foldText(a.value) === foldText(e.name));
    if (!nameCovered) add(e.name, false, false, isDomainLike(e.name ?? ''));
    for (const d of Array.isArray(e.ownedDomains) ? e.ownedDomains : []) {
      if (typeof d !== 'string') continue;
      const host = d
        .trim()
        .toLowerCase()
        .replace(/^[a-z]+:\/\//, '')
        .replace(/^www\./, '')
        .replace(/[/:?#].*$/, '');
      if (isDomainLike(host)) add(host, false, false, true);
    }
  }
  return out;
}

/** Compiles the entities' aliases (and owned domains) into one automaton. Never throws on odd configuration. */
export function compileMatcher(entities: readonly TrackedEntity[]): CompiledMatcher {
  const items = collectAliasRefs(entities);

  // Patterns: unique folded strings, each with its refs in priority order.
  const patternIndex = new Map<string, number>();
  const patterns: string[] = [];
  const patternRefs: AliasRef[][] = [];
  for (const { folded, ref } of items) {
    let p = patternIndex.get(folded);
    if (p === undefined) {
      p = patterns.length;
      patternIndex.set(folded, p);
      patterns.push(folded);
      patternRefs.push([]);
    }
    patternRefs[p]!.push(ref);
  }
  const collisions = patterns.filter((_, p) => new Set(patternRefs[p]!.map((r) => r.entityId)).size > 1);

  // Alphabet: class 0 = any char in no pattern.
  const asciiClass = new Int32Array(128);
  const extClass = new Map<number, number>();
  let classes = 1;
  const classOf = (u: number): number => (u < 128 ? asciiClass[u]! : (extClass.get(u) ?? 0));
  for (const p of patterns) {
    for (let k = 0; k < p.length; k++) {
      const u = p.charCodeAt(k);
      if (classOf(u) !== 0) continue;
      const c = classes++;
      if (u < 128) {
        asciiClass[u] = c;
        if (u >= 97 && u <= 122) asciiClass[u - 32] = c; // upper-case ASCII folds to the same class
      } else extClass.set(u, c);
    }
  }
  // Tabs and spaces are one class (runs are collapsed while scanning).
  const spaceClass = asciiClass[32]!;
  if (spaceClass !== 0) asciiClass[9] = spaceClass;

  // Trie into a growable dense table of pre-multiplied rows; 0 means "no child" while building (the root is row 0
  // and never a child).
  const K = classes;
  const W = K;
  let cap = 1024;
  let table = new Int32Array(cap * W);
  let out = new Int32Array(cap).fill(-1);
  let endsSpace = new Uint8Array(cap);
  let states = 1;
  const patternLength = new Int32Array(patterns.length);
  for (let p = 0; p < patterns.length; p++) {
    const s = patterns[p]!;
    let row = 0;
    for (let k = 0; k < s.length; k++) {
      const c = classOf(s.charCodeAt(k));
      let next = table[row + c]!;
      if (next === 0) {
        if (states === cap) {
          cap *= 2;
          const t2 = new Int32Array(cap * W);
          t2.set(table);
          table = t2;
          const o2 = new Int32Array(cap).fill(-1);
          o2.set(out);
          out = o2;
          const e2 = new Uint8Array(cap);
          e2.set(endsSpace);
          endsSpace = e2;
        }
        if (c === spaceClass && c !== 0) endsSpace[states] = 1;
        next = states++ * W;
        table[row + c] = next;
      }
      row = next;
    }
    out[row / W] = p;
    patternLength[p] = s.length;
  }
  table = table.slice(0, states * W);
  out = out.slice(0, states);

  // BFS: failure links, full DFA transitions, dictionary (output) links. A state reached by a space loops on
  // further spaces: runs of spaces/tabs count as one, exactly as in the folded aliases.
  const fail = new Int32Array(states);
  const dict = new Int32Array(states).fill(-1);
  const queue = new Int32Array(states);
  let head = 0;
  let tail = 0;
  for (let c = 0; c < K; c++) {
    const child = table[c]!;
    if (child !== 0) {
      fail[child / W] = 0;
      queue[tail++] = child / W;
    }
  }
  while (head < tail) {
    const s = queue[head++]!;
    const f = fail[s]!;
    dict[s] = out[f]! >= 0 ? f : dict[f]!;
    const row = s * W;
    const frow = f * W;
    for (let c = 0; c < K; c++) {
      const child = table[row + c]!;
      if (child !== 0) {
        fail[child / W] = table[frow + c]! / W;
        queue[tail++] = child / W;
      } else if (c === spaceClass && c !== 0 && endsSpace[s] === 1) {
        table[row + c] = row;
      } else {
        table[row + c] = table[frow + c]!;
      }
    }
  }
  // Mark transitions into states that report something.
  for (let k = 0; k < table.length; k++) {
    const t = table[k]!;
    const s = t / W;
    if (out[s]! >= 0 || dict[s]! >= 0) table[k] = ~t;
  }

  const patternFirst = new Int32Array(patterns.length);
  const patternLast = new Int32Array(patterns.length);
  const patternEdgeWord = new Uint8Array(patterns.length);
  const patternPlural = new Uint8Array(patterns.length);
  for (let p = 0; p < patterns.length; p++) {
    const s = patterns[p]!;
    const first = s.codePointAt(0) ?? 0;
    const last = codePointBefore(s, s.length);
    patternFirst[p] = first;
    patternLast[p] = last;
    patternEdgeWord[p] = (isWordCodePoint(first) ? 1 : 0) | (isWordCodePoint(last) ? 2 : 0);
    patternPlural[p] = patternRefs[p]!.some((r) => r.allowPlural) ? 1 : 0;
  }

  return {
    classes: K,
    stateCount: states,
    rowWidth: W,
    table,
    out,
    dict,
    patternLength,
    patternRefs,
    patterns,
    patternFirst,
    patternLast,
    patternEdgeWord,
    patternPlural,
    asciiClass,
    extClass,
    spaceClass,
    collisions,
  };
}

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

/** Approximate retained size of the matcher in bytes (typed arrays + pattern metadata). */
export function matcherSizeBytes(m: CompiledMatcher): number {
  let bytes = m.table.byteLength + m.out.byteLength + m.dict.byteLength + m.asciiClass.byteLength + 512;
  bytes += m.patternLength.byteLength + m.patternFirst.byteLength + m.patternLast.byteLength;
  bytes += m.patternEdgeWord.byteLength + m.patternPlural.byteLength;
  for (const p of m.patterns) bytes += 2 * p.length + 32;
  for (const refs of m.patternRefs) bytes += refs.length * 120;
  return bytes;
}
