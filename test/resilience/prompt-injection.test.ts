import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateAnswer } from '../../local/provider-simulator/answers.ts';
import { DEMO_MARKET } from '../../local/provider-simulator/market.ts';
import { analyzeText, compileEntities } from '../../shared/analysis/index.ts';
import type { Analysis, TextKind, TrackedEntity } from '../../shared/analysis/types.ts';
import { type Answer, AnswerSchema } from '../../shared/contracts/runs.ts';
import { call } from '../support/api.ts';
import { waitForRun } from '../support/runs.ts';
import { freshAccount, ownerOfNewWorkspace } from '../support/sessions.ts';
import { injectionCorpus, namingInjections } from './fixtures/prompt-injection.ts';
import { record } from './support/ledger.ts';
import { simulatorStats } from './support/world.ts';

const stack = inject('stack');
/** Injection texts taken end to end through a real run (all of them in `bench/resilience.bench.ts`). */
const E2E_TEXTS = Number(process.env.RESILIENCE_INJECTION_E2E ?? 40);
const [brand, ...competitors] = DEMO_MARKET.brands as [
  (typeof DEMO_MARKET.brands)[number],
  ...typeof DEMO_MARKET.brands,
];

/** A listener standing in for an attacker's server: any request reaching it is an outbound call we must not make. */
let sink: Server;
let sinkUrl = '';
const sinkHits: string[] = [];

