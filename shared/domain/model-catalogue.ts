/**
 * The model catalogue: which models each AI provider offers, where each is in its lifecycle, its dated list price
 * and the surfaces (plain chat, web search) it supports, every fact with its source. Pure: the date is always passed
 * in (an injected clock at the edges), so lifecycle transitions are decided by date, never by "now" read here.
 *
 * Lifecycle: `available` → `deprecated` (a retirement date and, when the provider names one, a successor) →
 * `retired`. A deprecated model whose retirement date has come is treated as retired from that UTC day on, even when
 * a provider's own list still says `deprecated` (Anthropic documents a past `retires_at` as "overdue"): a request to
 * it can fail at any moment, and a wrong answer is worse than a refused run.
 */
import type { ProviderId } from '../ports/ai-provider.ts';
import type { ModelPrice } from './pricing.ts';

export type Surface = 'api' | 'api_web_search';

export type ModelLifecycle =
  | { status: 'available' }
  | { status: 'deprecated'; retiresOn: string; successor: string | null }
  | { status: 'retired'; retiredOn: string; successor: string | null };

/** Where a fact came from: a URL (provider docs, an installed SDK file) and the day it was read. */
export interface FactSource {
  fact: 'listing' | 'lifecycle' | 'price' | 'surfaces';
  url: string;
  readOn: string;
  note?: string;
}

export interface DatedPrice extends Omit<ModelPrice, 'model'> {
  /** Day the price was read from `sourceUrl`. */
  asOf: string;
  sourceUrl: string;
}

export interface CatalogueModel {
  provider: ProviderId;
  /** The id a request names (`claude-haiku-4-5`); the provider may report a dated snapshot in its answers. */
  id: string;
  label: string;
  lifecycle: ModelLifecycle;
  surfaces: Surface[];
  price: DatedPrice | null;
  sources: FactSource[];
  /** Last time the provider's models endpoint listed it (null: known from documentation or an SDK only). */
  listedAt: string | null;
}

/** The operator's hand on the catalogue: pinned models are offered first (and even when unlisted); hidden never. */
export interface CatalogueOverrides {
  pinned: string[];
  hidden: string[];
}

export type RefreshOutcome = 'ok' | 'failed' | 'skipped';

/** The last refresh of one provider's list. `lastGoodAt` stays put while refreshes fail. */
export interface ProviderRefreshStatus {
  outcome: RefreshOutcome;
  at: string;
  lastGoodAt: string | null;
  message: string | null;
  listed: number;
}

export interface ModelCatalogue {
  /** When this catalogue was built (the refresh that stored it, or the baseline's date). */
  updatedAt: string;
  models: CatalogueModel[];
  overrides: CatalogueOverrides;
  refresh: Partial<Record<ProviderId, ProviderRefreshStatus>>;
}

const DAY_MS = 86_400_000;

/** `provider/model`, the key overrides use. */
export const modelKey = (provider: string, id: string) => `${provider}/${id}`;

/** The UTC day of a date, `YYYY-MM-DD`. */
export const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** The lifecycle on a given day: a deprecated model past its retirement date is retired. */
export function lifecycleOn(model: Pick<CatalogueModel, 'lifecycle'>, today: string): ModelLifecycle {
  const life = model.lifecycle;
  if (life.status === 'deprecated' && life.retiresOn <= today) {
    return { status: 'retired', retiredOn: life.retiresOn, successor: life.successor };
  }
  return life;
}

/** Whole days from `today` to `day` (negative when past). */
export function daysUntil(day: string, today: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
}

export function findModel(catalogue: Pick<ModelCatalogue, 'models'>, provider: string, id: string) {
  return catalogue.models.find((m) => m.provider === provider && m.id === id) ?? null;
}

export interface OfferedModel {
  id: string;
  label: string;
  status: 'available' | 'deprecated';
  retiresOn: string | null;
  successor: string | null;
  surfaces: Surface[];
  price: DatedPrice | null;
  pinned: boolean;
}

