/**
 * Daily rollups of canonical events: the additive counters the aggregation consumer keeps per
 * (tenant, brand, day, prompt-set version, provider, surface, topic, branded) cell, with per-entity counters
 * inside each cell, and the pure reader that turns summed counters into the DESIGN §5 metrics (with n and 95%
 * Wilson intervals) without touching answers. Every counter is a sum, so cells of any scope/period just add up.
 */

import {
  DAMPING_M,
  type EntityMetrics,
  type MetricOptions,
  type MetricsReport,
  VISIBILITY_WEIGHTS,
} from '../analysis/metrics.ts';
import { type MeanEstimate, proportion, Z95 } from '../analysis/stats.ts';
import type { AnswerReanalyzedEvent } from './reanalysis.ts';
import type { AnswerAnalyzedData, AnswerAnalyzedEvent, RunCompletedEvent } from './schemas.ts';

/** Counter name → value. Names: answer-level (`n`, `nNB`, `cit`, ...) and per entity `e#<entityId>#<counter>`. */
export type RollupCounters = Record<string, number>;

/** The dimensions of one fine rollup cell (all of them are filters of the Analytics API). */
export interface RollupDims {
  /** UTC date `YYYY-MM-DD` the answer was given. */
  day: string;
  promptSetVersion: number;
  provider: string;
  surface: string;
  /** Topic id, or `none`. */
  topic: string;
  branded: boolean;
}

/** What one event adds: to its fine cell and to the brand's day total. */
export interface RollupDelta {
  tenantId: string;
  brandId: string;
  /** Null for events that only touch the day total (runs). */
  cell: RollupDims | null;
  day: string;
  counters: RollupCounters;
}

export const entityCounter = (entityId: string, name: EntityCounterName) => `e#${entityId}#${name}`;
type EntityCounterName =
  | 'm' // answers mentioning the entity
  | 'mv' // all mentions (share-of-voice numerator, all prompts)
  | 'mvNB' // mentions in answers to non-branded prompts
  | 'rk' // sum of first-mention ranks
  | 'rk2' // sum of squared ranks
  | 'rkN' // answers with a rank
  | 's' // sum of per-mention sentiments
  | 's2'
  | 'sN'
  | 'as' // sum of entity-level (answer) sentiment
  | 'as2'
  | 'asN'
  | 'oc' // citations to owned domains
  | 'ca' // answers citing an owned domain
  | 'pw' // position-adjusted words
  | 'pr'; // primary recommendation

/**
 * Non-integer increments are rounded to 1e-9: DynamoDB keeps numbers as exact decimals of at most 38 digits, and
 * sums of full binary doubles would run out of digits; 1e-9 is far below anything a metric shows.
 */
const round9 = (x: number) => (Number.isInteger(x) ? x : Math.round(x * 1e9) / 1e9);

function add(counters: RollupCounters, name: string, value: number) {
  const v = round9(value);
  if (v !== 0) counters[name] = round9((counters[name] ?? 0) + v);
}

/** The counters one `answer.analyzed` event contributes. Zero counters are omitted (absent = 0). */
export function answerCounters(data: AnswerAnalyzedEvent['data']): RollupCounters {
  return new CounterSums().addAnswer(data).toCounters();
}

/** What an event adds to the rollups (counters by name); null for events the rollups do not count. */
export function rollupDelta(
  event: AnswerAnalyzedEvent | RunCompletedEvent | { type: string; id?: string },
): RollupDelta | null {
  const entry = rollupEntry({ id: '', ...event } as AnswerAnalyzedEvent);
  if (!entry) return null;
  const { tenantId, brandId, day, cell } = entry;
  return { tenantId, brandId, day, cell, counters: sumsOf(entry).toCounters() };
}

/** Sums counters (cells of a period and filter, or deltas of events). */
export function sumCounters(all: Iterable<RollupCounters>): RollupCounters {
  const out: RollupCounters = {};
  // Rounded like the stored sums, so any order of additions gives the same numbers (DynamoDB adds exact decimals).
  for (const counters of all) for (const [k, v] of Object.entries(counters)) out[k] = round9((out[k] ?? 0) + v);
  return out;
}

