/**
 * Loads the hand-labelled corpus in test/fixtures/analysis/*.md and scores the engine against it.
 * Format (see test/fixtures/analysis/README.md): `=== <id>` line, one JSON label line, `---`, then the text up to
 * the next `=== ` line.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeText, type CompiledEntities, compileEntities } from '../../../shared/analysis/analyze.ts';
import type { Analysis, ProviderCitation, TextKind, TrackedEntity } from '../../../shared/analysis/types.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/analysis');

export type Sign = '+' | '-' | '0';

export interface CaseLabel {
  config: string;
  kind: TextKind;
  /** entity id -> surface strings of its text mentions (order irrelevant). */
  mentions: Record<string, string[]>;
  /** Entity ids in order of first mention. */
  ranks: string[];
  /** entity id -> 1-based list position (only for entities leading list items / table rows). */
  lists?: Record<string, number>;
  primary?: string | null;
  sentiment: Record<string, Sign>;
  /** [registrable domain, class, category?] */
  citations: [string, string, string?][];
  providerCitations?: ProviderCitation[];
}

export interface CorpusCase {
  id: string;
  file: string;
  label: CaseLabel;
  text: string;
}

export function loadEntityConfigs(): Record<string, TrackedEntity[]> {
  return JSON.parse(readFileSync(join(FIXTURES, 'entities.json'), 'utf8')) as Record<string, TrackedEntity[]>;
}

export function loadCorpus(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const file of readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()) {
    const raw = readFileSync(join(FIXTURES, file), 'utf8');
    const parts = raw.split(/^=== /m).slice(1);
    for (const part of parts) {
      const nl = part.indexOf('\n');
      const id = part.slice(0, nl).trim();
      const rest = part.slice(nl + 1);
      const sep = rest.indexOf('\n---\n');
      if (sep < 0) throw new Error(`${file}:${id}: missing --- separator`);
      let label: CaseLabel;
      try {
        label = JSON.parse(rest.slice(0, sep)) as CaseLabel;
      } catch (err) {
        throw new Error(`${file}:${id}: bad label JSON: ${(err as Error).message}`);
      }
      const text = rest.slice(sep + 5).replace(/\n+$/, '');
      cases.push({ id, file, label, text });
    }
  }
  return cases;
}

export function signOf(score: number): Sign {
  return score >= 0.05 ? '+' : score <= -0.05 ? '-' : '0';
}

