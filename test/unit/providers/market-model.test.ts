import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnswerSeed, generateAnswer } from '#local/provider-simulator/answers.ts';
import { MarketCatalogue } from '#local/provider-simulator/catalogue.ts';
import { DEMO_MARKET } from '#local/provider-simulator/market.ts';
import { buildMarket, type MarketSpec } from '#local/provider-simulator/market-model.ts';
import { type ProviderSimulator, startProviderSimulator } from '#local/provider-simulator/server.ts';
import { plantedMentionRate, sourceShares } from '#local/provider-simulator/truth.ts';

const CONTOSO: MarketSpec = {
  brand: { name: 'Contoso Cloud', domain: 'contoso.example' },
  competitors: [{ name: 'Fabrikam FinOps' }],
  category: 'Cloud cost management',
  topics: ['Kubernetes costs', 'Savings plans'],
  locale: 'en-US',
};

const base: AnswerSeed = {
  prompt: 'What are the best cloud cost management tools for a startup?',
  provider: 'openai',
  model: 'gpt-4.1-mini',
  sampleIndex: 0,
  date: '2026-11-02',
  surface: 'api',
  seed: 42,
};

describe('the market model', () => {
  it('places a newcomer market by its category and brands, and keeps the demo market for demo prompts', () => {
    const catalogue = new MarketCatalogue(DEMO_MARKET);
    const contoso = catalogue.register('ws/contoso', CONTOSO);
    expect(contoso.note).toBeUndefined();
    expect(contoso.brands.slice(0, 2).map((b) => b.name)).toEqual(['Contoso Cloud', 'Fabrikam FinOps']);
    // Plausible brands the workspace does not track.
    expect(contoso.brands.filter((b) => b.tracked === false).length).toBeGreaterThanOrEqual(2);
    expect(catalogue.resolve(base.prompt)).toBe(contoso);
    expect(catalogue.resolve('Is Fabrikam FinOps worth it?')).toBe(contoso);
    expect(catalogue.resolve('What is the best product analytics tool for a B2B SaaS startup?')).toBe(DEMO_MARKET);
    expect(catalogue.resolve('Tell me a joke')).toBe(DEMO_MARKET);
  });

  it('names each brand at its planted rate (binomial check over 1,500 answers per cell)', () => {
    const market = buildMarket(CONTOSO);
    for (const provider of ['openai', 'anthropic', 'perplexity'] as const) {
      for (const name of ['Contoso Cloud', 'Fabrikam FinOps']) {
        const n = 1500;
        let hits = 0;
        for (let i = 0; i < n; i++) {
          const answer = generateAnswer({ ...base, provider, sampleIndex: i }, market);
          if (answer.brands.includes(name)) hits++;
        }
        const planted = plantedMentionRate(market, name, { ...base, provider });
        const sd = Math.sqrt((planted * (1 - planted)) / n);
        expect(Math.abs(hits / n - planted), `${provider} ${name}`).toBeLessThan(4 * sd + 1e-9);
        expect(planted).toBeGreaterThan(0.1);
      }
    }
  });

  it('names every brand a comparison prompt names, and varies per sample and day but replays exactly', () => {
    const market = buildMarket(CONTOSO);
    const prompt = 'Contoso Cloud vs Fabrikam FinOps: which should I pick?';
    for (let i = 0; i < 50; i++) {
      const answer = generateAnswer({ ...base, prompt, sampleIndex: i }, market);
      expect(answer.brands).toEqual(expect.arrayContaining(['Contoso Cloud', 'Fabrikam FinOps']));
    }
    expect(plantedMentionRate(market, 'Fabrikam FinOps', { ...base, prompt })).toBe(1);
    const first = generateAnswer(base, market);
    expect(generateAnswer(base, market)).toEqual(first);
    expect(generateAnswer({ ...base, sampleIndex: 1 }, market).text).not.toBe(first.text);
    expect(generateAnswer({ ...base, date: '2026-11-03' }, market).text).not.toBe(first.text);
  });

  it('drifts visibility over time and cites forums more on Perplexity than on Anthropic', () => {
    const market = buildMarket(CONTOSO);
    const rates = ['2026-01-01', '2026-03-01', '2026-05-01'].map((date) =>
      plantedMentionRate(market, 'Contoso Cloud', { ...base, date }),
    );
    expect(new Set(rates).size).toBe(3);
    const forumShare = (provider: 'perplexity' | 'anthropic') =>
      sourceShares(market, provider)
        .filter((s) => s.source.kind === 'forum')
        .reduce((a, s) => a + s.share, 0);
    expect(forumShare('perplexity')).toBeGreaterThan(forumShare('anthropic'));
    const web = generateAnswer({ ...base, provider: 'perplexity', surface: 'api_web_search' }, market);
    expect(web.sources.length).toBeGreaterThan(0);
  });

  it('gives a market it cannot place plausible answers and a clear note', () => {
    const market = buildMarket({ brand: { name: 'Zorb' }, competitors: [], category: 'artisanal widgets', topics: [] });
    expect(market.note).toMatch(/artisanal widgets/);
    expect(market.note).toMatch(/one-word brand/);
    const answers = Array.from({ length: 40 }, (_, i) =>
      generateAnswer({ ...base, prompt: 'Which artisanal widgets brand is best?', sampleIndex: i }, market),
    );
    expect(answers.some((a) => a.brands.includes('Zorb'))).toBe(true);
    for (const a of answers) expect(a.text.length).toBeGreaterThan(100);
  });
});

describe('PUT /_control/markets', () => {
  let sim: ProviderSimulator;
  beforeAll(async () => {
    sim = await startProviderSimulator({ port: 0 });
  });
  afterAll(() => sim.stop());
  const put = (body: string) => fetch(`${sim.url}/_control/markets`, { method: 'PUT', body });

  it('registers a market and answers bad bodies with a clear 400', async () => {
    const ok = await put(JSON.stringify({ key: 'ws_1/b_1', spec: CONTOSO }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ key: 'ws_1/b_1', category: 'cloud cost management', note: null });
    expect(sim.catalogue.resolve(base.prompt).brands[0]?.name).toBe('Contoso Cloud');
    for (const bad of ['not json', '{}', JSON.stringify({ key: 'k', spec: { ...CONTOSO, brand: { name: '' } } })]) {
      const response = await put(bad);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/market registration/);
    }
  });
});