/** Entity ids present in summed counters. */
export function entityIdsOf(counters: RollupCounters): string[] {
  const ids = new Set<string>();
  for (const k of Object.keys(counters)) {
    if (!k.startsWith('e#')) continue;
    const end = k.lastIndexOf('#');
    if (end > 2) ids.add(k.slice(2, end));
  }
  return [...ids];
}

/** Mean with its normal 95% interval from n, Σx and Σx² (same estimator as `meanEstimate`). */
export function meanFromSums(n: number, sum: number, sumSq: number): MeanEstimate {
  if (!(n > 0)) return { n: 0, value: null, sd: null, ci: null };
  const mean = sum / n;
  if (n < 2) return { n, value: mean, sd: null, ci: null };
  const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
  const sd = Math.sqrt(variance);
  const half = (Z95 * sd) / Math.sqrt(n);
  return { n, value: mean, sd, ci: [mean - half, mean + half] };
}

/**
 * DESIGN §5 metrics for the brand and its competitors from summed rollup counters: the same definitions and
 * estimators as `computeMetrics` (shared/analysis/metrics.ts) over the same answers, without reading them.
 */
export function metricsFromRollups(counters: RollupCounters, options: MetricOptions): MetricsReport {
  const get = (name: string) => counters[name] ?? 0;
  const competitorIds = options.competitorIds ?? entityIdsOf(counters).filter((id) => id !== options.brandId);
  const tracked = [options.brandId, ...competitorIds];
  const scopeAll = (options.shareOfVoiceScope ?? 'non-branded') === 'all';
  const mvName = scopeAll ? 'mv' : 'mvNB';
  const n = get('n');
  const allMentions = tracked.reduce((s, id) => s + get(entityCounter(id, mvName)), 0);
  const pawcTotal = tracked.reduce((s, id) => s + get(entityCounter(id, 'pw')), 0);
  const entity = (entityId: string): EntityMetrics => {
    const e = (name: EntityCounterName) => get(entityCounter(entityId, name));
    const mentionRate = proportion(e('m'), n);
    const shareOfVoice = allMentions > 0 ? proportion(e(mvName), allMentions) : null;
    const averagePosition = meanFromSums(e('rkN'), e('rk'), e('rk2'));
    const sentiment = meanFromSums(e('sN'), e('s'), e('s2'));
    const citationConsistency = proportion(e('ca'), n);
    const mr = mentionRate.value ?? 0;
    const components = {
      mentionRate: mr,
      shareOfVoice: shareOfVoice?.value ?? 0,
      position: averagePosition.value ? mr * (1 / averagePosition.value) : 0,
      sentiment: sentiment.value !== null ? mr * ((sentiment.value + 1) / 2) : 0,
      citationConsistency: citationConsistency.value ?? 0,
    };
    const raw =
      VISIBILITY_WEIGHTS.mentionRate * components.mentionRate +
      VISIBILITY_WEIGHTS.shareOfVoice * components.shareOfVoice +
      VISIBILITY_WEIGHTS.position * components.position +
      VISIBILITY_WEIGHTS.sentiment * components.sentiment +
      VISIBILITY_WEIGHTS.citationConsistency * components.citationConsistency;
    const damping = n / (n + DAMPING_M);
    return {
      entityId,
      mentionRate,
      shareOfVoice,
      averagePosition,
      sentiment,
      answerSentiment: meanFromSums(e('asN'), e('as'), e('as2')),
      citationShare: proportion(e('oc'), get('cit')),
      citationConsistency,
      positionAdjustedWordCount: pawcTotal > 0 ? e('pw') / pawcTotal : null,
      visibilityScore: { value: Math.round(1000 * raw * damping) / 10, raw, damping, components },
    };
  };
  return {
    n,
    shareOfVoiceN: scopeAll ? n : get('nNB'),
    brand: entity(options.brandId),
    competitors: competitorIds.map(entity),
  };
}

