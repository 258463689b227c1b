import { readFileSync } from 'node:fs';
import { analyzeText, compileEntities } from './shared/analysis/analyze.ts';
const file = process.argv[2] ?? 'test/fixtures/eval/entity-sentiment.dev.jsonl';
for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
  const r = JSON.parse(line);
  const kind = /news/.test(r.style) ? 'news' : /social|review/.test(r.style) ? 'social' : 'answer';
  const a = analyzeText({ text: r.text, kind }, compileEntities(r.entities));
  for (const id of Object.keys(r.labels)) {
    const e = a.entities.find((x) => x.entityId === id);
    if (!e?.mentioned) {
      const cfg = r.entities.find((x: any) => x.id === id);
      console.log(r.id, id, JSON.stringify({ amb: cfg.aliases.map((x: any) => [x.value, x.ambiguous ? 'A' : '', x.caseSensitive ? 'C' : '', ...(x.contextTerms ?? [])].join('|')) }), '::', r.text.replace(/\s+/g, ' ').slice(0, 110));
    }
  }
}
