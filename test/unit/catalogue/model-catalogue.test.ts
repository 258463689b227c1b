import { describe, expect, it } from 'vitest';
import {
  checkModel,
  defaultModel,
  lifecycleOn,
  type ModelCatalogue,
  mergeListing,
  modelNotices,
  offeredModels,
} from '#shared/domain/model-catalogue.ts';
import { BASELINE_MODELS, baselineCatalogue } from '#shared/domain/model-catalogue-baseline.ts';
import { estimateCost } from '#shared/domain/pricing.ts';

const catalogue = (): ModelCatalogue => ({
  updatedAt: '2026-01-01T00:00:00.000Z',
  overrides: { pinned: [], hidden: [] },
  refresh: {},
  models: [
    {
      provider: 'anthropic',
      id: 'old-model',
      label: 'Old',
      lifecycle: { status: 'deprecated', retiresOn: '2026-11-30', successor: 'new-model' },
      surfaces: ['api', 'api_web_search'],
      price: null,
      sources: [],
      listedAt: null,
    },
    {
      provider: 'anthropic',
      id: 'new-model',
      label: 'New',
      lifecycle: { status: 'available' },
      surfaces: ['api'],
      price: null,
      sources: [],
      listedAt: null,
    },
  ],
});

describe('model lifecycle by date', () => {
  it('moves a deprecated model to retired on its retirement day, not before', () => {
    const old = catalogue().models[0]!;
    expect(lifecycleOn(old, '2026-11-29').status).toBe('deprecated');
    expect(lifecycleOn(old, '2026-11-30')).toEqual({
      status: 'retired',
      retiredOn: '2026-11-30',
      successor: 'new-model',
    });
    expect(lifecycleOn(old, '2027-05-01').status).toBe('retired');
  });

  it('offers a deprecated model before its date, after the available ones, and never as the default', () => {
    const offered = offeredModels(catalogue(), 'anthropic', '2026-11-01');
    expect(offered.map((m) => [m.id, m.status])).toEqual([
      ['new-model', 'available'],
      ['old-model', 'deprecated'],
    ]);
    expect(defaultModel(catalogue(), 'anthropic', '2026-11-01')?.id).toBe('new-model');
  });

  it('offers no model past its date and refuses it, naming the successor', () => {
    const today = '2026-12-07';
    expect(offeredModels(catalogue(), 'anthropic', today).map((m) => m.id)).toEqual(['new-model']);
    expect(checkModel(catalogue(), 'anthropic', 'old-model', 'api', today)).toEqual({
      ok: false,
      reason: 'retired',
      retiredOn: '2026-11-30',
      successor: 'new-model',
    });
    expect(checkModel(catalogue(), 'anthropic', 'new-model', 'api_web_search', today)).toEqual({
      ok: false,
      reason: 'surface',
    });
    expect(checkModel(catalogue(), 'anthropic', 'nope', 'api', today)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('lets the operator pin a model first and hide one from every list', () => {
    const pinned = { ...catalogue(), overrides: { pinned: ['anthropic/old-model'], hidden: [] } };
    expect(offeredModels(pinned, 'anthropic', '2026-11-01')[0]?.id).toBe('old-model');
    // A pinned deprecated model is listed first but still never the default.
    expect(defaultModel(pinned, 'anthropic', '2026-11-01')?.id).toBe('new-model');
    const hidden = { ...catalogue(), overrides: { pinned: [], hidden: ['anthropic/new-model'] } };
    expect(offeredModels(hidden, 'anthropic', '2026-11-01').map((m) => m.id)).toEqual(['old-model']);
    expect(defaultModel(hidden, 'anthropic', '2026-11-01')).toBeNull();
    expect(checkModel(hidden, 'anthropic', 'new-model', 'api', '2026-11-01')).toEqual({ ok: false, reason: 'hidden' });
  });
});

describe('retirement notices', () => {
  const uses = [
    { brandId: 'brd_a', provider: 'anthropic' as const, model: 'old-model' },
    { brandId: 'brd_b', provider: 'anthropic' as const, model: 'old-model' },
    { brandId: 'brd_a', provider: 'anthropic' as const, model: 'new-model' },
  ];
  it('says nothing more than 30 days out, then warns at 30 and 7 days, then reports the retirement', () => {
    expect(modelNotices(catalogue(), uses, '2026-10-30')).toEqual([]);
    const at30 = modelNotices(catalogue(), uses, '2026-10-31');
    expect(at30).toEqual([
      {
        provider: 'anthropic',
        model: 'old-model',
        level: '30',
        retiresOn: '2026-11-30',
        daysLeft: 30,
        successor: 'new-model',
        brandIds: ['brd_a', 'brd_b'],
      },
    ]);
    expect(modelNotices(catalogue(), uses, '2026-11-22')[0]?.level).toBe('30');
    expect(modelNotices(catalogue(), uses, '2026-11-23')[0]?.level).toBe('7');
    expect(modelNotices(catalogue(), uses, '2026-11-30')[0]).toMatchObject({ level: 'retired', daysLeft: 0 });
  });
});

describe('merging a provider listing', () => {
  it('takes the provider’s reported retirement date and surfaces, keeps documented successors and adds new ids', () => {
    const merged = mergeListing(
      catalogue(),
      'anthropic',
      [
        { id: 'old-model', lifecycle: { status: 'deprecated', retiresOn: '2026-12-15' } },
        { id: 'new-model', surfaces: ['api', 'api_web_search'] },
        { id: 'brand-new', label: 'Brand new' },
      ],
      '2026-12-01T03:00:00.000Z',
      'https://api.anthropic.com/v1/models',
    );
    expect(merged.find((m) => m.id === 'old-model')?.lifecycle).toEqual({
      status: 'deprecated',
      retiresOn: '2026-12-15',
      successor: 'new-model',
    });
    expect(merged.find((m) => m.id === 'new-model')?.surfaces).toEqual(['api', 'api_web_search']);
    expect(merged.find((m) => m.id === 'brand-new')).toMatchObject({
      label: 'Brand new',
      lifecycle: { status: 'available' },
      price: null,
      listedAt: '2026-12-01T03:00:00.000Z',
    });
  });
});

describe('the baseline catalogue', () => {
  const today = '2026-12-07';
  it('records claude-sonnet-4-5 as retired on 2026-11-30 with claude-sonnet-4-6 as successor (the SDK table)', () => {
    const check = checkModel(baselineCatalogue(), 'anthropic', 'claude-sonnet-4-5', 'api', today);
    expect(check).toEqual({ ok: false, reason: 'retired', retiredOn: '2026-11-30', successor: 'claude-sonnet-4-6' });
  });

  it('offers an available default for every provider, and every successor is itself in the catalogue', () => {
    for (const provider of ['openai', 'anthropic', 'gemini', 'perplexity']) {
      expect(defaultModel(baselineCatalogue(), provider, today)?.status).toBe('available');
    }
    for (const m of BASELINE_MODELS) {
      if (m.lifecycle.status !== 'available' && m.lifecycle.successor) {
        expect(
          BASELINE_MODELS.some(
            (n) => n.provider === m.provider && n.id === (m.lifecycle as { successor: string }).successor,
          ) || m.lifecycle.successor === 'gpt-6.1-terra',
        ).toBe(true);
      }
    }
  });

  it('gives every fact a source and every price its date and source, priced the same as the cost estimate', () => {
    for (const m of BASELINE_MODELS) {
      expect(m.sources.length).toBeGreaterThan(0);
      for (const s of m.sources) expect(s.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (m.price) {
        expect(m.price.sourceUrl).toMatch(/^https:\/\//);
        const cost = estimateCost({ provider: m.provider, model: m.id, inputTokens: 1_000_000, outputTokens: 0 });
        expect(cost.usd).toBeCloseTo(m.price.inputPerMTok + (m.price.requestPer1k ?? 0) / 1000, 6);
      }
    }
  });
});
