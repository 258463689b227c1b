import type { ModelCatalogue } from '../domain/model-catalogue.ts';
import type { ProviderId } from './ai-provider.ts';

/** The stored catalogue (one record for the whole service: models are the providers', not a tenant's). */
export interface ModelCatalogueStore {
  /** The last stored catalogue, or null before the first refresh. */
  get(): Promise<ModelCatalogue | null>;
  put(catalogue: ModelCatalogue): Promise<void>;
}

/**
 * One provider's models endpoint. `list` returns the parsed listing, or throws when the endpoint fails or answers in
 * a shape it does not know (the refresh then keeps the last good catalogue and says why).
 */
export interface ProviderModelLister {
  readonly provider: ProviderId;
  /** Where the listing comes from (recorded as the source of each listed fact). */
  readonly sourceUrl: string;
  list(signal?: AbortSignal): Promise<import('../domain/model-catalogue.ts').ListedModel[]>;
}
