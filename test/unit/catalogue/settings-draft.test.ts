import { describe, expect, it } from 'vitest';
import { baselineCatalogueView } from '../../../web/src/features/providers/model-offer.ts';
import {
  defaultRunSettingsDraft,
  runSettingsToDraft,
  validateRunSettings,
} from '../../../web/src/features/providers/settings-draft.ts';

describe('provider settings drafts and the model catalogue', () => {
  it('preselects an available model for every provider, never a deprecated or retired one', () => {
    const view = baselineCatalogueView(new Date('2026-12-07T10:00:00Z'));
    const draft = defaultRunSettingsDraft(view);
    for (const p of draft.providers) {
      const offer = view.providers.find((o) => o.provider === p.provider);
      expect(offer?.models.find((m) => m.id === p.model)?.status, p.provider).toBe('available');
    }
    expect(draft.providers.find((p) => p.provider === 'anthropic')?.model).toBe('claude-sonnet-4-6');
  });

  it('on the day before a retirement the model is offered but still not preselected; the day after it is gone', () => {
    const before = baselineCatalogueView(new Date('2026-11-29T23:59:00Z'));
    const anthropic = before.providers.find((p) => p.provider === 'anthropic');
    expect(anthropic?.models.find((m) => m.id === 'claude-sonnet-4-5')).toMatchObject({
      status: 'deprecated',
      retiresOn: '2026-11-30',
      successor: 'claude-sonnet-4-6',
    });
    expect(anthropic?.defaultModel).toBe('claude-sonnet-4-6');
    const after = baselineCatalogueView(new Date('2026-11-30T00:00:00Z'));
    expect(after.providers.find((p) => p.provider === 'anthropic')?.models.map((m) => m.id)).not.toContain(
      'claude-sonnet-4-5',
    );
  });

  it('flags stored settings that name a retired model instead of silently showing another', () => {
    const view = baselineCatalogueView(new Date('2026-12-07T10:00:00Z'));
    const draft = runSettingsToDraft(
      {
        brandId: 'brd_x',
        providers: [{ provider: 'anthropic', model: 'claude-sonnet-4-5', surface: 'api', enabled: true }],
        samplesPerPrompt: 3,
        schedule: { kind: 'manual' },
        nextRunAt: null,
        version: 1,
        updatedAt: null,
      },
      view,
    );
    expect(draft.providers.find((p) => p.provider === 'anthropic')).toMatchObject({
      model: 'claude-sonnet-4-5',
      selected: true,
    });
    expect(validateRunSettings(draft, view)['providers']).toMatch(/claude-sonnet-4-5/);
  });
});