/** Cell filter of the metrics reader (every field optional = all). */
export interface RollupFilter {
  promptSetVersion?: number;
  provider?: string;
  surface?: string;
  topic?: string;
  branded?: boolean;
}

export function matchesFilter(dims: RollupDims, filter: RollupFilter): boolean {
  return (
    (filter.promptSetVersion === undefined || dims.promptSetVersion === filter.promptSetVersion) &&
    (filter.provider === undefined || dims.provider === filter.provider) &&
    (filter.surface === undefined || dims.surface === filter.surface) &&
    (filter.topic === undefined || dims.topic === filter.topic) &&
    (filter.branded === undefined || dims.branded === filter.branded)
  );
}

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
    return this;
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

  /** The counters by name (the stored attribute names without their `c#` prefix); untouched counters omitted. */
  toCounters(): RollupCounters {
    const out: RollupCounters = {};
    this.forEach((name, value) => {
      out[name] = out[name] === undefined ? value : round9((out[name] as number) + value);
    });
    return out;
  }

  /** Every touched counter by name (a name may come twice when also added by name: the caller sums). */
  forEach(visit: (name: string, value: number) => void): void {
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
    if (this.named) for (const k in this.named) visit(k, this.named[k] as number);
  }
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

/** The rollup granularities: UTC days and ISO 8601 weeks (Monday to Sunday, `YYYY-Www`). */
export type RollupGranularity = 'day' | 'week';

const weekCache = new Map<string, string>();
/** ISO 8601 week (`2026-W48`) of a UTC date `YYYY-MM-DD`. */
export function isoWeekOf(day: string): string {
  const cached = weekCache.get(day);
  if (cached) return cached;
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  const key = `${year}-W${String(week).padStart(2, '0')}`;
  if (weekCache.size > 10_000) weekCache.clear();
  weekCache.set(day, key);
  return key;
}

