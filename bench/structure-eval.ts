/**
 * Answer-structure evaluation (`npm run eval:structure [-- file.jsonl ...]`): scores the analysis engine against the
 * labelled answers in test/fixtures/eval/ (format: test/fixtures/eval/README.md): mention precision/recall over
 * (text, configured entity) pairs, list-position accuracy, primary-pick accuracy and cited-domain precision/recall,
 * with the worst examples. Default input: the development part. The sealed part is scored only when named
 * explicitly, once, at the end of a piece of work (see the README's sealed rule).
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeText, compileEntities } from '../shared/analysis/analyze.ts';
import type { Analysis, TrackedEntity } from '../shared/analysis/types.ts';

interface AnswerCase {
  id: string;
  style: string;
  lang: string;
  text: string;
  entities: TrackedEntity[];
  mentioned: string[];
  listPosition: Record<string, number>;
  primary: string | null;
  citedDomains: string[];
}

export interface StructureFigures {
  texts: number;
  mentions: { tp: number; fp: number; fn: number; precision: number; recall: number };
  list: { correct: number; total: number; accuracy: number };
  primary: { correct: number; total: number; accuracy: number };
  citations: { tp: number; fp: number; fn: number; precision: number; recall: number };
  misses: { kind: 'mention' | 'list' | 'primary' | 'citation'; id: string; detail: string }[];
}

const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);

/** List position the engine reports for a ranked list (numbered list, numbered headings, ranked table), or null. */
export function rankedPosition(a: Analysis, entityId: string): number | null {
  const e = a.entities.find((x) => x.entityId === entityId);
  return e?.list && e.inRankedList && e.list.kind !== 'unordered' ? e.list.position : null;
}

export function evaluateAnswers(cases: readonly AnswerCase[]): StructureFigures {
  const f: StructureFigures = {
    texts: cases.length,
    mentions: { tp: 0, fp: 0, fn: 0, precision: 0, recall: 0 },
    list: { correct: 0, total: 0, accuracy: 0 },
    primary: { correct: 0, total: 0, accuracy: 0 },
    citations: { tp: 0, fp: 0, fn: 0, precision: 0, recall: 0 },
    misses: [],
  };
  for (const c of cases) {
    const a = analyzeText(
      { text: c.text, kind: c.style === 'social' ? 'social' : 'answer' },
      compileEntities(c.entities),
    );
    const said = new Set(a.mentions.filter((m) => m.via === 'text').map((m) => m.entityId));
    const truth = new Set(c.mentioned);
    for (const e of c.entities) {
      const p = said.has(e.id);
      const t = truth.has(e.id);
      if (p && t) f.mentions.tp++;
      else if (p) {
        f.mentions.fp++;
        const m = a.mentions.find((x) => x.entityId === e.id && x.via === 'text')!;
        f.misses.push({ kind: 'mention', id: c.id, detail: `spurious ${e.id} ("${m.text}" at ${m.start})` });
      } else if (t) {
        f.mentions.fn++;
        f.misses.push({ kind: 'mention', id: c.id, detail: `missed ${e.id}` });
      }
    }
    const listed = new Set([
      ...Object.keys(c.listPosition ?? {}),
      ...c.entities.map((e) => e.id).filter((id) => rankedPosition(a, id) !== null),
    ]);
    for (const id of listed) {
      f.list.total++;
      const want = c.listPosition?.[id] ?? null;
      const got = rankedPosition(a, id);
      if (want === got) f.list.correct++;
      else f.misses.push({ kind: 'list', id: c.id, detail: `${id} position expected ${want}, got ${got}` });
    }
    f.primary.total++;
    if ((c.primary ?? null) === a.primaryRecommendation) f.primary.correct++;
    else f.misses.push({ kind: 'primary', id: c.id, detail: `expected ${c.primary}, got ${a.primaryRecommendation}` });
    const cited = new Set(a.citations.filter((x) => x.origin !== 'provider').map((x) => x.domain));
    const want = new Set(c.citedDomains);
    for (const d of cited) {
      if (want.has(d)) f.citations.tp++;
      else {
        f.citations.fp++;
        f.misses.push({ kind: 'citation', id: c.id, detail: `spurious ${d}` });
      }
    }
    for (const d of want) {
      if (!cited.has(d)) {
        f.citations.fn++;
        f.misses.push({ kind: 'citation', id: c.id, detail: `missed ${d}` });
      }
    }
  }
  f.mentions.precision = ratio(f.mentions.tp, f.mentions.tp + f.mentions.fp);
  f.mentions.recall = ratio(f.mentions.tp, f.mentions.tp + f.mentions.fn);
  f.list.accuracy = ratio(f.list.correct, f.list.total);
  f.primary.accuracy = ratio(f.primary.correct, f.primary.total);
  f.citations.precision = ratio(f.citations.tp, f.citations.tp + f.citations.fp);
  f.citations.recall = ratio(f.citations.tp, f.citations.tp + f.citations.fn);
  return f;
}

export function loadAnswers(path: string): AnswerCase[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as AnswerCase);
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function formatStructureFigures(label: string, f: StructureFigures, worst = 12): string {
  const lines = [
    `${label}: ${f.texts} texts`,
    `  mentions   precision ${pct(f.mentions.precision)}  recall ${pct(f.mentions.recall)}  (tp ${f.mentions.tp}, fp ${f.mentions.fp}, fn ${f.mentions.fn})   target >= 98% / 97%`,
    `  list pos   ${pct(f.list.accuracy)} (${f.list.correct}/${f.list.total})   target >= 97%`,
    `  primary    ${pct(f.primary.accuracy)} (${f.primary.correct}/${f.primary.total})   target >= 97%`,
    `  citations  precision ${pct(f.citations.precision)}  recall ${pct(f.citations.recall)}  (tp ${f.citations.tp}, fp ${f.citations.fp}, fn ${f.citations.fn})`,
  ];
  if (f.misses.length > 0 && worst > 0) {
    // Worst examples: the texts with the most disagreements first.
    const byText = new Map<string, string[]>();
    for (const m of f.misses) byText.set(m.id, [...(byText.get(m.id) ?? []), `${m.kind}: ${m.detail}`]);
    const sorted = [...byText.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, worst);
    lines.push(`  worst examples (${byText.size} texts with a disagreement):`);
    for (const [id, ms] of sorted) lines.push(`    ${id}: ${ms.join('; ')}`);
  }
  return lines.join('\n');
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const files = process.argv.slice(2);
  const paths = files.length > 0 ? files : [join(root, 'test/fixtures/eval/answers.dev.jsonl')];
  const worst = Number(process.env.WORST ?? 12);
  for (const p of paths)
    console.log(formatStructureFigures(p.replace(`${root}/`, ''), evaluateAnswers(loadAnswers(p)), worst));
}