export interface Figures {
  cases: number;
  mentionTp: number;
  mentionFp: number;
  mentionFn: number;
  mentionPrecision: number;
  mentionRecall: number;
  entityPrecision: number;
  entityRecall: number;
  rankCorrect: number;
  rankTotal: number;
  rankAccuracy: number;
  listCorrect: number;
  listTotal: number;
  listAccuracy: number;
  primaryCorrect: number;
  primaryTotal: number;
  primaryAccuracy: number;
  sentimentCorrect: number;
  sentimentTotal: number;
  sentimentAccuracy: number;
  citationTp: number;
  citationFp: number;
  citationFn: number;
  citationPrecision: number;
  citationRecall: number;
  categoryCorrect: number;
  categoryTotal: number;
  categoryAccuracy: number;
  /** Human-readable list of every disagreement, for diagnosis. */
  misses: string[];
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

function multiset(values: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

export function evaluate(cases: readonly CorpusCase[], configs: Record<string, TrackedEntity[]>): Figures {
  const compiled = new Map<string, CompiledEntities>();
  const f = {
    mentionTp: 0,
    mentionFp: 0,
    mentionFn: 0,
    entTp: 0,
    entFp: 0,
    entFn: 0,
    rankCorrect: 0,
    rankTotal: 0,
    listCorrect: 0,
    listTotal: 0,
    primaryCorrect: 0,
    primaryTotal: 0,
    sentimentCorrect: 0,
    sentimentTotal: 0,
    citationTp: 0,
    citationFp: 0,
    citationFn: 0,
    categoryCorrect: 0,
    categoryTotal: 0,
  };
  const misses: string[] = [];
  for (const c of cases) {
    const entities = configs[c.label.config];
    if (!entities) throw new Error(`${c.id}: unknown config ${c.label.config}`);
    let ce = compiled.get(c.label.config);
    if (!ce) {
      ce = compileEntities(entities);
      compiled.set(c.label.config, ce);
    }
    const a: Analysis = analyzeText({ text: c.text, kind: c.label.kind, citations: c.label.providerCitations }, ce);

    // Mentions (text mentions only; URL-derived mentions are covered by citations).
    const expected = multiset(Object.entries(c.label.mentions).flatMap(([e, ss]) => ss.map((s) => `${e}\u0000${s}`)));
    const got = multiset(a.mentions.filter((m) => m.via === 'text').map((m) => `${m.entityId}\u0000${m.text}`));
    for (const [k, n] of expected) {
      const g = got.get(k) ?? 0;
      f.mentionTp += Math.min(n, g);
      if (g < n) misses.push(`${c.id}: missed mention ${k.replace('\u0000', ' "')}" x${n - g}`);
    }
    for (const [k, g] of got) {
      const n = expected.get(k) ?? 0;
      if (g > n) misses.push(`${c.id}: spurious mention ${k.replace('\u0000', ' "')}" x${g - n}`);
    }
    const expTotal = [...expected.values()].reduce((x, y) => x + y, 0);
    const gotTotal = [...got.values()].reduce((x, y) => x + y, 0);
    let tp = 0;
    for (const [k, n] of expected) tp += Math.min(n, got.get(k) ?? 0);
    f.mentionFp += gotTotal - tp;
    f.mentionFn += expTotal - tp;

    const expEnt = new Set(Object.keys(c.label.mentions));
    const gotEnt = new Set(a.entities.filter((e) => e.mentioned).map((e) => e.entityId));
    for (const e of gotEnt) if (expEnt.has(e)) f.entTp++;
    for (const e of gotEnt) if (!expEnt.has(e)) f.entFp++;
    for (const e of expEnt) if (!gotEnt.has(e)) f.entFn++;

    // Ranks.
    c.label.ranks.forEach((id, i) => {
      f.rankTotal++;
      const r = a.entities.find((e) => e.entityId === id)?.rank ?? null;
      if (r === i + 1) f.rankCorrect++;
      else misses.push(`${c.id}: rank of ${id} expected ${i + 1}, got ${r}`);
    });
    for (const [id, pos] of Object.entries(c.label.lists ?? {})) {
      f.listTotal++;
      const got2 = a.entities.find((e) => e.entityId === id)?.list?.position ?? null;
      if (got2 === pos) f.listCorrect++;
      else misses.push(`${c.id}: list position of ${id} expected ${pos}, got ${got2}`);
    }
    if (c.label.primary !== undefined) {
      f.primaryTotal++;
      if (a.primaryRecommendation === c.label.primary) f.primaryCorrect++;
      else misses.push(`${c.id}: primary expected ${c.label.primary}, got ${a.primaryRecommendation}`);
    }

    // Sentiment sign per entity.
    for (const [id, sign] of Object.entries(c.label.sentiment)) {
      f.sentimentTotal++;
      const e = a.entities.find((x) => x.entityId === id);
      const got3 = e?.mentioned ? signOf(e.sentiment.score) : null;
      if (got3 === sign) f.sentimentCorrect++;
      else misses.push(`${c.id}: sentiment of ${id} expected ${sign}, got ${got3} (${e?.sentiment.score})`);
    }

    // Citations: (domain, class) pairs; category for third-party ones.
    const expC = multiset(c.label.citations.map(([d, cl]) => `${d} ${cl}`));
    const gotC = multiset(a.citations.map((x) => `${x.domain} ${x.class}`));
    for (const [k, n] of expC) {
      const g = gotC.get(k) ?? 0;
      f.citationTp += Math.min(n, g);
      f.citationFn += Math.max(0, n - g);
      if (g < n) misses.push(`${c.id}: missed citation ${k}`);
    }
    for (const [k, g] of gotC) {
      const n = expC.get(k) ?? 0;
      f.citationFp += Math.max(0, g - n);
      if (g > n) misses.push(`${c.id}: spurious citation ${k}`);
    }
    for (const [d, cl, cat] of c.label.citations) {
      if (cl !== 'third-party' || !cat) continue;
      f.categoryTotal++;
      const got4 = a.citations.find((x) => x.domain === d);
      if (got4?.category === cat) f.categoryCorrect++;
      else misses.push(`${c.id}: category of ${d} expected ${cat}, got ${got4?.category}`);
    }
  }
  return {
    cases: cases.length,
    mentionTp: f.mentionTp,
    mentionFp: f.mentionFp,
    mentionFn: f.mentionFn,
    mentionPrecision: ratio(f.mentionTp, f.mentionTp + f.mentionFp),
    mentionRecall: ratio(f.mentionTp, f.mentionTp + f.mentionFn),
    entityPrecision: ratio(f.entTp, f.entTp + f.entFp),
    entityRecall: ratio(f.entTp, f.entTp + f.entFn),
    rankCorrect: f.rankCorrect,
    rankTotal: f.rankTotal,
    rankAccuracy: ratio(f.rankCorrect, f.rankTotal),
    listCorrect: f.listCorrect,
    listTotal: f.listTotal,
    listAccuracy: ratio(f.listCorrect, f.listTotal),
    primaryCorrect: f.primaryCorrect,
    primaryTotal: f.primaryTotal,
    primaryAccuracy: ratio(f.primaryCorrect, f.primaryTotal),
    sentimentCorrect: f.sentimentCorrect,
    sentimentTotal: f.sentimentTotal,
    sentimentAccuracy: ratio(f.sentimentCorrect, f.sentimentTotal),
    citationTp: f.citationTp,
    citationFp: f.citationFp,
    citationFn: f.citationFn,
    citationPrecision: ratio(f.citationTp, f.citationTp + f.citationFp),
    citationRecall: ratio(f.citationTp, f.citationTp + f.citationFn),
    categoryCorrect: f.categoryCorrect,
    categoryTotal: f.categoryTotal,
    categoryAccuracy: ratio(f.categoryCorrect, f.categoryTotal),
    misses,
  };
}

export function formatFigures(f: Figures): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  return [
    `analysis corpus: ${f.cases} hand-labelled texts`,
    `  mentions   precision ${pct(f.mentionPrecision)}  recall ${pct(f.mentionRecall)}  (tp ${f.mentionTp}, fp ${f.mentionFp}, fn ${f.mentionFn})`,
    `  entities   precision ${pct(f.entityPrecision)}  recall ${pct(f.entityRecall)}`,
    `  rank       ${pct(f.rankAccuracy)} (${f.rankCorrect}/${f.rankTotal})   list position ${pct(f.listAccuracy)} (${f.listCorrect}/${f.listTotal})   primary pick ${pct(f.primaryAccuracy)} (${f.primaryCorrect}/${f.primaryTotal})`,
    `  sentiment  sign accuracy ${pct(f.sentimentAccuracy)} (${f.sentimentCorrect}/${f.sentimentTotal})`,
    `  citations  precision ${pct(f.citationPrecision)}  recall ${pct(f.citationRecall)}  category ${pct(f.categoryAccuracy)} (${f.categoryCorrect}/${f.categoryTotal})`,
  ].join('\n');
}