/** Monday (`YYYY-MM-DD`) of an ISO week `YYYY-Www`. */
export function isoWeekStart(week: string): string {
  const year = Number(week.slice(0, 4));
  const n = Number(week.slice(6));
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayOfWeek1 = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(mondayOfWeek1 + (n - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus n days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * One countable event, as the batch writer needs it: who and where it counts, and what it adds, kept as the event's
 * own data (answers) or as named counters (runs, hand-built deltas) until the batch is merged.
 */
export interface RollupEntry {
  eventId: string;
  tenantId: string;
  brandId: string;
  day: string;
  /** Null for events that only touch the brand's totals (runs). */
  cell: RollupDims | null;
  answer: AnswerAnalyzedData | null;
  counters: RollupCounters | null;
}

/** What an event adds to the rollups, as an entry of a batch; null for events the rollups do not count. */
export function rollupEntry(
  event: AnswerAnalyzedEvent | RunCompletedEvent | AnswerReanalyzedEvent | { type: string; id: string },
): RollupEntry | null {
  if (event.type === 'promptpulse.answer.reanalyzed') {
    const { data, id } = event as AnswerReanalyzedEvent;
    return {
      eventId: id,
      tenantId: data.tenantId,
      brandId: data.brandId,
      day: data.cell.day,
      cell: data.cell,
      answer: null,
      counters: correctionCounters(data.previous.counters, data.current.counters),
    };
  }
  if (event.type === 'promptpulse.answer.analyzed') {
    const { data, id } = event as AnswerAnalyzedEvent;
    const day = data.answeredAt.slice(0, 10);
    return {
      eventId: id,
      tenantId: data.tenantId,
      brandId: data.brandId,
      day,
      cell: {
        day,
        promptSetVersion: data.prompt.setVersion,
        provider: data.provider,
        surface: data.surface,
        topic: data.prompt.topicId ?? 'none',
        branded: data.prompt.branded,
      },
      answer: data,
      counters: null,
    };
  }
  if (event.type === 'promptpulse.run.completed') {
    const { data, id } = event as RunCompletedEvent;
    const counters: RollupCounters = { 'run#n': 1, [`run#status#${data.status}`]: 1 };
    add(counters, 'run#planned', data.counts.planned);
    add(counters, 'run#succeeded', data.counts.succeeded);
    add(counters, 'run#failed', data.counts.failed);
    add(counters, 'run#skipped', data.counts.skipped);
    add(counters, 'run#costUsd', data.usage.costUsd);
    const day = data.finishedAt.slice(0, 10);
    return { eventId: id, tenantId: data.tenantId, brandId: data.brandId, day, cell: null, answer: null, counters };
  }
  return null;
}

/**
 * What a correction adds: the new contribution minus the old, counter by counter (unchanged counters omitted).
 * Both sides are sums of round9'd increments, so the difference is exact in the store's decimals.
 */
export function correctionCounters(previous: RollupCounters, current: RollupCounters): RollupCounters {
  const out: RollupCounters = {};
  for (const k of new Set([...Object.keys(previous), ...Object.keys(current)])) {
    const v = round9((current[k] ?? 0) - (previous[k] ?? 0));
    if (v !== 0) out[k] = v;
  }
  return out;
}

/** A hand-built delta (tests, tools) as a batch entry. */
export function deltaEntry(eventId: string, delta: RollupDelta): RollupEntry {
  const { tenantId, brandId, day, cell, counters } = delta;
  return { eventId, tenantId, brandId, day, cell, answer: null, counters };
}

/** What an entry adds, as sums (a fresh instance the caller may add to). */
function sumsOf(entry: RollupEntry): CounterSums {
  const sums = new CounterSums();
  if (entry.answer) sums.addAnswer(entry.answer);
  if (entry.counters) sums.addCounters(entry.counters);
  return sums;
}

/** One rollup item after a batch is merged: a fine cell (dims) or the brand's total, for a day or an ISO week. */
export interface MergedRollupItem {
  tenantId: string;
  brandId: string;
  granularity: RollupGranularity;
  /** `YYYY-MM-DD` (day) or `YYYY-Www` (week). */
  period: string;
  /** The fine cell's dimensions (`day` = the event day for day cells, the week's Monday for week cells); null = total. */
  dims: RollupDims | null;
  /**
   * The cell within its brand and period (version, provider, surface, topic, branded; `''` for a total). With
   * tenantId, brandId and period it identifies the item. The very same string object for the day and the week item
   * of a cell (its hash is computed once), so an in-memory store can key by it cheaply.
   */
  cellKey: string;
  /** What the batch adds to the item. Read-only: it may be shared with other items of the same merge. */
  sums: CounterSums;
}

/** provider → topic → surface → version × branded → cell key (see {@link cellKeyWithin}). */
const cellKeyCache = new Map<string, Map<string, Map<string, Map<number, string>>>>();
let cellKeysCached = 0;

function cached<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/**
 * The part of a cell's identity below its brand and period (version, provider, surface, topic, branded), the same
 * string object every time for the same dimensions (bounded cache). Why: building it per event and then hashing the
 * fresh string in whatever map keys by it cost more than looking it up by its parts, which are strings the JSON
 * parser already interned (their hashes are known).
 */
function cellKeyWithin(d: RollupDims): string {
  const byVersion = cached(
    cached(
      cached(cellKeyCache, d.provider, () => new Map()),
      d.topic,
      () => new Map(),
    ),
    d.surface,
    () => new Map(),
  );
  const slot = d.promptSetVersion * 2 + (d.branded ? 1 : 0);
  let key = byVersion.get(slot);
  if (key === undefined) {
    if (++cellKeysCached > 20_000) {
      cellKeyCache.clear();
      cellKeysCached = 0;
    }
    key = `${d.promptSetVersion}\u0000${d.provider}\u0000${d.surface}\u0000${d.topic}\u0000${d.branded ? 1 : 0}`;
    byVersion.set(slot, key);
  }
  return key;
}

const sameCell = (a: RollupDims, b: RollupDims) =>
  a.provider === b.provider &&
  a.topic === b.topic &&
  a.promptSetVersion === b.promptSetVersion &&
  a.branded === b.branded &&
  a.surface === b.surface;

/**
 * One item being merged, which is also the item handed out once the batch is merged. `shared` sums belong to another
 * slot and are copied before the first change (copy on write), so an item fed by a single cell (every item, when a
 * batch holds one answer per brand) costs no copy.
 */
interface Slot extends MergedRollupItem {
  shared: boolean;
}

/**
 * A brand's day or ISO week within one merge: its total and its cells. A batch mostly holds a few cells per brand
 * and day, so they are found by a linear scan comparing dimensions; past {@link LINEAR_SCAN} cells an index by cell
 * key takes over. Why no Map or key per event: a batch that interleaves brands makes a group per event, and building
 * and hashing keys and allocating Maps for them cost more than the rest of the merge (docs/events.md, benchmarks).
 */
interface Period {
  period: string;
  total: Slot | null;
  cells: Slot[];
  cellIndex: Map<string, Slot> | null;
}

interface BrandItems {
  tenantId: string;
  brandId: string;
  days: Period[];
  weeks: Period[];
}

const LINEAR_SCAN = 8;

/** The period of that name (day or week), created empty on first use. */
/** A brand's day or week of that name, created empty on first use. */
function periodOf(brand: BrandItems, granularity: RollupGranularity, period: string): Period {
  const periods = granularity === 'day' ? brand.days : brand.weeks;
  for (let i = 0; i < periods.length; i++) if ((periods[i] as Period).period === period) return periods[i] as Period;
  const created: Period = { period, total: null, cells: NO_CELLS, cellIndex: null };
  if (periods.length > 0) periods.push(created);
  else if (granularity === 'day') brand.days = [created];
  else brand.weeks = [created];
  return created;
}

/*
 * Until its first element a list shares one of these empty ones (never pushed to) and then gets a list of one. Why:
 * pushing onto an empty array allocates room for 16, and a batch that interleaves brands makes, per event, a brand
 * with one day and one week, each with one cell.
 */
const NO_CELLS: Slot[] = [];
const NO_PERIODS: Period[] = [];

function findCell(period: Period, dims: RollupDims): Slot | undefined {
  if (period.cellIndex !== null) return period.cellIndex.get(cellKeyWithin(dims));
  const cells = period.cells;
  for (let i = 0; i < cells.length; i++) if (sameCell((cells[i] as Slot).dims as RollupDims, dims)) return cells[i];
  return undefined;
}

function addCell(period: Period, slot: Slot): void {
  if (period.cells === NO_CELLS) period.cells = [slot];
  else period.cells.push(slot);
  if (period.cellIndex !== null) period.cellIndex.set(slot.cellKey, slot);
  else if (period.cells.length > LINEAR_SCAN) period.cellIndex = new Map(period.cells.map((c) => [c.cellKey, c]));
}

function contribute(slot: Slot, sums: CounterSums): void {
  if (slot.shared) {
    slot.sums = slot.sums.copy();
    slot.shared = false;
  }
  slot.sums.addSums(sums);
}

function addToTotal(brand: BrandItems, granularity: RollupGranularity, period: Period, sums: CounterSums): void {
  if (period.total) contribute(period.total, sums);
  else period.total = slotOf(brand, granularity, period.period, null, '', sums, true);
}

/** Every item is made here, by one object literal: one hidden class, so the code that reads items stays monomorphic. */
const slotOf = (
  brand: BrandItems,
  granularity: RollupGranularity,
  period: string,
  dims: RollupDims | null,
  cellKey: string,
  sums: CounterSums,
  shared: boolean,
): Slot => ({ tenantId: brand.tenantId, brandId: brand.brandId, granularity, period, dims, cellKey, sums, shared });

const weekStartCache = new Map<string, string>();
function cachedWeekStart(week: string): string {
  let day = weekStartCache.get(week);
  if (!day) {
    if (weekStartCache.size >= 5_000) weekStartCache.clear();
    day = isoWeekStart(week);
    weekStartCache.set(week, day);
  }
  return day;
}

/**
 * Sums a batch of entries into the items they touch: per day and per ISO week, each fine cell and the brand's total.
 * Every entry is counted once; whoever calls this has already dropped duplicates. Totals and weeks are sums of the
 * day cells (built per cell, not per event), and an item fed by a single cell shares that cell's sums. Entries are
 * grouped by tenant and brand (Maps keyed by the ids, whose hashes the parsed strings carry), then by period and cell
 * (see {@link Period}).
 */
export function mergeRollupEntries(entries: readonly RollupEntry[]): MergedRollupItem[] {
  const tenants = new Map<string, Map<string, BrandItems>>();
  const brands: BrandItems[] = [];
  for (const entry of entries) {
    let byBrand = tenants.get(entry.tenantId);
    if (!byBrand) {
      byBrand = new Map();
      tenants.set(entry.tenantId, byBrand);
    }
    let brand = byBrand.get(entry.brandId);
    if (!brand) {
      brand = { tenantId: entry.tenantId, brandId: entry.brandId, days: NO_PERIODS, weeks: NO_PERIODS };
      byBrand.set(entry.brandId, brand);
      brands.push(brand);
    }
    const day = periodOf(brand, 'day', entry.day);
    if (entry.cell) {
      const slot = findCell(day, entry.cell);
      // A day cell's sums are its own from the start (events are added into them; nothing shares them yet).
      if (!slot)
        addCell(day, slotOf(brand, 'day', entry.day, entry.cell, cellKeyWithin(entry.cell), sumsOf(entry), false));
      else {
        if (entry.answer) slot.sums.addAnswer(entry.answer);
        if (entry.counters) slot.sums.addCounters(entry.counters);
      }
    } else {
      addToTotal(brand, 'day', day, sumsOf(entry));
    }
  }
  const out: MergedRollupItem[] = [];
  for (const brand of brands) {
    for (const day of brand.days) {
      const week = periodOf(brand, 'week', isoWeekOf(day.period));
      for (const cell of day.cells) {
        const d = cell.dims as RollupDims;
        const weekCell = findCell(week, d);
        if (weekCell) contribute(weekCell, cell.sums);
        else {
          const dims: RollupDims = {
            day: cachedWeekStart(week.period),
            promptSetVersion: d.promptSetVersion,
            provider: d.provider,
            surface: d.surface,
            topic: d.topic,
            branded: d.branded,
          };
          addCell(week, slotOf(brand, 'week', week.period, dims, cell.cellKey, cell.sums, true));
        }
        addToTotal(brand, 'day', day, cell.sums);
        out.push(cell);
      }
      if (day.total) {
        addToTotal(brand, 'week', week, day.total.sums);
        out.push(day.total);
      }
    }
    for (const week of brand.weeks) {
      for (const cell of week.cells) out.push(cell);
      if (week.total) out.push(week.total);
    }
  }
  return out;
}

/** Identity of every item an entry touches (day/week cell, day/week total): the batch writer counts these per transaction. */
export function rollupItemIds(entry: RollupEntry): string[] {
  const week = isoWeekOf(entry.day);
  const t = `${entry.tenantId}\u0000${entry.brandId}\u0000`;
  const ids = [`${t}D\u0000${entry.day}`, `${t}W\u0000${week}`];
  if (entry.cell) {
    const cell = cellKeyWithin(entry.cell);
    ids.push(`${t}D\u0000${entry.day}\u0000${cell}`, `${t}W\u0000${week}\u0000${cell}`);
  }
  return ids;
}

/**
 * Splits entries, in order, into consecutive chunks whose marker + touched items fit one transaction of at most
 * `maxItems` items. Consecutive: a failed chunk means everything before it is stored and nothing from it on.
 */
export function chunkRollupEntries(entries: readonly RollupEntry[], maxItems: number): RollupEntry[][] {
  const chunks: RollupEntry[][] = [];
  let current: RollupEntry[] = [];
  let items = new Set<string>();
  for (const entry of entries) {
    const ids = rollupItemIds(entry);
    const added = ids.filter((id) => !items.has(id)).length + 1;
    if (current.length > 0 && items.size + current.length + added > maxItems) {
      chunks.push(current);
      current = [];
      items = new Set();
    }
    current.push(entry);
    for (const id of ids) items.add(id);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
