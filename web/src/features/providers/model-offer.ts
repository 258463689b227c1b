/** The models offered per provider, as the forms use them (pure: no fetching). */
import type { ModelCatalogueView } from '../../../../shared/contracts/model-catalogue.ts';
import { PROVIDER_CATALOG, PROVIDERS, type ProviderId } from '../../../../shared/contracts/run-settings.ts';
import { defaultModel, offeredModels, utcDay } from '../../../../shared/domain/model-catalogue.ts';
import { baselineCatalogue } from '../../../../shared/domain/model-catalogue-baseline.ts';

/** The offer computed from the baseline catalogue on the browser's UTC day. */
export function baselineCatalogueView(now: Date = new Date()): ModelCatalogueView {
  const catalogue = baselineCatalogue();
  const today = utcDay(now);
  return {
    today,
    updatedAt: catalogue.updatedAt,
    providers: PROVIDERS.map((provider) => ({
      provider,
      label: PROVIDER_CATALOG[provider].label,
      defaultModel: defaultModel(catalogue, provider, today)?.id ?? null,
      models: offeredModels(catalogue, provider, today),
    })),
    refresh: {},
  };
}

export function providerOffer(view: ModelCatalogueView, provider: ProviderId) {
  return (
    view.providers.find((p) => p.provider === provider) ?? { provider, label: provider, defaultModel: null, models: [] }
  );
}