/**
 * The models to offer for a provider on a day, best first: pinned, then available, then deprecated (still usable
 * until their date, never a default). Retired and hidden models are never offered.
 */
export function offeredModels(catalogue: ModelCatalogue, provider: string, today: string): OfferedModel[] {
  const hidden = new Set(catalogue.overrides.hidden);
  const pinned = catalogue.overrides.pinned;
  const offered: OfferedModel[] = [];
  for (const model of catalogue.models) {
    if (model.provider !== provider || hidden.has(modelKey(provider, model.id))) continue;
    const life = lifecycleOn(model, today);
    if (life.status === 'retired') continue;
    offered.push({
      id: model.id,
      label: model.label,
      status: life.status,
      retiresOn: life.status === 'deprecated' ? life.retiresOn : null,
      successor: life.status === 'deprecated' ? life.successor : null,
      surfaces: model.surfaces,
      price: model.price,
      pinned: pinned.includes(modelKey(provider, model.id)),
    });
  }
  const rank = (m: OfferedModel) => (m.pinned ? 0 : m.status === 'available' ? 1 : 2);
  return offered.sort((a, b) => rank(a) - rank(b));
}

/** The model to preselect: the first offered that is not deprecated, or null (the user must choose). */
export function defaultModel(catalogue: ModelCatalogue, provider: string, today: string): OfferedModel | null {
  return offeredModels(catalogue, provider, today).find((m) => m.status === 'available') ?? null;
}

export type ModelCheck =
  | { ok: true; model: OfferedModel }
  | { ok: false; reason: 'retired'; retiredOn: string; successor: string | null }
  | { ok: false; reason: 'unknown' | 'hidden' | 'surface' };

/** Whether a provider/model/surface may be chosen on a day. */
export function checkModel(
  catalogue: ModelCatalogue,
  provider: string,
  id: string,
  surface: Surface,
  today: string,
): ModelCheck {
  const model = findModel(catalogue, provider, id);
  if (!model) return { ok: false, reason: 'unknown' };
  const life = lifecycleOn(model, today);
  if (life.status === 'retired')
    return { ok: false, reason: 'retired', retiredOn: life.retiredOn, successor: life.successor };
  if (catalogue.overrides.hidden.includes(modelKey(provider, id))) return { ok: false, reason: 'hidden' };
  if (!model.surfaces.includes(surface)) return { ok: false, reason: 'surface' };
  const offered = offeredModels(catalogue, provider, today).find((m) => m.id === id);
  return offered ? { ok: true, model: offered } : { ok: false, reason: 'hidden' };
}

/** A model a workspace uses that retires soon (or already has). */
export interface ModelNotice {
  provider: ProviderId;
  model: string;
  /** `retired`: runs naming it are refused; `7`/`30`: its retirement is at most that many days away. */
  level: 'retired' | '7' | '30';
  retiresOn: string;
  daysLeft: number;
  successor: string | null;
  /** Brands whose run settings name it. */
  brandIds: string[];
}

/** Days before retirement at which owners are warned. */
export const NOTICE_DAYS = [30, 7] as const;

/**
 * Notices for the models in use: each provider/model named in any brand's run settings that retires within 30 days
 * (level `30`), within 7 (level `7`), or has retired. One notice per model, listing the brands that use it.
 */
