/** Deterministic synthetic inputs for the analysis benchmark. */

import type { TrackedEntity } from '../../shared/analysis/types.ts';

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYL = [
  'zen',
  'tri',
  'lo',
  'mar',
  'vex',
  'qua',
  'bri',
  'dor',
  'nex',
  'sol',
  'ka',
  'ri',
  'po',
  'lum',
  'ter',
  'fy',
  'gra',
  'hel',
  'io',
  'ny',
];
const SUFFIX = ['', ' Labs', ' Cloud', ' AI', ' HQ', '.io', ' Pro', ' CRM'];

export function makeEntities(aliasCount: number, seed: number): TrackedEntity[] {
  const r = rng(seed);
  const used = new Set<string>();
  const name = (): string => {
    for (;;) {
      const n = 2 + Math.floor(r() * 3);
      let w = '';
      for (let i = 0; i < n; i++) w += SYL[Math.floor(r() * SYL.length)];
      const v = w.charAt(0).toUpperCase() + w.slice(1) + SUFFIX[Math.floor(r() * SUFFIX.length)];
      if (!used.has(v.toLowerCase())) {
        used.add(v.toLowerCase());
        return v;
      }
    }
  };
  const entities: TrackedEntity[] = [];
  let made = 0;
  for (let e = 0; made < aliasCount; e++) {
    const per = Math.min(5, aliasCount - made);
    const primary = name();
    const aliases = [{ value: primary }];
    for (let k = 1; k < per; k++) aliases.push({ value: name() });
    made += per;
    entities.push({
      id: `e${e}`,
      name: primary,
      kind: e === 0 ? 'brand' : 'competitor',
      aliases,
      ownedDomains: [`${primary.toLowerCase().replace(/[^a-z]/g, '')}.com`],
    });
  }
  return entities;
}

const WORDS =
  'the a team pricing support reliable intuitive pricey slow great integration workflow dashboard users onboarding fast clunky excellent reporting automation enterprise startup plan features but however very not cheaper than better worse solid'.split(
    ' ',
  );

export function makeAnswers(entities: TrackedEntity[], count: number, seed: number): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const aliasValues = entities.flatMap((e) => e.aliases.map((a) => a.value));
  const sentence = (): string => {
    const n = 8 + Math.floor(r() * 12);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(r() < 0.08 ? pick(aliasValues) : pick(WORDS));
    const s = words.join(' ');
    return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let t = `Here are the best options for your team:\n\n`;
    let k = 1;
    while (t.length < 1900) {
      const style = r();
      if (style < 0.4) t += `${k++}. **${pick(aliasValues)}** — ${sentence()} ${sentence()}\n`;
      else if (style < 0.55) t += `| ${pick(aliasValues)} | ${pick(WORDS)} ${pick(WORDS)} | ${pick(WORDS)} |\n`;
      else if (style < 0.65)
        t += `See [${pick(WORDS)}](https://www.${pick(entities).ownedDomains[0]}/docs?utm_source=x) and https://www.g2.com/reviews/${i}.\n`;
      else t += `${sentence()} ${sentence()}\n\n`;
    }
    out.push(t.slice(0, 2048));
  }
  return out;
}
