/**
 * The baseline model catalogue: what is known without asking any provider, from the SDKs installed with this repo
 * and from the providers' documentation, each fact with its source and the day it was read. The scheduled refresh
 * (shared/use-cases/model-catalogue.ts) merges the providers' models endpoints over it; the API and the runs fall
 * back to it when no refreshed catalogue is stored. Data only: add a model or a new fact here with its source.
 *
 * Where the sources disagree, the entry says so in `note` and takes the provider's own page, else the most
 * recent reading. Prices are list prices in USD per 1M tokens (see shared/domain/pricing.ts for the costing rules).
 */
import type { ProviderId } from '../ports/ai-provider.ts';
import type {
  CatalogueModel,
  DatedPrice,
  FactSource,
  ModelCatalogue,
  ModelLifecycle,
  Surface,
} from './model-catalogue.ts';
import { findModelPrice, PRICE_TABLE_2025_10_01, PRICE_TABLE_2026_12_07, PRICE_TABLE_SOURCES } from './pricing.ts';

/** Day the documentation below was read (through the docs search, not a live fetch). */
const READ_ON = '2026-12-07';

const SRC = {
  anthropicSdk: 'node_modules/@anthropic-ai/sdk/internal/data/deprecated-models.mjs (@anthropic-ai/sdk 1.14.0)',
  anthropicDeprecations: 'https://platform.claude.com/docs/en/about-claude/model-deprecations',
  anthropicModels: 'https://platform.claude.com/docs/en/about-claude/models/overview',
  anthropicPricing: 'https://platform.claude.com/docs/en/about-claude/pricing',
  anthropicWebSearch: 'https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool',
  openaiDeprecations: 'https://developers.openai.com/api/docs/deprecations',
  openaiPricing: 'https://platform.openai.com/docs/pricing',
  openaiWebSearch: 'https://platform.openai.com/docs/guides/tools-web-search',
  geminiDeprecations: 'https://ai.google.dev/gemini-api/docs/deprecations',
  geminiPricing: 'https://ai.google.dev/gemini-api/docs/pricing',
  geminiGrounding: 'https://ai.google.dev/gemini-api/docs/google-search',
  perplexityModels: 'https://docs.perplexity.ai/getting-started/models',
  perplexityPricing: 'https://docs.perplexity.ai/getting-started/pricing',
} as const;

const source = (fact: FactSource['fact'], url: string, note?: string, readOn = READ_ON): FactSource =>
  note ? { fact, url, readOn, note } : { fact, url, readOn };

/**
 * A model's price from the dated price tables of shared/domain/pricing.ts (the one place prices live), dated by the
 * oldest table that already had it: a price carried over unchanged keeps the day it was read.
 */
function tablePrice(provider: ProviderId, id: string): DatedPrice | null {
  const price = findModelPrice(provider, id, PRICE_TABLE_2026_12_07);
  if (!price || price.model !== id) return null;
  const first =
    findModelPrice(provider, id, PRICE_TABLE_2025_10_01)?.model === id
      ? PRICE_TABLE_2025_10_01
      : PRICE_TABLE_2026_12_07;
  const { model: _model, ...rest } = price;
  return { ...rest, asOf: first.priceTableVersion, sourceUrl: PRICE_TABLE_SOURCES[provider] };
}

function model(
  provider: ProviderId,
  id: string,
  label: string,
  lifecycle: ModelLifecycle,
  surfaces: Surface[],
  sources: FactSource[],
): CatalogueModel {
  const price = tablePrice(provider, id);
  const priceSource = price ? [source('price', price.sourceUrl, undefined, price.asOf)] : [];
  return { provider, id, label, lifecycle, surfaces, price, sources: [...sources, ...priceSource], listedAt: null };
}

const BOTH: Surface[] = ['api', 'api_web_search'];
/** Perplexity is offered on its search surface only (what it is tracked for). */
const WEB_ONLY: Surface[] = ['api_web_search'];
const available: ModelLifecycle = { status: 'available' };
const deprecated = (retiresOn: string, successor: string | null): ModelLifecycle => ({
  status: 'deprecated',
  retiresOn,
  successor,
});

const UNCONFIRMED_SURFACES =
  'web-search support not confirmed for this id in the provider’s tool docs; assumed from its model family';

