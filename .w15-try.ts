import { analyzeText, compileEntities } from './shared/analysis/analyze.ts';
import { scoreText } from './shared/analysis/text-sentiment.ts';
const names = (process.env.E ?? 'Northwind,Initech').split(',');
const ents = names.map((n, i) => ({ id: n.toLowerCase().replace(/\W/g, ''), name: n, kind: i === 0 ? 'brand' : 'competitor', aliases: [{ value: n }], ownedDomains: [] }));
const c = compileEntities(ents as never);
for (const t of process.argv.slice(2)) {
  const a = analyzeText({ text: t, kind: (process.env.K as never) ?? 'social' }, c);
  console.log(t, '\n   text', scoreText(t).score.toFixed(2), '|', a.entities.filter(e=>e.mentioned).map((e) => `${e.entityId} ${e.sentiment.label} ${e.sentiment.score}`).join('; '));
}
