/**
 * A seeded simulated market for `npm run bench:decisions`: a brand and three competitors answered by three
 * providers, day after day, and the brand's social signal series. The variance structure is the point, and it is
 * an ASSUMPTION (to be checked against real answer history), stated here so the figures can be judged:
 *
 * Answers (per topic: 8 non-branded + 2 branded prompts; 3 providers; 3 samples per prompt a day):
 * - an entity is named in an answer with probability sigmoid(base + u_prompt + v_provider·day + w_prompt·run +
 *   weekend), where u_prompt ~ N(0, 1.0) is the prompt's lasting pull (shared by all entities, so in the null
 *   market brand and competitors are equally visible over the tracked prompts: no true gap), v ~ N(0, 0.3) is a
 *   day's shock per provider and entity, w ~ N(0, 0.8) is shared by the 3 samples of one prompt's run (what makes
 *   those samples correlated), weekend = −0.15 on Saturdays and Sundays (weekly seasonality);
 * - the brand's per-answer sentiment is θ + a_prompt + b_day + e, a ~ N(0, 0.15), b ~ N(0, 0.1) per day, e ~
 *   N(0, 0.35), clipped to [−1, 1]; θ = 0.15;
 * - citations: 0–2 third-party domains drawn from the topic's pool (independent of who is named: no true source
 *   gap), and an entity's own domain with probability 0.3 when it is named.
 * Signals (5 sources from a few to ~200 posts a day, plus `all`): daily volume ~ Poisson(λ·weekday·g_day) with a
 * gamma day multiplier of variance α (overdispersion; α = 0.3), weekday factor 0.6 on weekends; 80% of posts carry
 * a sentiment θ_s + day shock N(0, 0.1) + N(0, 0.4) per post.
 *
 * Planted changes: a competitor's mention probability in one topic rises by `gap` points from a day on; a source's
 * volume doubles, or its sentiment falls by 0.3, for 7 days.
 */

import type { ActionSnapshot, SnapshotAnswer } from '../../shared/actions/snapshot.ts';
import type { RollupCounters } from '../../shared/events/rollups.ts';
import type { RollupCell } from '../../shared/ports/rollups.ts';
import type { SignalDayPoint } from '../../shared/signals/swing-detector.ts';
import { rng } from './synthetic.ts';

export const BRAND = 'brd_sim0000000000000000000000';
export const COMPETITORS = [
  'cmp_simaaaaaaaaaaaaaaaaaaaaaa',
  'cmp_simbbbbbbbbbbbbbbbbbbbbbb',
  'cmp_simcccccccccccccccccccccc',
];
export const ENTITIES = [BRAND, ...COMPETITORS];
const NAMES = ['Acmeo Analytics', 'Borealis Metrics', 'Cobalt Insights', 'Dynamo Dashboards'];
const DOMAINS = ['acmeo.example', 'borealis.example', 'cobalt.example', 'dynamo.example'];
export const TOPICS = ['top_sim1', 'top_sim2', 'top_sim3', 'top_sim4'];
export const PROVIDERS = ['openai', 'anthropic', 'gemini'];
const PROMPTS_PER_TOPIC = 10;
const BRANDED_PER_TOPIC = 2;
const SAMPLES = 3;

export const VARIANCE = { prompt: 1.0, providerDay: 0.3, run: 0.8, weekend: -0.15 } as const;
export const SENTIMENT = { theta: 0.15, prompt: 0.15, day: 0.1, answer: 0.35 } as const;

export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

export const dayAt = (i: number) => new Date(Date.UTC(2026, 0, 5) + i * 86_400_000).toISOString().slice(0, 10);
const isWeekend = (i: number) => {
  const d = new Date(Date.UTC(2026, 0, 5) + i * 86_400_000).getUTCDay();
  return d === 0 || d === 6;
};

export interface Prompt {
  id: string;
  topic: string;
  branded: boolean;
  u: number;
  sentiment: number;
}

/** A planted rise of one competitor in one topic from `fromDay` (day index) on. */
export interface GapPlant {
  competitor: string;
  topic: string;
  gap: number;
  fromDay: number;
}

export class AnswerMarket {
  readonly prompts: Prompt[] = [];
  private readonly random: () => number;
  private readonly base = logit(0.35);
  /** Cells by day index. */
  readonly cellsByDay: RollupCell[][] = [];
  /** Answers by day index (kept for the last few days only). */
  readonly answersByDay = new Map<number, SnapshotAnswer[]>();

  constructor(
    seed: number,
    private readonly plants: GapPlant[] = [],
  ) {
    this.random = rng(seed);
    for (const topic of TOPICS) {
      for (let i = 0; i < PROMPTS_PER_TOPIC; i++) {
        this.prompts.push({
          id: `prm_${topic}_${i}`,
          topic,
          branded: i < BRANDED_PER_TOPIC,
          u: VARIANCE.prompt * normal(this.random),
          sentiment: SENTIMENT.prompt * normal(this.random),
        });
      }
    }
  }

