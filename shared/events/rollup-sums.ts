/**
 * Batch accumulation of rollup counters (see the comment below for why it is arrays, not objects).
 */

import {
  type EntityCounterName,
  entityCounter,
  isPromptCounter,
  type PromptEntityCounterName,
  promptCounter,
  promptEntityCounter,
  type RollupCounters,
  round9,
} from './rollup-counters.ts';
import type { AnswerAnalyzedData } from './schemas.ts';

// ---------------------------------------------------------------------------------------------------------------
// Batch accumulation. Why: building `e#<entityId>#<name>` strings and string-keyed objects for every event cost more
// than parsing it (docs/events.md, benchmarks). Events are summed into numeric arrays per cell, and counter names are
// built once per cell when a batch is written. `answerCounters` is the same code for one event, so the per-event
// view (tests, recomputation) and the batch view cannot drift apart.

const ANSWER_COUNTER_NAMES = ['n', 'nNB', 'cit', 'refusals', 'inTok', 'outTok', 'costUsd'] as const;
const ENTITY_COUNTER_NAMES: readonly EntityCounterName[] = [
  'm',
  'mv',
  'mvNB',
  'rk',
  'rk2',
  'rkN',
  's',
  's2',
  'sN',
  'as',
  'as2',
  'asN',
  'oc',
  'ca',
  'pw',
  'pr',
];
// Indexes into ENTITY_COUNTER_NAMES.
const [M, MV, MVNB, RK, RK2, RKN, S, S2, SN, AS, AS2, ASN, OC, CA, PW, PR] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
] as const;

/*
 * All counters of an item live in ONE plain array of doubles (cheaper to allocate than typed arrays or wrapper
 * objects, and contiguous: adding one item into another reads and writes a few cache lines, not a dozen scattered
 * objects): the answer block, then one block per entity, each block its values followed by one slot holding a bitmask
 * of the counters that ever got a non-zero increment (untouched = absent = 0).
 */
const ANSWER_SIZE = 7;
const ENTITY_SIZE = 16;
/** Offset of the first entity block. */
const ENTITIES_AT = ANSWER_SIZE + 1;
const ENTITY_STRIDE = ENTITY_SIZE + 1;

/** Adds `value` (rounded) to `sums[at]`; 1 when that changed the counter (a bit for the block's mask), else 0. */
function inc(sums: number[], at: number, value: number): number {
  const v = round9(value);
  if (v === 0) return 0;
  sums[at] = round9((sums[at] as number) + v);
  return 1;
}

/** Adds the block of `from` at `fromBase` into the block of `target` at `base` (both of `size` counters). */
function addBlockInto(target: number[], base: number, from: readonly number[], fromBase: number, size: number): void {
  const touched = from[fromBase + size] as number;
  if (touched === 0) return;
  // Only the touched counters (an untouched one is 0 and stays absent).
  for (let i = 0; i < size; i++)
    if ((touched & (1 << i)) !== 0)
      target[base + i] = round9((target[base + i] as number) + (from[fromBase + i] as number));
  target[base + size] = (target[base + size] as number) | touched;
}

/** The entity list of sums without entities (never pushed to). */
const NO_ENTITIES: string[] = [];

/** Entity lists up to this length are searched linearly (an answer tracks a brand and a few competitors); longer ones get an index. */
const LINEAR_ENTITY_SEARCH = 8;

/**
 * Additive counters of one rollup item while a batch is merged: answer-level and per-entity counters in one numeric
 * array (see above), anything else (run counters, already-materialized deltas) by name. Entity ids are kept in an
 * array parallel to the entity blocks rather than in a Map: one of these is made per event, and a Map costs more to
 * allocate and iterate than the handful of entities an answer has.
 */
export class CounterSums {
  /** Room for the answer block and a first entity's (every answer has one), so an answer's sums rarely grow. */
  private readonly values: number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  /** Shares {@link NO_ENTITIES} until the first entity (see NO_CELLS below for why). */
  private entityIds: string[] = NO_ENTITIES;
  /** entityId → block number, once there are more than {@link LINEAR_ENTITY_SEARCH} entities. */
  private entityIndex: Map<string, number> | null = null;
  private named: RollupCounters | null = null;

