/**
 * Multi-pattern matcher: an Aho–Corasick automaton compiled to a dense DFA over a compressed alphabet.
 *
 * Why this shape: every alias of every entity is found in ONE left-to-right pass over the original text, with
 * folding (case, diacritics, whitespace runs) done on the fly, so offsets are taken directly from the original
 * string and no normalised copy or offset map has to be allocated. Characters that occur in no alias share class 0,
 * which keeps the transition table small (states x alphabet, typically ~45 classes).
 */

import { foldCodePoint, foldKeepCase, foldText } from './fold.ts';
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

/** A compiled automaton. Immutable; safe to share across analyses. */
export interface CompiledMatcher {
  /** Alphabet size (number of character classes, class 0 = "in no alias"). */
  readonly classes: number;
  readonly stateCount: number;
  readonly delta: Int32Array;
  /** Longest pattern ending in each state, or -1. */
  readonly out: Int32Array;
  /** Nearest proper suffix state that has an output, or -1. */
  readonly dict: Int32Array;
  readonly patternLength: Int32Array;
  /** For each pattern: the alias refs in deterministic priority order (brand first, then configuration order). */
  readonly patternRefs: AliasRef[][];
  /** Folded pattern texts (for diagnostics and tests). */
  readonly patterns: string[];
  readonly asciiClass: Int32Array;
  readonly extClass: Map<number, number>;
  readonly spaceClass: number;
  readonly ringMask: number;
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

  // Trie into a growable dense table; 0 means "no child" while building (root is never a child).
  const K = classes;
  let cap = 1024;
  let delta = new Int32Array(cap * K);
  let out = new Int32Array(cap).fill(-1);
  let states = 1;
  const patternLength = new Int32Array(patterns.length);
  for (let p = 0; p < patterns.length; p++) {
    const s = patterns[p]!;
    let st = 0;
    for (let k = 0; k < s.length; k++) {
      const c = classOf(s.charCodeAt(k));
      let next = delta[st * K + c]!;
      if (next === 0) {
        if (states === cap) {
          cap *= 2;
          const d2 = new Int32Array(cap * K);
          d2.set(delta);
          delta = d2;
          const o2 = new Int32Array(cap).fill(-1);
          o2.set(out);
          out = o2;
        }
        next = states++;
        delta[st * K + c] = next;
      }
      st = next;
    }
    out[st] = p;
    patternLength[p] = s.length;
  }
  delta = delta.slice(0, states * K);
  out = out.slice(0, states);

  // BFS: failure links, full DFA transitions, dictionary (output) links.
  const fail = new Int32Array(states);
  const dict = new Int32Array(states).fill(-1);
  const queue = new Int32Array(states);
  let head = 0;
  let tail = 0;
  for (let c = 0; c < K; c++) {
    const child = delta[c]!;
    if (child !== 0) {
      fail[child] = 0;
      queue[tail++] = child;
    }
  }
  while (head < tail) {
    const s = queue[head++]!;
    const f = fail[s]!;
    dict[s] = out[f]! >= 0 ? f : dict[f]!;
    const row = s * K;
    const frow = f * K;
    for (let c = 0; c < K; c++) {
      const child = delta[row + c]!;
      if (child !== 0) {
        fail[child] = delta[frow + c]!;
        queue[tail++] = child;
      } else {
        delta[row + c] = delta[frow + c]!;
      }
    }
  }

  let ring = 1;
  let maxLen = 1;
  for (const p of patterns) maxLen = Math.max(maxLen, p.length);
  while (ring <= maxLen) ring <<= 1;

  return {
    classes: K,
    stateCount: states,
    delta,
    out,
    dict,
    patternLength,
    patternRefs,
    patterns,
    asciiClass,
    extClass,
    spaceClass,
    ringMask: ring - 1,
    collisions,
  };
}

/**
 * Scans `text[0, limit)` once and returns every pattern occurrence (overlapping ones included) with offsets into
 * `text`. Word boundaries, case rules and overlaps are resolved by the caller.
 */
export function scan(m: CompiledMatcher, text: string, limit = text.length): RawMatch[] {
  const { delta, out, dict, asciiClass, extClass, spaceClass, ringMask } = m;
  const K = m.classes;
  const ring = new Int32Array(ringMask + 1);
  const found: RawMatch[] = [];
  let state = 0;
  let fpos = -1;
  let prevSpace = true;
  const n = Math.min(limit, text.length);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      const cls = asciiClass[c]!;
      if (cls === spaceClass && cls !== 0) {
        if (prevSpace) continue;
        prevSpace = true;
      } else prevSpace = c === 32 || c === 9;
      state = delta[state * K + cls]!;
      ring[++fpos & ringMask] = i;
      if (state === 0) {
        // Back at the root inside a word: no valid match can start before the word ends (matches must start at a
        // word boundary), so skip the rest of the ASCII word without touching the automaton.
        if (ASCII_WORD[c] === 1) {
          while (i + 1 < n) {
            const d = text.charCodeAt(i + 1);
            if (d >= 128 || ASCII_WORD[d] !== 1) break;
            i++;
          }
        }
        continue;
      }
      if (out[state]! >= 0 || dict[state]! >= 0) emitMatches(m, state, fpos, i + 1, ring, found);
      continue;
    }
    // Slow path: non-ASCII. Fold the whole code point; it may expand (ß -> ss) or vanish (combining marks).
    let cp = c;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = (c - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    const f = foldCodePoint(cp);
    for (let j = 0; j < f.length; j++) {
      const u = f.charCodeAt(j);
      const cls = u < 128 ? asciiClass[u]! : (extClass.get(u) ?? 0);
      if (u === 32) {
        if (prevSpace) continue;
        prevSpace = true;
      } else prevSpace = false;
      state = delta[state * K + cls]!;
      ring[++fpos & ringMask] = i;
      // A match ending inside a multi-char expansion does not end on a character boundary: skip it.
      if (state !== 0 && j === f.length - 1 && (out[state]! >= 0 || dict[state]! >= 0)) {
        emitMatches(m, state, fpos, i + width, ring, found);
      }
    }
    i += width - 1;
  }
  return found;
}

const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_WORD[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ? 1 : 0;
}

/** Records every pattern ending in `state` (longest first, then shorter suffixes via dictionary links). */
function emitMatches(
  m: CompiledMatcher,
  state: number,
  fpos: number,
  endExclusive: number,
  ring: Int32Array,
  found: RawMatch[],
): void {
  const { out, dict, patternLength, ringMask } = m;
  let s = state;
  let p = out[s]!;
  if (p < 0) {
    s = dict[s]!;
    p = s >= 0 ? out[s]! : -1;
  }
  while (p >= 0) {
    const len = patternLength[p]!;
    found.push({ start: ring[(fpos - len + 1) & ringMask]!, end: endExclusive, pattern: p });
    s = dict[s]!;
    p = s >= 0 ? out[s]! : -1;
  }
}

/** Approximate retained size of the automaton in bytes (typed arrays + pattern metadata). */
export function matcherSizeBytes(m: CompiledMatcher): number {
  let bytes = m.delta.byteLength + m.out.byteLength + m.dict.byteLength + m.patternLength.byteLength + 512;
  for (const p of m.patterns) bytes += 2 * p.length + 32;
  for (const refs of m.patternRefs) bytes += refs.length * 120;
  return bytes;
}
