import { gzipSync } from 'node:zlib';
import type { LakeSource } from '../../../functions/adapters/warehouse/lake-source.ts';
import type { AnswerAnalyzedEvent } from '../../../shared/events/schemas.ts';

let counter = 0;

export interface SyntheticAnswer {
  tenantId: string;
  brandId: string;
  day: string;
  provider?: 'openai' | 'anthropic' | 'gemini' | 'perplexity';
  surface?: 'api' | 'api_web_search';
  promptId?: string;
  topicId?: string | null;
  /** Brand rank when mentioned; null = not mentioned. */
  brandRank?: number | null;
  brandSentiment?: number | null;
  /** Competitor entity ids mentioned (each once). */
  competitors?: string[];
  citations?: { domain: string; class: 'owned' | 'competitor' | 'third-party' }[];
  id?: string;
  /** @default 1 */
  setVersion?: number;
  /** @default false */
  branded?: boolean;
  /** @default 'en-US' */
  locale?: string;
}

/** A schema-valid `answer.analyzed` event with a brand and two competitors (`cmp_a`, `cmp_b`). */
export function answerEvent(a: SyntheticAnswer): AnswerAnalyzedEvent {
  const n = ++counter;
  const id = a.id ?? `01JZ${String(n).padStart(22, '0')}`;
  const mentioned = a.brandRank !== undefined && a.brandRank !== null;
  const competitors = a.competitors ?? [];
  return {
    specversion: '1.0',
    id,
    source: 'urn:promptpulse:functions',
    type: 'promptpulse.answer.analyzed',
    time: `${a.day}T12:00:00.000Z`,
    subject: `brands/${a.brandId}/answers/a${n}`,
    tenantid: a.tenantId,
    datacontenttype: 'application/json',
    data: {
      tenantId: a.tenantId,
      brandId: a.brandId,
      runId: 'run_1',
      answerId: `ans_${n}`,
      prompt: {
        id: a.promptId ?? 'prm_1',
        setVersion: a.setVersion ?? 1,
        branded: a.branded ?? false,
        topicId: a.topicId ?? null,
        intent: null,
        persona: null,
      },
      provider: a.provider ?? 'openai',
      model: 'gpt-4.1-mini',
      modelVersion: null,
      surface: a.surface ?? 'api',
      locale: a.locale ?? 'en-US',
      sampleIndex: 0,
      answeredAt: `${a.day}T12:00:00.000Z`,
      analyzerVersion: 'test',
      refusal: false,
      entities: [
        entity(a.brandId, 'brand', mentioned, a.brandRank ?? null, mentioned ? (a.brandSentiment ?? 0) : null),
        ...['cmp_a', 'cmp_b'].map((c, i) =>
          entity(c, 'competitor', competitors.includes(c), competitors.includes(c) ? i + 2 : null, null),
        ),
      ],
      citations: (a.citations ?? []).map((c, i) => ({
        url: `https://${c.domain}/p${i}`,
        domain: c.domain,
        class: c.class,
        entityId: null,
        category: 'other',
      })),
      usage: { inputTokens: 1, outputTokens: 1 },
      costUsd: null,
      latencyMs: 1,
    },
  };
}

function entity(id: string, kind: 'brand' | 'competitor', mentioned: boolean, rank: number | null, s: number | null) {
  return {
    entityId: id,
    kind,
    mentioned,
    mentions: mentioned ? 1 : 0,
    rank: mentioned ? rank : null,
    sentiment: s,
    mentionSentiments: s === null ? [] : [s],
    ownedCitations: 0,
    positionAdjustedWords: 0,
    primaryRecommendation: false,
  };
}

/**
 * An in-memory lake with the production key layout; `put` adds gzip NDJSON files, one per event day (as Firehose
 * partitions on the event time), `raw` lines going into the first day's file.
 */
export function memoryLake(): LakeSource & {
  put(events: unknown[], raw?: string): string;
  putRaw(key: string, body: Uint8Array): void;
  keys(): string[];
  reads: number;
} {
  const files = new Map<string, Uint8Array>();
  const lake = {
    reads: 0,
    put(events: unknown[], raw = '') {
      const byDay = new Map<string, unknown[]>();
      for (const event of events) {
        const day = (event as AnswerAnalyzedEvent).time.slice(0, 10);
        byDay.set(day, [...(byDay.get(day) ?? []), event]);
      }
      const first = events[0] as AnswerAnalyzedEvent | undefined;
      const tenant = first?.tenantid ?? 'ws_unknown';
      let firstKey = '';
      for (const [day, group] of byDay) {
        const key = `tenants/${tenant}/events/type=promptpulse.answer.analyzed/dt=${day}/f${String(files.size).padStart(5, '0')}.json.gz`;
        files.set(key, gzipSync(`${group.map((e) => JSON.stringify(e)).join('\n')}\n${firstKey ? '' : raw}`));
        firstKey ||= key;
      }
      return firstKey;
    },
    putRaw(key: string, body: Uint8Array) {
      files.set(key, body);
    },
    keys: () => [...files.keys()].sort(),
    async *list(prefix: string, startAfter?: string) {
      yield [...files.keys()].filter((k) => k.startsWith(prefix) && (!startAfter || k > startAfter)).sort();
    },
    async listTenants() {
      return [...new Set([...files.keys()].map((k) => k.split('/')[1] as string))];
    },
    async read(key: string) {
      lake.reads++;
      const body = files.get(key);
      if (!body) throw new Error(`no such key ${key}`);
      return body;
    },
    async write(key: string, body: Uint8Array) {
      files.set(key, body);
    },
  };
  return lake;
}
