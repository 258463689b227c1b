/**
 * Language detection benchmark (`npx tsx bench/language-detection.bench.ts`; issue 15): accuracy and speed of the
 * candidate detectors on short texts nobody here wrote, so the choice in shared/signals/language.ts is measured.
 *
 * Data: the test sets of the lingua language detector (`language-models/<lang>/testdata/{sentences,word-pairs}.txt`
 * of the lingua-rs repository, news and web sentences from the Leipzig corpora), read from the directory in
 * `LANGID_CORPUS_DIR` (the `language-models` folder); the bench says so and exits 0 when it is not set. Nothing of it
 * is copied into this repository. Lines are split in two: even lines are the development half (used to choose),
 * odd lines the sealed half (reported). Detectors run with every language they know (no subset): a feed or post can
 * be in any language, and a wrong guess among 60 is the realistic error.
 *
 * Candidates: tinyld (normal and light builds), eld (extra-small n-gram database), franc-min (82 languages).
 * Speed is texts per CPU second of the process. Always exits 0; prints the ratios to the fastest candidate measured
 * in the same run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { eld } from 'eld/extrasmall';
import { franc } from 'franc-min';
import { detect as tinyldNormal } from 'tinyld';
import { detect as tinyldLight } from 'tinyld/light';

const LANGS = ['en', 'de', 'fr', 'es', 'pt', 'it', 'nl', 'sv', 'pl', 'ru', 'ja', 'zh'] as const;
const PER_LANG = Number(process.env.LANGID_PER_LANG ?? 500);

/** franc answers ISO 639-3; these are the codes of the benchmarked languages (anything else is simply wrong). */
const FRANC_TO_ISO1: Record<string, string> = {
  eng: 'en',
  deu: 'de',
  fra: 'fr',
  spa: 'es',
  por: 'pt',
  ita: 'it',
  nld: 'nl',
  swe: 'sv',
  pol: 'pl',
  rus: 'ru',
  jpn: 'ja',
  cmn: 'zh',
};

const detectors: Record<string, (text: string) => string> = {
  'tinyld (normal, 590 KB)': (t) => tinyldNormal(t),
  'tinyld/light (70 KB)': (t) => tinyldLight(t),
  'eld/extrasmall (950 KB)': (t) => eld.detect(t).language,
  'franc-min (110 KB)': (t) => FRANC_TO_ISO1[franc(t, { minLength: 1 })] ?? '',
};

const dir = process.env.LANGID_CORPUS_DIR;
if (!dir || !existsSync(join(dir, 'en', 'testdata'))) {
  console.log(
    'language-detection bench: set LANGID_CORPUS_DIR to the language-models folder of the lingua-rs repository (skipped)',
  );
  process.exit(0);
}

type Sample = { lang: string; text: string };
function load(kind: 'sentences' | 'word-pairs', half: 0 | 1): Sample[] {
  const out: Sample[] = [];
  for (const lang of LANGS) {
    const lines = readFileSync(join(dir as string, lang, 'testdata', `${kind}.txt`), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    out.push(
      ...lines
        .filter((_, i) => i % 2 === half)
        .slice(0, PER_LANG)
        .map((text) => ({ lang, text })),
    );
  }
  return out;
}

function score(detect: (t: string) => string, samples: Sample[]) {
  let right = 0;
  let none = 0;
  const perLang: Record<string, { right: number; total: number }> = {};
  for (const s of samples) {
    const got = detect(s.text);
    const lang = perLang[s.lang] ?? { right: 0, total: 0 };
    perLang[s.lang] = lang;
    lang.total++;
    if (!got) none++;
    if (got === s.lang) {
      right++;
      lang.right++;
    }
  }
  return { accuracy: right / samples.length, none: none / samples.length, perLang };
}

/** Texts per CPU second of this process (the machine is shared, so wall-clock rates swing with the others' load). */
function speed(detect: (t: string) => string, samples: Sample[]): number {
  for (const s of samples.slice(0, 200)) detect(s.text); // warm-up
  const start = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  while (performance.now() - start < 1500) {
    for (const s of samples) detect(s.text);
    n += samples.length;
  }
  const used = process.cpuUsage(cpu);
  return n / ((used.user + used.system) / 1e6);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
for (const [label, half] of [
  ['development half (used to choose)', 0],
  ['sealed half (reported)', 1],
] as const) {
  const sentences = load('sentences', half);
  const pairs = load('word-pairs', half);
  console.log(
    `\n${label}: ${LANGS.length} languages (${LANGS.join(' ')}), ${sentences.length} sentences (median ${median(sentences.map((s) => s.text.length))} chars), ${pairs.length} word pairs`,
  );
  const rows = Object.entries(detectors).map(([name, detect]) => ({
    name,
    s: score(detect, sentences),
    p: score(detect, pairs),
    rate: speed(detect, sentences),
  }));
  const fastest = Math.max(...rows.map((r) => r.rate));
  console.log(
    `${'detector'.padEnd(26)}${'sentences'.padStart(10)}${'no answer'.padStart(11)}${'word pairs'.padStart(12)}${'texts/s/core'.padStart(14)}${'vs fastest'.padStart(12)}  worst language (sentences)`,
  );
  for (const r of rows) {
    const worst = LANGS.map((l) => [l, (r.s.perLang[l]?.right ?? 0) / (r.s.perLang[l]?.total || 1)] as const).sort(
      (a, b) => a[1] - b[1],
    )[0];
    console.log(
      `${r.name.padEnd(26)}${pct(r.s.accuracy).padStart(10)}${pct(r.s.none).padStart(11)}${pct(r.p.accuracy).padStart(12)}${Math.round(r.rate).toLocaleString('en-US').padStart(14)}${`${(fastest / r.rate).toFixed(1)}×`.padStart(12)}  ${worst ? `${worst[0]} ${pct(worst[1])}` : ''}`,
    );
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