  /** Offset of an entity's block, created (all zero) on first use. */
  private entityAt(entityId: string): number {
    const ids = this.entityIds;
    if (this.entityIndex === null) {
      for (let k = 0; k < ids.length; k++) if (ids[k] === entityId) return ENTITIES_AT + k * ENTITY_STRIDE;
    } else {
      const k = this.entityIndex.get(entityId);
      if (k !== undefined) return ENTITIES_AT + k * ENTITY_STRIDE;
    }
    const k = ids.length;
    if (k === 0) this.entityIds = [entityId];
    else ids.push(entityId);
    const values = this.values;
    if (values.length < ENTITIES_AT + (k + 1) * ENTITY_STRIDE) for (let i = 0; i < ENTITY_STRIDE; i++) values.push(0);
    if (this.entityIndex !== null) this.entityIndex.set(entityId, k);
    else if (ids.length > LINEAR_ENTITY_SEARCH) this.entityIndex = new Map(ids.map((id, i) => [id, i]));
    return ENTITIES_AT + k * ENTITY_STRIDE;
  }

  /** Adds what one `answer.analyzed` event contributes (see {@link answerCounters} for the names). */
  addAnswer(data: AnswerAnalyzedData): this {
    const a = this.values;
    const nonBranded = !data.prompt.branded;
    // Each block's mask is gathered in a local and written once.
    let mask =
      inc(a, 0, 1) |
      ((nonBranded ? inc(a, 1, 1) : 0) << 1) |
      (inc(a, 2, data.citations.length) << 2) |
      ((data.refusal ? inc(a, 3, 1) : 0) << 3) |
      (inc(a, 4, data.usage.inputTokens) << 4) |
      (inc(a, 5, data.usage.outputTokens) << 5) |
      ((data.costUsd !== null ? inc(a, 6, data.costUsd) : 0) << 6);
    a[ANSWER_SIZE] = (a[ANSWER_SIZE] as number) | mask;
    for (const e of data.entities) {
      const at = this.entityAt(e.entityId);
      mask =
        (inc(a, at + MV, e.mentions) << MV) |
        ((nonBranded ? inc(a, at + MVNB, e.mentions) : 0) << MVNB) |
        (inc(a, at + OC, e.ownedCitations) << OC) |
        ((e.ownedCitations > 0 ? inc(a, at + CA, 1) : 0) << CA) |
        (inc(a, at + PW, e.positionAdjustedWords) << PW) |
        ((e.primaryRecommendation ? inc(a, at + PR, 1) : 0) << PR);
      if (e.mentioned) {
        mask |= inc(a, at + M, 1) << M;
        if (e.rank !== null)
          mask |=
            (inc(a, at + RKN, 1) << RKN) | (inc(a, at + RK, e.rank) << RK) | (inc(a, at + RK2, e.rank * e.rank) << RK2);
        if (e.sentiment !== null)
          mask |=
            (inc(a, at + ASN, 1) << ASN) |
            (inc(a, at + AS, e.sentiment) << AS) |
            (inc(a, at + AS2, e.sentiment * e.sentiment) << AS2);
        for (const s of e.mentionSentiments)
          mask |= (inc(a, at + SN, 1) << SN) | (inc(a, at + S, s) << S) | (inc(a, at + S2, s * s) << S2);
      }
      a[at + ENTITY_SIZE] = (a[at + ENTITY_SIZE] as number) | mask;
    }
    this.addPromptCounters(data);
    return this;
  }

  /** The answer's per-prompt counters (rollup-counters.ts), by name: they are few per answer and only in cells. */
  private addPromptCounters(data: AnswerAnalyzedData): void {
    const named = this.named ?? {};
    this.named = named;
    const pid = data.prompt.id;
    const names = promptCounterNames(pid);
    bump(named, names[0] as string, 1);
    if (data.prompt.branded) bump(named, names[1] as string, 1);
    bump(named, names[2] as string, data.citations.length);
    for (const e of data.entities) {
      const en = promptEntityCounterNames(pid, e.entityId);
      bump(named, en[MV] as string, e.mentions);
      bump(named, en[OC] as string, e.ownedCitations);
      if (e.ownedCitations > 0) bump(named, en[CA] as string, 1);
      if (!e.mentioned) continue;
      bump(named, en[M] as string, 1);
      if (e.rank !== null) {
        bump(named, en[RKN] as string, 1);
        bump(named, en[RK] as string, e.rank);
      }
      if (e.sentiment !== null) {
        bump(named, en[ASN] as string, 1);
        bump(named, en[AS] as string, e.sentiment);
      }
      for (const v of e.mentionSentiments) {
        bump(named, en[SN] as string, 1);
        bump(named, en[S] as string, v);
      }
    }
  }