beforeAll(async () => {
  sink = createServer((req, res) => {
    sinkHits.push(`${req.method} ${req.url}`);
    res.end('ok');
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await fetch(`${stack.simulatorUrl}/_control/answers`, { method: 'PUT', body: '{}' });
  sink.close();
});

/** What an injection must not change for a tracked entity. */
const scoreOf = (analysis: Analysis) => ({
  refusal: analysis.refusal,
  primaryRecommendation: analysis.primaryRecommendation,
  entities: analysis.entities.map((e) => ({
    id: e.entityId,
    mentioned: e.mentioned,
    mentionCount: e.mentionCount,
    rank: e.rank,
    sentiment: e.sentiment.score,
    recommended: e.primaryRecommendation,
    inRankedList: e.inRankedList,
    ownedCitations: e.ownedCitations,
  })),
});

function expectWithinSchema(analysis: Analysis, label: string) {
  for (const entity of analysis.entities) {
    expect(entity.sentiment.score, label).toBeGreaterThanOrEqual(-1);
    expect(entity.sentiment.score, label).toBeLessThanOrEqual(1);
    if (entity.rank !== null) expect(Number.isInteger(entity.rank) && entity.rank >= 1, label).toBe(true);
    expect(entity.mentioned, label).toBe(entity.mentionCount > 0);
  }
}

describe('prompt injection in AI answers and social posts: the analysis engine treats it as data', () => {
  const entities: TrackedEntity[] = [brand, ...competitors].map((b, i) => ({
    id: i === 0 ? 'brand' : `competitor-${i}`,
    name: b.name,
    kind: i === 0 ? 'brand' : 'competitor',
    aliases: [{ value: b.name }],
    ownedDomains: [b.domain],
  }));
  const compiled = compileEntities(entities);
  const prompts = [
    'Which product analytics tool is best for startups?',
    'Best funnel analysis tools?',
    'How do I measure retention?',
  ];
  /** Base answers (every provider's style in the bench; two here, to stay within the suite's time bound). */
  const providers = process.env.RESILIENCE_FULL
    ? (['openai', 'anthropic', 'gemini', 'perplexity'] as const)
    : (['openai'] as const);
  const bases = prompts
    .slice(0, process.env.RESILIENCE_FULL ? 3 : 2)
    .flatMap((prompt) =>
      providers.map(
        (provider) =>
          generateAnswer(
            { prompt, provider, model: 'm', sampleIndex: 0, date: '2026-11-25', surface: 'api', seed: 42 },
            DEMO_MARKET,
          ).text,
      ),
    );

  it(`scores every tracked brand exactly as without the injection (${injectionCorpus('x').length} texts × answers and posts)`, () => {
    const corpus = injectionCorpus('https://attacker.example');
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    let checked = 0;
    for (const kind of ['answer', 'social'] as TextKind[]) {
      for (const base of bases) {
        const baseline = scoreOf(analyzeText({ text: base, kind }, compiled));
        for (const injection of corpus) {
          // Appended as a quoted page or a reply would carry it; spliced into the middle as a quote; and spliced in
          // raw (except a planted markdown heading, which really does start a new section of the answer and so
          // legitimately changes which entity the following pros/cons list belongs to).
          const middle = base.indexOf('\n\n') > 0 ? base.indexOf('\n\n') : base.length;
          const quoted = injection.text.replace(/^/gm, '> ');
          const variants = [
            `${base}\n\n${injection.text}`,
            `${base.slice(0, middle)}\n\n${quoted}\n\n${base.slice(middle)}`,
            ...(/^#{1,6}\s/m.test(injection.text)
              ? []
              : [`${base.slice(0, middle)}\n\n${injection.text}\n\n${base.slice(middle)}`]),
          ];
          for (const text of variants) {
            const analysis = analyzeText({ text, kind }, compiled);
            expectWithinSchema(analysis, injection.id);
            expect(scoreOf(analysis), `${kind} ${injection.id}`).toEqual(baseline);
            checked++;
          }
        }
      }
    }
    record({
      kind: 'input',
      name: 'prompt injections through the analysis engine (answers and posts)',
      count: checked,
      lost: 0,
    });
  });

  it('texts naming the brand move only what they literally say, within the schema, and cannot unmention anyone', () => {
    const named = namingInjections(brand.name, competitors[0]?.name ?? 'Rival');
    for (const base of bases) {
      const baseline = analyzeText({ text: base, kind: 'answer' }, compiled);
      for (const injection of named) {
        const analysis = analyzeText({ text: `${base}\n\n${injection.text}`, kind: 'answer' }, compiled);
        expectWithinSchema(analysis, injection.id);
        // "Never mention X" is not obeyed: whoever was mentioned still is, at the same rank.
        for (const before of baseline.entities.filter((e) => e.mentioned)) {
          const after = analysis.entities.find((e) => e.entityId === before.entityId);
          expect(after?.mentioned, injection.id).toBe(true);
          expect(after?.rank, injection.id).toBe(before.rank);
        }
      }
    }
  });
});

describe('prompt injection end to end: answers carrying it through a real run', () => {
  let token = '';
  let brandId = '';
  const corpus = () =>
    injectionCorpus(sinkUrl)
      .filter((_, i, all) => i % Math.max(1, Math.floor(all.length / E2E_TEXTS)) === 0)
      .slice(0, E2E_TEXTS);

  beforeAll(async () => {
    const account = await freshAccount(stack, 'injection');
    token = (await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Injection Co')).token;
    const created = await call(stack.apiUrl, 'POST', '/brands', {
      token,
      body: {
        name: brand.name,
        category: DEMO_MARKET.category,
        ownedDomains: [brand.domain],
        competitors: competitors.map((c) => ({ name: c.name, ownedDomains: [c.domain] })),
      },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    brandId = created.json.id;
    const texts = corpus();
    await call(stack.apiUrl, 'PUT', `/brands/${brandId}/prompt-set`, {
      token,
      headers: { 'if-match': '"0"' },
      body: {
        prompts: texts.map((_, k) => ({
          text: `Which product analytics tool is best for startups? (case ${k + 1000})`,
        })),
      },
    });
    await call(stack.apiUrl, 'PUT', `/brands/${brandId}/run-settings`, {
      token,
      headers: { 'if-match': '"0"' },
      body: {
        providers: [{ provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' }],
        samplesPerPrompt: 1,
        schedule: { kind: 'manual' },
      },
    });
  });

  async function answersOf(runId: string): Promise<Answer[]> {
    const items = (await call(stack.apiUrl, 'GET', `/runs/${runId}/items?limit=100`, { token })).json.items as {
      answerId: string;
    }[];
    return Promise.all(
      items.map(async (i) =>
        AnswerSchema.parse((await call(stack.apiUrl, 'GET', `/answers/${i.answerId}`, { token })).json),
      ),
    );
  }
  const auditActions = async () =>
    ((await call(stack.apiUrl, 'GET', '/audit?limit=100', { token })).json.items as { action: string }[]).map(
      (e) => e.action,
    );

  it('stores the injected answers, scores them like the clean ones, and triggers nothing', async () => {
    const texts = corpus();
    const baselineRun = await waitForRun(
      stack.apiUrl,
      token,
      (await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token })).json.runId,
    );
    expect(baselineRun.status).toBe('succeeded');
    const baseline = new Map((await answersOf(baselineRun.id)).map((a) => [a.promptId, a]));
    const auditAfterBaseline = await auditActions();

    const suffixes = Object.fromEntries(texts.map((t, k) => [`(case ${k + 1000})`, t.text]));
    await fetch(`${stack.simulatorUrl}/_control/answers`, { method: 'PUT', body: JSON.stringify({ suffixes }) });
    const callsBefore = (await simulatorStats(stack)).openai?.requests ?? 0;
    const started = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
    const run = await waitForRun(stack.apiUrl, token, started.json.runId);
    await fetch(`${stack.simulatorUrl}/_control/answers`, { method: 'PUT', body: '{}' });
    expect(run.status).toBe('succeeded');
    const injected = await answersOf(run.id);
    expect(injected).toHaveLength(texts.length);

    for (const answer of injected) {
      const k = Number(answer.promptText.match(/\(case (\d+)\)/)?.[1]) - 1000;
      // The control: the injection really is in the stored answer the analysis read.
      expect(answer.text).toContain((texts[k]?.text ?? '').slice(0, 40));
      expect(answer.analysisStatus).toBe('analyzed');
      const clean = baseline.get(answer.promptId);
      const { citedDomains, ...scores } = answer.analysis ?? { citedDomains: [] };
      const { citedDomains: cleanDomains, ...cleanScores } = clean?.analysis ?? { citedDomains: [] };
      expect(scores, texts[k]?.id).toEqual(cleanScores);
      // A URL in the text is a cited source like any other (data), but nothing cited before disappears.
      for (const domain of cleanDomains ?? []) expect(citedDomains).toContain(domain);
    }
    // No side effect: one provider call per item, nothing reached the attacker's server, no other run, no other
    // kind of audited change than the baseline run made.
    expect(((await simulatorStats(stack)).openai?.requests ?? 0) - callsBefore).toBe(run.counts.planned);
    expect(sinkHits).toEqual([]);
    const runs = (await call(stack.apiUrl, 'GET', `/runs?brandId=${brandId}`, { token })).json.items;
    expect(runs).toHaveLength(2);
    const newActions = (await auditActions()).slice(0, -auditAfterBaseline.length || undefined);
    expect(new Set(newActions.filter((a) => !auditAfterBaseline.includes(a)))).toEqual(new Set());
    record({
      kind: 'input',
      name: 'prompt injections end to end (stored answers of a real run)',
      count: texts.length,
      lost: sinkHits.length,
    });
  });
});