export function modelNotices(
  catalogue: ModelCatalogue,
  uses: readonly { brandId: string; provider: ProviderId; model: string }[],
  today: string,
): ModelNotice[] {
  const byModel = new Map<string, ModelNotice>();
  for (const use of uses) {
    const model = findModel(catalogue, use.provider, use.model);
    if (!model || model.lifecycle.status === 'available') continue;
    const retiresOn = model.lifecycle.status === 'deprecated' ? model.lifecycle.retiresOn : model.lifecycle.retiredOn;
    const daysLeft = daysUntil(retiresOn, today);
    const level =
      daysLeft <= 0 || model.lifecycle.status === 'retired'
        ? 'retired'
        : daysLeft <= 7
          ? '7'
          : daysLeft <= 30
            ? '30'
            : null;
    if (!level) continue;
    const key = modelKey(use.provider, use.model);
    const notice = byModel.get(key) ?? {
      provider: use.provider,
      model: use.model,
      level,
      retiresOn,
      daysLeft: Math.max(daysLeft, 0),
      successor: model.lifecycle.successor,
      brandIds: [],
    };
    if (!notice.brandIds.includes(use.brandId)) notice.brandIds.push(use.brandId);
    byModel.set(key, notice);
  }
  return [...byModel.values()].sort((a, b) => a.retiresOn.localeCompare(b.retiresOn));
}

/** A model as a provider's models endpoint lists it, reduced to what the catalogue takes from it. */
export interface ListedModel {
  id: string;
  label?: string;
  /** Lifecycle the provider reports (Anthropic `lifecycle`/`retires_at`, OpenAI `shutdown_date`). */
  lifecycle?: { status: 'available' | 'deprecated' | 'retired'; retiresOn: string | null };
  /** Surfaces the provider reports (Anthropic `capabilities.server_tools.web_search`). */
  surfaces?: Surface[];
}

/**
 * Merges one provider's listing into the catalogue: listed models get `listedAt`, their reported lifecycle (a
 * provider's own retirement date wins over documentation; a successor is kept from what we know) and surfaces; new
 * ids (chat models only: the caller filters) join as available but unpriced. Models the listing leaves out are kept
 * with their documented lifecycle: a list is "what this key may call", not a retirement notice.
 */
export function mergeListing(
  catalogue: ModelCatalogue,
  provider: ProviderId,
  listed: readonly ListedModel[],
  at: string,
  sourceUrl: string,
): CatalogueModel[] {
  const readOn = at.slice(0, 10);
  const byId = new Map(listed.map((m) => [m.id, m]));
  const merged = catalogue.models.map((model) => {
    const seen = model.provider === provider ? byId.get(model.id) : undefined;
    if (!seen) return model;
    byId.delete(model.id);
    return withListing(model, seen, at, sourceUrl, readOn);
  });
  for (const seen of byId.values()) {
    merged.push(
      withListing(
        {
          provider,
          id: seen.id,
          label: seen.label ?? seen.id,
          lifecycle: { status: 'available' },
          surfaces: ['api'],
          price: null,
          sources: [],
          listedAt: null,
        },
        seen,
        at,
        sourceUrl,
        readOn,
      ),
    );
  }
  return merged;
}

function withListing(
  model: CatalogueModel,
  seen: ListedModel,
  at: string,
  url: string,
  readOn: string,
): CatalogueModel {
  const sources = model.sources.filter((s) => !(s.fact === 'listing' && s.url === url));
  sources.push({ fact: 'listing', url, readOn });
  let lifecycle = model.lifecycle;
  const reported = seen.lifecycle;
  if (reported?.status === 'retired') {
    lifecycle = {
      status: 'retired',
      retiredOn: reported.retiresOn ?? readOn,
      successor: model.lifecycle.status === 'available' ? null : model.lifecycle.successor,
    };
  } else if (reported?.retiresOn) {
    const successor = model.lifecycle.status === 'available' ? null : model.lifecycle.successor;
    lifecycle = { status: 'deprecated', retiresOn: reported.retiresOn, successor };
  }
  if (lifecycle !== model.lifecycle) {
    sources.push({ fact: 'lifecycle', url, readOn, note: 'reported by the provider’s models endpoint' });
  }
  const surfaces = seen.surfaces ?? model.surfaces;
  return { ...model, label: seen.label ?? model.label, lifecycle, surfaces, sources, listedAt: at };
}
