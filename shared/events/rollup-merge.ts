/**
 * From events to stored rollup items: what one event adds (`RollupEntry`), how a batch is merged into the day and
 * ISO-week items it touches (fine cells and the brand's totals), and how a batch is cut into transactions.
 */

import type { AnswerReanalyzedEvent } from './reanalysis.ts';
import type { RollupCounters, RollupDims } from './rollup-counters.ts';
import { add, round9 } from './rollup-counters.ts';
import { isoWeekOf, isoWeekStart, type RollupGranularity } from './rollup-periods.ts';
import { CounterSums } from './rollup-sums.ts';
import type { AnswerAnalyzedData, AnswerAnalyzedEvent, RunCompletedEvent } from './schemas.ts';

/** What one event adds: to its fine cell and to the brand's day total. */
export interface RollupDelta {
  tenantId: string;
  brandId: string;
  /** Null for events that only touch the day total (runs). */
  cell: RollupDims | null;
  day: string;
  counters: RollupCounters;
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
export function sumsOf(entry: RollupEntry): CounterSums {
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
 * How many counters one stored item may receive in one update. Why: DynamoDB caps an update expression at 4 KB and
 * each added counter costs ~9 bytes of it (functions/adapters/aws/dynamodb-support.ts refuses longer ones).
 */
export const MAX_COUNTERS_PER_UPDATE = 380;

/** Upper bound of the counters a week cell receives from the entries so far (per-prompt counters included). */
class CellCounterBudget {
  private readonly cells = new Map<string, { entities: Set<string>; prompts: Map<string, Set<string>> }>();

  /** The estimate for the entry's week cell if the entry were added (0 for entries without a cell). */
  withEntry(entry: RollupEntry, commit: boolean): number {
    if (!entry.cell) return 0;
    const key = `${entry.tenantId}\u0000${entry.brandId}\u0000${isoWeekOf(entry.day)}\u0000${cellKeyWithin(entry.cell)}`;
    const cell = this.cells.get(key) ?? { entities: new Set<string>(), prompts: new Map<string, Set<string>>() };
    const entities = new Set(cell.entities);
    const prompts = new Map(cell.prompts);
    if (entry.answer) {
      const touched = new Set(prompts.get(entry.answer.prompt.id));
      for (const e of entry.answer.entities) {
        entities.add(e.entityId);
        if (e.mentioned || e.mentions > 0 || e.ownedCitations > 0) touched.add(e.entityId);
      }
      prompts.set(entry.answer.prompt.id, touched);
    }
    if (commit) this.cells.set(key, { entities, prompts });
    // Answer counters, entity counters, then per prompt its own and 10 per entity it touched (rollup-counters.ts).
    let estimate = 7 + 16 * entities.size + Object.keys(entry.counters ?? {}).length;
    for (const touched of prompts.values()) estimate += 3 + 10 * touched.size;
    return estimate;
  }
}

/**
 * Splits entries, in order, into consecutive chunks whose marker + touched items fit one transaction of at most
 * `maxItems` items, and whose merged cells stay within {@link MAX_COUNTERS_PER_UPDATE} counters. Consecutive: a
 * failed chunk means everything before it is stored and nothing from it on.
 */
export function chunkRollupEntries(entries: readonly RollupEntry[], maxItems: number): RollupEntry[][] {
  const chunks: RollupEntry[][] = [];
  let current: RollupEntry[] = [];
  let items = new Set<string>();
  let budget = new CellCounterBudget();
  for (const entry of entries) {
    const ids = rollupItemIds(entry);
    const added = ids.filter((id) => !items.has(id)).length + 1;
    if (
      current.length > 0 &&
      (items.size + current.length + added > maxItems || budget.withEntry(entry, false) > MAX_COUNTERS_PER_UPDATE)
    ) {
      chunks.push(current);
      current = [];
      items = new Set();
      budget = new CellCounterBudget();
    }
    current.push(entry);
    budget.withEntry(entry, true);
    for (const id of ids) items.add(id);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The counters a merged item stores: a fine cell keeps per-prompt counters, a brand total does not. */
export function itemCounters(item: MergedRollupItem): RollupCounters {
  return item.sums.toCounters(item.dims !== null);
}
