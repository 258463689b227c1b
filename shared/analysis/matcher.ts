/**
 * Multi-pattern matcher: an Aho–Corasick automaton compiled to a dense DFA over a compressed alphabet.
 *
 * Why this shape: every alias of every entity is found in ONE left-to-right pass over the original text, with
 * folding (case, diacritics, whitespace runs) done on the fly, so offsets are taken directly from the original
 * string and no normalised copy or offset map has to be allocated. Characters that occur in no alias share class 0,
 * which keeps the transition table small (states x alphabet, typically ~30-50 classes). Runs of spaces are
 * collapsed inside the automaton (a state reached by a space loops on further spaces), so the hot loop has no
 * whitespace branch; start offsets are recomputed only for reported matches.
 *
 * The scan loop that steps the automaton is in matcher-scan.ts (re-exported here).
 */

import { codePointBefore, foldKeepCase, foldText, isWordCodePoint } from './fold.ts';
import type { TrackedEntity } from './types.ts';

export { createMatchBuffer, type MatchBuffer, matchStart, scan, scanInto } from './matcher-scan.ts';

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

/** Approximate retained size of the matcher in bytes (typed arrays + pattern metadata). */
export function matcherSizeBytes(m: CompiledMatcher): number {
  let bytes = m.table.byteLength + m.out.byteLength + m.dict.byteLength + m.asciiClass.byteLength + 512;
  bytes += m.patternLength.byteLength + m.patternFirst.byteLength + m.patternLast.byteLength;
  bytes += m.patternEdgeWord.byteLength + m.patternPlural.byteLength;
  for (const p of m.patterns) bytes += 2 * p.length + 32;
  for (const refs of m.patternRefs) bytes += refs.length * 120;
  return bytes;
}
