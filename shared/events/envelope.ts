import * as z from 'zod';
import type { CanonicalEvent } from '../ports/event-publisher.ts';

/** The `source` of events published by PromptPulse's own functions (a URI-reference, CloudEvents 1.0 §3.1.1). */
export const EVENT_SOURCE = 'urn:promptpulse:functions';

/** Crockford base32, the ULID alphabet. */
const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
/** Same pattern as `TENANT_ID_PATTERN` in shared/domain/workspace.ts; repeated so JSON Schema export shows it. */
const TENANT_ID = /^ws_[0-9a-hjkmnp-tv-z]{26}$/;

export const EVENT_TYPES = [
  'promptpulse.answer.analyzed',
  'promptpulse.run.progressed',
  'promptpulse.run.completed',
  'promptpulse.signal.observed',
  'promptpulse.metric.alert',
  'promptpulse.answer.reanalyzed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Types planned in docs/events.md whose data schemas arrive with their features; accepted on the stream. */
export const PLANNED_EVENT_TYPES = ['promptpulse.action.created', 'promptpulse.action.updated'] as const;

/**
 * CloudEvents 1.0 attributes of every canonical event (structured JSON mode). `tenantid` is an extension attribute
 * (lower-case alphanumerics only, per the spec's naming rule); the lake partitions by it, so it is validated strictly.
 */
export const envelopeAttributesSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().regex(ULID_PATTERN, 'expected a ULID'),
  source: z.string().min(1),
  type: z.string().regex(/^promptpulse\.[a-z]+(\.[a-z_]+)+$/, 'expected promptpulse.<noun>.<verb>'),
  time: z.iso.datetime({ offset: false }),
  subject: z.string().min(1).optional(),
  tenantid: z.string().regex(TENANT_ID, 'expected a tenant id (ws_<ulid>)'),
  datacontenttype: z.literal('application/json'),
});
export type EnvelopeAttributes = z.infer<typeof envelopeAttributesSchema>;

/** Envelope with any JSON data: what a consumer can check before it knows the type. */
export const anyEnvelopeSchema = envelopeAttributesSchema.extend({ data: z.unknown() });

/** Encodes a time + 80 random bits as a ULID. */
export function encodeUlid(timeMs: number, random: Uint8Array): string {
  if (random.length < 10) throw new Error('a ULID needs 80 random bits');
  let time = '';
  let t = Math.max(0, Math.floor(timeMs));
  for (let i = 0; i < 10; i++) {
    time = ULID_ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let bits = 0;
  let value = 0;
  let rand = '';
  for (let i = 0; i < 10; i++) {
    value = (value << 8) | (random[i] ?? 0);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += ULID_ALPHABET[(value >> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return time + rand;
}

/** 32-bit FNV-1a of a string with a seed (enough mixing for ids; not cryptographic). */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche (murmur3 fmix32)
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A ULID derived from a time and a natural key. Why: a workflow step that is retried after it published (or
 * half-published) must publish the SAME event id again, so consumers' idempotency on `id` absorbs the retry.
 */
export function deterministicUlid(timeMs: number, key: string): string {
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, fnv1a(key, 1));
  view.setUint32(4, fnv1a(key, 2));
  view.setUint32(8, fnv1a(key, 3));
  return encodeUlid(timeMs, bytes);
}

/** Builds an envelope around already-valid data. The id is deterministic in (tenant, type, key). */
export function makeEvent<TType extends string, TData>(input: {
  type: TType;
  tenantId: string;
  subject: string;
  time: string;
  /** Natural key of the fact the event reports (e.g. the answer id): same fact, same event id. */
  key: string;
  data: TData;
  source?: string;
}): CanonicalEvent<TData> & { type: TType } {
  return {
    specversion: '1.0',
    id: deterministicUlid(Date.parse(input.time), `${input.tenantId}|${input.type}|${input.key}`),
    source: input.source ?? EVENT_SOURCE,
    type: input.type,
    time: input.time,
    subject: input.subject,
    tenantid: input.tenantId,
    datacontenttype: 'application/json',
    data: input.data,
  };
}