  /** Adds counters by name. */
  addCounters(counters: RollupCounters): this {
    const named = this.named ?? {};
    this.named = named;
    for (const k in counters) {
      const v = round9(counters[k] as number);
      if (v !== 0 || named[k] !== undefined) named[k] = round9((named[k] ?? 0) + v);
    }
    return this;
  }

  addSums(other: CounterSums): this {
    addBlockInto(this.values, 0, other.values, 0, ANSWER_SIZE);
    const ids = other.entityIds;
    for (let k = 0; k < ids.length; k++)
      addBlockInto(
        this.values,
        this.entityAt(ids[k] as string),
        other.values,
        ENTITIES_AT + k * ENTITY_STRIDE,
        ENTITY_SIZE,
      );
    if (other.named) this.addCounters(other.named);
    return this;
  }

  /** A copy to add more to (the original is left as it is). */
  copy(): CounterSums {
    return new CounterSums().addSums(this);
  }

  /**
   * The counters by name (the stored attribute names without their `c#` prefix); untouched counters omitted, and
   * per-prompt counters too unless `perPrompt` (a brand total does not keep them).
   */
  toCounters(perPrompt = true): RollupCounters {
    const out: RollupCounters = {};
    this.forEach((name, value) => {
      out[name] = out[name] === undefined ? value : round9((out[name] as number) + value);
    }, perPrompt);
    return out;
  }

  /** Every touched counter by name (a name may come twice when also added by name: the caller sums). */
  forEach(visit: (name: string, value: number) => void, perPrompt = true): void {
    const values = this.values;
    const answerTouched = values[ANSWER_SIZE] as number;
    for (let i = 0; i < ANSWER_SIZE; i++)
      if (answerTouched & (1 << i)) visit(ANSWER_COUNTER_NAMES[i] as string, values[i] as number);
    for (let k = 0; k < this.entityIds.length; k++) {
      const names = entityCounterNames(this.entityIds[k] as string);
      const at = ENTITIES_AT + k * ENTITY_STRIDE;
      const touched = values[at + ENTITY_SIZE] as number;
      for (let i = 0; i < ENTITY_SIZE; i++) if (touched & (1 << i)) visit(names[i] as string, values[at + i] as number);
    }
    if (this.named) for (const k in this.named) if (perPrompt || !isPromptCounter(k)) visit(k, this.named[k] as number);
  }
}

/** Adds a rounded non-zero increment to a counter by name. */
function bump(named: RollupCounters, name: string, value: number): void {
  const v = round9(value);
  if (v !== 0) named[name] = round9((named[name] ?? 0) + v);
}

// Per-prompt names in the order of ENTITY_COUNTER_NAMES' indexes (unused slots are never read), built once per
// prompt and entity (bounded caches): a run repeats the same few prompts and entities.
const PROMPT_ENTITY_SLOTS: (PromptEntityCounterName | null)[] = [
  'm',
  'mv',
  null,
  'rk',
  null,
  'rkN',
  's',
  null,
  'sN',
  'as',
  null,
  'asN',
  'oc',
  'ca',
  null,
  null,
];
const promptNameCache = new Map<string, readonly string[]>();
function promptCounterNames(promptId: string): readonly string[] {
  let names = promptNameCache.get(promptId);
  if (!names) {
    if (promptNameCache.size >= 20_000) promptNameCache.clear();
    names = [promptCounter(promptId, 'n'), promptCounter(promptId, 'b'), promptCounter(promptId, 'cit')];
    promptNameCache.set(promptId, names);
  }
  return names;
}
const promptEntityNameCache = new Map<string, readonly string[]>();
function promptEntityCounterNames(promptId: string, entityId: string): readonly string[] {
  const key = `${promptId}\u0000${entityId}`;
  let names = promptEntityNameCache.get(key);
  if (!names) {
    if (promptEntityNameCache.size >= 20_000) promptEntityNameCache.clear();
    names = PROMPT_ENTITY_SLOTS.map((name) => (name === null ? '' : promptEntityCounter(promptId, entityId, name)));
    promptEntityNameCache.set(key, names);
  }
  return names;
}

const entityNameCache = new Map<string, readonly string[]>();
/** `e#<entityId>#<name>` for every entity counter, built once per entity id (bounded cache). */
function entityCounterNames(entityId: string): readonly string[] {
  let names = entityNameCache.get(entityId);
  if (!names) {
    if (entityNameCache.size >= 20_000) entityNameCache.clear();
    names = ENTITY_COUNTER_NAMES.map((name) => entityCounter(entityId, name));
    entityNameCache.set(entityId, names);
  }
  return names;
}