  /** Mention probability of an entity before shocks (for the long-run targets). */
  probability(entity: string, prompt: Prompt, day: number, shocks: number): number {
    const branded = prompt.branded && entity === BRAND ? 2 : 0;
    let p = sigmoid(this.base + prompt.u + branded + shocks + (isWeekend(day) ? VARIANCE.weekend : 0));
    for (const plant of this.plants) {
      if (plant.competitor === entity && plant.topic === prompt.topic && day >= plant.fromDay)
        p = Math.min(0.98, p + plant.gap);
    }
    return p;
  }

  /** Simulates one day's run: rollup cells (day × provider × topic × branded) and, if asked, the answers. */
  simulateDay(day: number, keepAnswers: boolean): void {
    const r = this.random;
    const date = dayAt(day);
    const dayShock = new Map<string, number>();
    for (const provider of PROVIDERS)
      for (const e of ENTITIES) dayShock.set(`${provider}|${e}`, VARIANCE.providerDay * normal(r));
    const sentimentDay = SENTIMENT.day * normal(r);
    const cells = new Map<string, { dims: RollupCell['dims']; counters: RollupCounters }>();
    const answers: SnapshotAnswer[] = [];
    for (const provider of PROVIDERS) {
      for (const prompt of this.prompts) {
        const key = `${provider}|${prompt.topic}|${prompt.branded}`;
        let cell = cells.get(key);
        if (!cell) {
          cell = {
            dims: {
              day: date,
              promptSetVersion: 1,
              provider,
              surface: 'api',
              topic: prompt.topic,
              branded: prompt.branded,
            },
            counters: {},
          };
          cells.set(key, cell);
        }
        const c = cell.counters;
        const runShock = new Map(ENTITIES.map((e) => [e, VARIANCE.run * normal(r)]));
        for (let s = 0; s < SAMPLES; s++) {
          const mentioned = ENTITIES.filter(
            (e) =>
              r() < this.probability(e, prompt, day, (dayShock.get(`${provider}|${e}`) ?? 0) + (runShock.get(e) ?? 0)),
          );
          const cited: string[] = [];
          const topicIndex = TOPICS.indexOf(prompt.topic);
          const k = Math.floor(r() * 3);
          for (let j = 0; j < k; j++) cited.push(`source${topicIndex * 4 + Math.floor(r() * 6)}.example`);
          let brandSentiment: number | null = null;
          // Per-prompt counters as the rollups keep them (shared/events/rollup-counters.ts): the API's clusters.
          const pc = `p#${prompt.id}#`;
          add(c, 'n', 1);
          add(c, `${pc}n`, 1);
          if (!prompt.branded) add(c, 'nNB', 1);
          else add(c, `${pc}b`, 1);
          for (const e of mentioned) {
            const i = ENTITIES.indexOf(e);
            add(c, `e#${e}#m`, 1);
            add(c, `e#${e}#mv`, 1);
            add(c, `${pc}${e}#m`, 1);
            add(c, `${pc}${e}#mv`, 1);
            if (!prompt.branded) add(c, `e#${e}#mvNB`, 1);
            if (r() < 0.3) {
              cited.push(DOMAINS[i] as string);
              add(c, `e#${e}#oc`, 1);
              add(c, `e#${e}#ca`, 1);
              add(c, `${pc}${e}#oc`, 1);
              add(c, `${pc}${e}#ca`, 1);
            }
            if (e === BRAND) {
              const value = Math.max(
                -1,
                Math.min(1, SENTIMENT.theta + prompt.sentiment + sentimentDay + SENTIMENT.answer * normal(r)),
              );
              brandSentiment = value;
              for (const name of ['as', 's']) {
                add(c, `e#${e}#${name}`, value);
                add(c, `e#${e}#${name}2`, value * value);
                add(c, `e#${e}#${name}N`, 1);
                add(c, `${pc}${e}#${name}`, value);
                add(c, `${pc}${e}#${name}N`, 1);
              }
            }
          }
          add(c, 'cit', cited.length);
          add(c, `${pc}cit`, cited.length);
          if (keepAnswers) {
            answers.push({
              answerId: `ans_${day}_${provider}_${prompt.id}_${s}`,
              promptId: prompt.id,
              provider,
              answeredAt: `${date}T10:00:00.000Z`,
              text:
                mentioned.length > 0
                  ? `Good options: ${mentioned.map((e) => NAMES[ENTITIES.indexOf(e)]).join(', ')}.`
                  : 'It depends.',
              mentionedEntityIds: mentioned,
              citedDomains: cited,
              brandSentiment,
            });
          }
        }
      }
    }
    this.cellsByDay[day] = [...cells.values()].map((x) => ({ period: date, dims: x.dims, counters: x.counters }));
    if (keepAnswers) this.answersByDay.set(day, answers);
  }