export const BASELINE_MODELS: readonly CatalogueModel[] = [
  // OpenAI. GET /v1/models reports `shutdown_date` per model, so the refresh keeps these dates current.
  model('openai', 'gpt-6-luna', 'GPT-6 Luna', available, BOTH, [
    source('lifecycle', SRC.openaiDeprecations, 'named as the replacement of gpt-4.1-mini and gpt-4o-mini'),
    source('surfaces', SRC.openaiWebSearch, UNCONFIRMED_SURFACES),
  ]),
  model('openai', 'gpt-6.1-sol', 'GPT-6.1 Sol', available, BOTH, [
    source('lifecycle', SRC.openaiDeprecations, 'named as the replacement of gpt-5, gpt-4.1 and gpt-4o'),
    source('surfaces', SRC.openaiWebSearch, UNCONFIRMED_SURFACES),
  ]),
  model('openai', 'gpt-4.1-mini', 'GPT-4.1 mini', deprecated('2027-01-14', 'gpt-6-luna'), BOTH, [
    source('lifecycle', SRC.openaiDeprecations, 'shutdown 2027-01-14; every reading names gpt-6-luna'),
  ]),
  model('openai', 'gpt-4.1', 'GPT-4.1', deprecated('2027-01-14', 'gpt-6.1-sol'), BOTH, [
    source(
      'lifecycle',
      SRC.openaiDeprecations,
      'shutdown 2027-01-14; replacement read as gpt-6.1-sol (one secondary reading says gpt-6-luna)',
    ),
  ]),
  model('openai', 'gpt-4o', 'GPT-4o', deprecated('2027-01-14', 'gpt-6.1-sol'), BOTH, [
    source(
      'lifecycle',
      SRC.openaiDeprecations,
      'shutdown 2027-01-14; replacement read as gpt-6.1-sol (one secondary reading says gpt-6-luna)',
    ),
  ]),
  model('openai', 'gpt-5', 'GPT-5', deprecated('2026-12-11', 'gpt-6.1-sol'), BOTH, [
    source('lifecycle', SRC.openaiDeprecations, 'shutdown 2026-12-11'),
  ]),
  model('openai', 'gpt-5-mini', 'GPT-5 mini', deprecated('2026-12-11', 'gpt-6.1-terra'), BOTH, [
    source('lifecycle', SRC.openaiDeprecations, 'shutdown 2026-12-11'),
  ]),

  // Anthropic. The installed SDK ships a deprecation table (it warns on every request to a listed model);
  // GET /v1/models reports `lifecycle` and `retires_at`, and `capabilities.server_tools.web_search`.
  model('anthropic', 'claude-sonnet-4-6', 'Claude Sonnet 4.6', available, BOTH, [
    source('lifecycle', SRC.anthropicModels),
    source('surfaces', SRC.anthropicWebSearch),
  ]),
  model('anthropic', 'claude-haiku-4-5', 'Claude Haiku 4.5', available, BOTH, [
    source('lifecycle', SRC.anthropicModels),
    source('surfaces', SRC.anthropicWebSearch),
  ]),
  model('anthropic', 'claude-sonnet-4-5', 'Claude Sonnet 4.5', deprecated('2026-11-30', 'claude-sonnet-4-6'), BOTH, [
    source('lifecycle', SRC.anthropicSdk, 'end of life "November 30th, 2026" (also for claude-sonnet-4-5-20250929)'),
    source('lifecycle', SRC.anthropicDeprecations, 'recommended replacement claude-sonnet-4-6'),
  ]),
  model('anthropic', 'claude-opus-4-5', 'Claude Opus 4.5', deprecated('2027-01-22', null), BOTH, [
    source('lifecycle', SRC.anthropicSdk, 'end of life "January 22nd, 2027"; no replacement recorded here'),
  ]),

  // Gemini. models.list reports no lifecycle; the deprecations page is the source.
  model('gemini', 'gemini-3.8-flash', 'Gemini 3.8 Flash', available, BOTH, [
    source('lifecycle', SRC.geminiDeprecations, 'no shutdown date announced'),
    source('surfaces', SRC.geminiGrounding, UNCONFIRMED_SURFACES),
  ]),
  model('gemini', 'gemini-3.5-flash-lite', 'Gemini 3.5 Flash-Lite', available, BOTH, [
    source('lifecycle', SRC.geminiDeprecations, 'no shutdown date announced'),
    source('surfaces', SRC.geminiGrounding, UNCONFIRMED_SURFACES),
  ]),
  model('gemini', 'gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', available, BOTH, [
    source(
      'lifecycle',
      SRC.geminiDeprecations,
      'read on 2026-11-10 as "not deprecated, available until further notice"; one reseller reports it withdrawn',
    ),
  ]),
  model('gemini', 'gemini-2.5-flash', 'Gemini 2.5 Flash', deprecated('2026-12-01', 'gemini-3.5-flash-lite'), BOTH, [
    source(
      'lifecycle',
      SRC.geminiDeprecations,
      'shutdown read as 2026-12-01 (an earlier reading said 2026-06-17); retired either way',
    ),
  ]),
  model('gemini', 'gemini-2.5-pro', 'Gemini 2.5 Pro', deprecated('2026-12-01', 'gemini-3.8-flash'), BOTH, [
    source(
      'lifecycle',
      SRC.geminiDeprecations,
      'shutdown read as 2026-12-01 (an earlier reading said 2026-06-17); retired either way',
    ),
  ]),

  // Perplexity has no models endpoint: its documented list is the listing.
  model('perplexity', 'sonar', 'Sonar', available, WEB_ONLY, [source('listing', SRC.perplexityModels)]),
  model('perplexity', 'sonar-pro', 'Sonar Pro', available, WEB_ONLY, [source('listing', SRC.perplexityModels)]),
  model('perplexity', 'sonar-reasoning-pro', 'Sonar Reasoning Pro', available, WEB_ONLY, [
    source('listing', SRC.perplexityModels),
  ]),
];

/** Perplexity's documented models (what the refresh "lists" for it). */
export const PERPLEXITY_DOCUMENTED_MODELS = {
  url: SRC.perplexityModels,
  ids: BASELINE_MODELS.filter((m) => m.provider === 'perplexity').map((m) => m.id),
};

/** The catalogue before any refresh: the baseline models, no overrides. */
export function baselineCatalogue(overrides: ModelCatalogue['overrides'] = { pinned: [], hidden: [] }): ModelCatalogue {
  return { updatedAt: `${READ_ON}T00:00:00.000Z`, models: [...BASELINE_MODELS], overrides, refresh: {} };
}
