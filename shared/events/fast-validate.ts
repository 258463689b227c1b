/**
 * A hand-written check of the `promptpulse.answer.analyzed` shape, for the stream consumer's hot path. Why: zod
 * validation cost more than JSON.parse itself per event (docs/events.md, benchmarks), and nearly every record on the
 * stream is a valid answer event. The rule that keeps it honest: this check may only be STRICTER than the zod schema.
 * It accepts a value only when the schema would accept it and return it unchanged (no unknown keys to strip, no
 * defaults); anything else (invalid, unusual or another type) goes to zod, which decides and explains. A property test
 * (test/unit/events/fast-validate.test.ts) holds the two together.
 */

import * as z from 'zod';
import { ProviderIdSchema, SurfaceSchema } from '../contracts/run-settings.ts';
import { ULID_PATTERN } from './envelope.ts';
import type { AnswerAnalyzedEvent } from './schemas.ts';

/** The very patterns the zod schemas use (`z.iso.datetime()` without offset, the envelope's tenant id). */
const DATETIME = z.regexes.datetime({ precision: null, offset: false, local: false });
const TENANT_ID = /^ws_[0-9a-hjkmnp-tv-z]{26}$/;
const PROVIDERS: ReadonlySet<unknown> = new Set(ProviderIdSchema.options);
const SURFACES: ReadonlySet<unknown> = new Set(SurfaceSchema.options);
const ENTITY_KINDS: ReadonlySet<unknown> = new Set(['brand', 'competitor']);
const CITATION_CLASSES: ReadonlySet<unknown> = new Set(['owned', 'competitor', 'third-party']);
const CATEGORIES: ReadonlySet<unknown> = new Set([
  'review',
  'forum',
  'news',
  'encyclopedia',
  'video',
  'social',
  'other',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown) => v === null || typeof v === 'string';
const isBool = (v: unknown) => typeof v === 'boolean';
const isNonNegInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isNonNegNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isUnit = (v: unknown) => typeof v === 'number' && v >= -1 && v <= 1;

/** Exactly `count` own enumerable keys: with every expected key checked, no unknown key (zod would strip it). */
function keyCount(o: Obj): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

function isEntity(e: unknown): boolean {
  if (!isObj(e) || keyCount(e) !== 10) return false;
  const { rank, sentiment, mentionSentiments } = e;
  if (
    !(isStr(e.entityId) && e.entityId.length > 0) ||
    !ENTITY_KINDS.has(e.kind) ||
    !isBool(e.mentioned) ||
    !isNonNegInt(e.mentions) ||
    !(rank === null || (Number.isSafeInteger(rank) && (rank as number) > 0)) ||
    !(sentiment === null || isUnit(sentiment)) ||
    !Array.isArray(mentionSentiments) ||
    !isNonNegInt(e.ownedCitations) ||
    !isNonNegNum(e.positionAdjustedWords) ||
    !isBool(e.primaryRecommendation)
  )
    return false;
  for (const s of mentionSentiments) if (!isUnit(s)) return false;
  return true;
}

function isCitation(c: unknown): boolean {
  return (
    isObj(c) &&
    keyCount(c) === 5 &&
    isStr(c.url) &&
    isStr(c.domain) &&
    CITATION_CLASSES.has(c.class) &&
    isStrOrNull(c.entityId) &&
    CATEGORIES.has(c.category)
  );
}

/** `validTime`: a datetime that already passed {@link DATETIME} (answeredAt is usually the envelope's time). */
function isAnswerData(d: unknown, validTime: string): boolean {
  if (!isObj(d) || keyCount(d) !== 19) return false;
  const { prompt, usage, entities, citations } = d;
  if (
    !isStr(d.tenantId) ||
    !isStr(d.brandId) ||
    !isStr(d.runId) ||
    !isStr(d.answerId) ||
    !isObj(prompt) ||
    keyCount(prompt) !== 6 ||
    !isStr(prompt.id) ||
    !(Number.isSafeInteger(prompt.setVersion) && (prompt.setVersion as number) > 0) ||
    !isBool(prompt.branded) ||
    !isStrOrNull(prompt.topicId) ||
    !isStrOrNull(prompt.intent) ||
    !isStrOrNull(prompt.persona) ||
    !PROVIDERS.has(d.provider) ||
    !isStr(d.model) ||
    !isStrOrNull(d.modelVersion) ||
    !SURFACES.has(d.surface) ||
    !isStr(d.locale) ||
    !isNonNegInt(d.sampleIndex) ||
    !(isStr(d.answeredAt) && (d.answeredAt === validTime || DATETIME.test(d.answeredAt))) ||
    !isStr(d.analyzerVersion) ||
    !isBool(d.refusal) ||
    !Array.isArray(entities) ||
    entities.length === 0 ||
    !Array.isArray(citations) ||
    !isObj(usage) ||
    keyCount(usage) !== 2 ||
    !isNonNegInt(usage.inputTokens) ||
    !isNonNegInt(usage.outputTokens) ||
    !(d.costUsd === null || isNonNegNum(d.costUsd)) ||
    !isNonNegNum(d.latencyMs)
  )
    return false;
  for (const e of entities) if (!isEntity(e)) return false;
  for (const c of citations) if (!isCitation(c)) return false;
  return true;
}

/**
 * True when `value` is an `answer.analyzed` event the zod schema accepts unchanged. False says nothing: the caller
 * must then ask zod (which also explains a failure).
 */
export function isPlainAnswerAnalyzedEvent(value: unknown): value is AnswerAnalyzedEvent {
  if (!isObj(value) || value.type !== 'promptpulse.answer.analyzed') return false;
  const hasSubject = value.subject !== undefined;
  return (
    keyCount(value) === (hasSubject ? 9 : 8) &&
    value.specversion === '1.0' &&
    isStr(value.id) &&
    ULID_PATTERN.test(value.id) &&
    isStr(value.source) &&
    value.source.length > 0 &&
    isStr(value.time) &&
    DATETIME.test(value.time) &&
    (!hasSubject || (isStr(value.subject) && value.subject.length > 0)) &&
    isStr(value.tenantid) &&
    TENANT_ID.test(value.tenantid) &&
    value.datacontenttype === 'application/json' &&
    isAnswerData(value.data, value.time)
  );
}