  /** The engine's snapshot as of `day` (7-day current window, 28-day baseline, the latest 3 runs' answers). */
  snapshot(day: number): ActionSnapshot {
    const range = (from: number, to: number) => {
      const out: RollupCell[] = [];
      for (let d = Math.max(0, from); d <= to; d++) out.push(...(this.cellsByDay[d] ?? []));
      return out;
    };
    const answers: SnapshotAnswer[] = [];
    for (let d = day; d > day - 3; d--) answers.push(...(this.answersByDay.get(d) ?? []));
    return {
      tenantId: 'ws_sim',
      now: `${dayAt(day)}T12:00:00.000Z`,
      brand: {
        id: BRAND,
        name: NAMES[0] as string,
        ownedDomains: [DOMAINS[0] as string],
        topics: TOPICS.map((t, i) => ({ id: t, name: `Topic ${i + 1}` })),
      },
      competitors: COMPETITORS.map((id, i) => ({
        id,
        name: NAMES[i + 1] as string,
        ownedDomains: [DOMAINS[i + 1] as string],
      })),
      trackedEntities: ENTITIES.map((id, i) => ({
        id,
        name: NAMES[i] as string,
        kind: i === 0 ? ('brand' as const) : ('competitor' as const),
        aliases: [],
        ownedDomains: [DOMAINS[i] as string],
      })),
      prompts: this.prompts.map((p) => ({ id: p.id, text: `Question ${p.id}`, topicId: p.topic, branded: p.branded })),
      current: { from: dayAt(day - 6), to: dayAt(day), cells: range(day - 6, day) },
      baseline: { from: dayAt(day - 34), to: dayAt(day - 7), cells: range(day - 34, day - 7) },
      answers,
      alerts: [],
    };
  }

  /** Drops answers older than the snapshot needs. */
  forget(before: number): void {
    for (const d of this.answersByDay.keys()) if (d < before) this.answersByDay.delete(d);
  }
}

function add(c: RollupCounters, name: string, value: number) {
  if (value !== 0) c[name] = (c[name] ?? 0) + value;
}

// ---- Signals ---------------------------------------------------------------------------------------------------

export const SOURCE_RATES = [3, 10, 30, 80, 200];
export const SIGNALS = { dispersion: 0.3, weekend: 0.6, sentimentDay: 0.1, sentimentPost: 0.4, theta: 0.1 } as const;

/** A planted swing of one source: volume ×2 or sentiment −0.3 for `days` days from `fromDay`. */
export interface SwingPlant {
  source: number;
  kind: 'volume' | 'sentiment';
  fromDay: number;
  days: number;
}

function gamma(random: () => number, shape: number): number {
  // Marsaglia–Tsang (shape ≥ 1; boosted for shape < 1).
  if (shape < 1) return gamma(random, shape + 1) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function poisson(random: () => number, lambda: number): number {
  if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(random)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** A brand's signal series: one per source and `all` (their sum), `days` days long. */
export function signalSeries(seed: number, days: number, plants: SwingPlant[] = []): SignalDayPoint[][] {
  const random = rng(seed);
  const series: SignalDayPoint[][] = SOURCE_RATES.map(() => []);
  for (let i = 0; i < days; i++) {
    const weekday = isWeekend(i) ? SIGNALS.weekend : 1;
    SOURCE_RATES.forEach((rate, s) => {
      const volumePlant = plants.some(
        (p) => p.source === s && p.kind === 'volume' && i >= p.fromDay && i < p.fromDay + p.days,
      );
      const sentimentPlant = plants.some(
        (p) => p.source === s && p.kind === 'sentiment' && i >= p.fromDay && i < p.fromDay + p.days,
      );
      const multiplier = gamma(random, 1 / SIGNALS.dispersion) * SIGNALS.dispersion;
      const volume = poisson(random, rate * weekday * multiplier * (volumePlant ? 2 : 1));
      const dayMean = SIGNALS.theta + SIGNALS.sentimentDay * normal(random) - (sentimentPlant ? 0.3 : 0);
      let n = 0;
      let sum = 0;
      let sumSq = 0;
      for (let k = 0; k < volume; k++) {
        if (random() >= 0.8) continue;
        const x = Math.max(-1, Math.min(1, dayMean + SIGNALS.sentimentPost * normal(random)));
        n++;
        sum += x;
        sumSq += x * x;
      }
      (series[s] as SignalDayPoint[]).push({
        day: dayAt(i),
        volume,
        collected: volume * 3 + poisson(random, rate * 2),
        sentimentN: n,
        sentimentSum: sum,
        sentimentSumSq: sumSq,
      });
    });
  }
  const all = Array.from({ length: days }, (_, i) => {
    const points = series.map((s) => s[i] as SignalDayPoint);
    const total = (k: keyof Omit<SignalDayPoint, 'day'>) => points.reduce((a, p) => a + p[k], 0);
    return {
      day: dayAt(i),
      volume: total('volume'),
      collected: total('collected'),
      sentimentN: total('sentimentN'),
      sentimentSum: total('sentimentSum'),
      sentimentSumSq: total('sentimentSumSq'),
    };
  });
  return [...series, all];
}
