/**
 * Using the model catalogue: what the API offers, the checks that keep retired models out of run settings and runs,
 * the scheduled refresh from the providers' models endpoints, the owners' retirement notices and the one-click
 * migration to a successor.
 */
import type { ModelCatalogueView, ModelMigrationInput, ModelMigrationResult } from '../contracts/model-catalogue.ts';
import { PROVIDER_CATALOG, PROVIDERS, type RunSettings } from '../contracts/run-settings.ts';
import { ConflictError, ValidationError } from '../domain/errors.ts';
import {
  type CatalogueOverrides,
  checkModel,
  defaultModel,
  type ModelCatalogue,
  type ModelNotice,
  mergeListing,
  modelNotices,
  offeredModels,
  type ProviderRefreshStatus,
  utcDay,
} from '../domain/model-catalogue.ts';
import { baselineCatalogue } from '../domain/model-catalogue-baseline.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { ProviderId } from '../ports/ai-provider.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { ModelCatalogueStore, ProviderModelLister } from '../ports/model-catalogue.ts';
import type { Clock } from '../ports/system.ts';
import { migrateBrandModel } from './model-migration.ts';

export interface CatalogueDeps {
  /** The refreshed catalogue; without one (or before the first refresh) the baseline is used. */
  catalogue?: ModelCatalogueStore | undefined;
  clock: Clock;
}

/** The catalogue in force: the last refreshed one, else the baseline (SDK tables and documentation). */
export async function currentCatalogue(deps: Pick<CatalogueDeps, 'catalogue'>): Promise<ModelCatalogue> {
  return (await deps.catalogue?.get()) ?? baselineCatalogue();
}

/** `GET /model-catalogue`. */
export async function getCatalogueView(deps: CatalogueDeps): Promise<ModelCatalogueView> {
  const catalogue = await currentCatalogue(deps);
  const today = utcDay(deps.clock.now());
  return {
    today,
    updatedAt: catalogue.updatedAt,
    providers: PROVIDERS.map((provider) => ({
      provider,
      label: PROVIDER_CATALOG[provider].label,
      defaultModel: defaultModel(catalogue, provider, today)?.id ?? null,
      models: offeredModels(catalogue, provider, today).filter((m) =>
        m.surfaces.some((s) => PROVIDER_CATALOG[provider].surfaces.includes(s)),
      ),
    })),
    refresh: catalogue.refresh as ModelCatalogueView['refresh'],
  };
}

const providerLabel = (provider: ProviderId) => PROVIDER_CATALOG[provider].label;

/**
 * Checks every provider selection of run settings against the catalogue.
 * @throws ValidationError `model_retired` (naming the successor) or `unknown_model`, with per-field details.
 */
export function assertSelectionsOffered(
  catalogue: ModelCatalogue,
  providers: readonly RunSettings['providers'][number][],
  today: string,
): void {
  const details: { path: string; message: string }[] = [];
  let retired = false;
  providers.forEach((p, i) => {
    const check = checkModel(catalogue, p.provider, p.model, p.surface, today);
    if (check.ok) return;
    if (check.reason === 'retired') {
      retired = true;
      details.push({
        path: `providers.${i}.model`,
        message: `${p.model} was retired on ${check.retiredOn}${check.successor ? `; use ${check.successor}` : ''}`,
      });
    } else if (check.reason === 'surface') {
      details.push({ path: `providers.${i}.surface`, message: `${p.model} is not offered on this surface` });
    } else {
      details.push({
        path: `providers.${i}.model`,
        message: `${p.model} is not offered for ${providerLabel(p.provider)}`,
      });
    }
  });
  if (details.length === 0) return;
  throw new ValidationError(retired ? 'A chosen model has been retired' : 'A chosen model is not offered', {
    code: retired ? 'model_retired' : 'unknown_model',
    details,
  });
}

/**
 * Refuses a run (or a scheduled run) whose targets name a retired model, naming the successor. Deprecated models
 * still run until their date; unknown ids are left to the provider (a stored setting predating the catalogue).
 * @throws ConflictError `model_retired`.
 */
export function assertTargetsNotRetired(
  catalogue: ModelCatalogue,
  targets: readonly RunSettings['providers'][number][],
  today: string,
): void {
  for (const target of targets) {
    const check = checkModel(catalogue, target.provider, target.model, target.surface, today);
    if (!check.ok && check.reason === 'retired') {
      const successor = check.successor ? ` Move it to ${check.successor} (Providers & budgets).` : '';
      throw new ConflictError(
        `${providerLabel(target.provider)} retired ${target.model} on ${check.retiredOn}; runs naming it are refused.${successor}`,
        {
          code: 'model_retired',
          details: {
            provider: target.provider,
            model: target.model,
            retiredOn: check.retiredOn,
            successor: check.successor,
          },
        },
      );
    }
  }
}

export interface RefreshDeps {
  catalogue: ModelCatalogueStore;
  /** One per provider the operator has keys for (or the local simulator); providers without one are skipped. */
  listers: readonly ProviderModelLister[];
  clock: Clock;
  /** The operator's pins and hides (configuration), applied on every refresh. */
  overrides: CatalogueOverrides;
}

/**
 * The scheduled refresh: lists each provider's models, merges them over the last good catalogue (or the baseline)
 * and stores the result. A provider whose endpoint fails or answers in an unknown shape keeps its last good models,
 * and its status says so (Admin › Operations); the others still refresh. Never throws for a provider's failure.
 */
export async function refreshCatalogue(
  deps: RefreshDeps,
  log: (message: string, details: Record<string, unknown>) => void = () => {},
): Promise<ModelCatalogue> {
  const previous = await currentCatalogue(deps);
  const at = deps.clock.now().toISOString();
  let models = previous.models;
  const refresh: ModelCatalogue['refresh'] = { ...previous.refresh };
  const listers = new Map(deps.listers.map((l) => [l.provider, l]));
  for (const provider of PROVIDERS) {
    const lister = listers.get(provider);
    const last = previous.refresh[provider];
    if (!lister) {
      refresh[provider] = status('skipped', at, last?.lastGoodAt ?? null, 'no API key for this provider', 0);
      continue;
    }
    try {
      const listed = await lister.list();
      if (listed.length === 0) throw new Error('the models endpoint listed no models');
      models = mergeListing({ ...previous, models }, provider, listed, at, lister.sourceUrl);
      refresh[provider] = status('ok', at, at, null, listed.length);
    } catch (error) {
      const message = `kept the last good list: ${(error as Error).message}`.slice(0, 300);
      refresh[provider] = status('failed', at, last?.lastGoodAt ?? null, message, 0);
      log('Model catalogue refresh failed for a provider', { provider, message });
    }
  }
  const next: ModelCatalogue = { updatedAt: at, models, overrides: deps.overrides, refresh };
  await deps.catalogue.put(next);
  return next;
}

function status(
  outcome: ProviderRefreshStatus['outcome'],
  at: string,
  lastGoodAt: string | null,
  message: string | null,
  listed: number,
): ProviderRefreshStatus {
  return { outcome, at, lastGoodAt, message, listed };
}

export interface ModelUseDeps extends CatalogueDeps {
  brands: BrandRepository;
}

/** Every brand's run settings in a workspace (the models it uses). */
async function settingsOfWorkspace(brands: BrandRepository, tenantId: TenantId) {
  const all: RunSettings[] = [];
  let cursor: string | undefined;
  do {
    const page = await brands.listBrands(tenantId, { limit: 100, cursor });
    const settings = await Promise.all(page.items.map((b) => brands.getRunSettings(tenantId, b.id)));
    for (const s of settings) if (s) all.push(s);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/** `GET /model-notices`: models this workspace uses that retire within 30 days, or have retired. */
export async function listModelNotices(deps: ModelUseDeps, tenant: TenantPrincipal): Promise<ModelNotice[]> {
  const [catalogue, settings] = await Promise.all([
    currentCatalogue(deps),
    settingsOfWorkspace(deps.brands, tenant.tenantId),
  ]);
  const uses = settings.flatMap((s) =>
    s.providers.map((p) => ({ brandId: s.brandId, provider: p.provider, model: p.model })),
  );
  return modelNotices(catalogue, uses, utcDay(deps.clock.now()));
}

/** What a migration needs: the brand store and what an audited change needs. */
export type MigrationDeps = ModelUseDeps & { ids: { next(): string } };

/**
 * Moves every brand of the workspace that uses `from` to `to` (by default the catalogue's successor): its run
 * settings (schedules included: they run the settings) name the new model, and its prompt set gets a new version
 * with the same prompts and a note, so Analytics shows a version boundary where the model changed. Both writes are
 * audited. Brands already moved are left alone, so a repeated click changes nothing.
 * @throws ValidationError when `to` is not offered (retired, hidden, unknown, or not on the surface in use).
 */
export async function migrateModel(
  deps: MigrationDeps,
  tenant: TenantPrincipal,
  input: ModelMigrationInput,
): Promise<ModelMigrationResult> {
  const catalogue = await currentCatalogue(deps);
  const today = utcDay(deps.clock.now());
  const from = catalogue.models.find((m) => m.provider === input.provider && m.id === input.from);
  const to = input.to ?? (from && from.lifecycle.status !== 'available' ? from.lifecycle.successor : null);
  if (!to) {
    throw new ValidationError(`No successor is recorded for ${input.from}; choose the model to move to`, {
      code: 'successor_required',
      details: [{ path: 'to', message: 'choose a model' }],
    });
  }
  const settings = await settingsOfWorkspace(deps.brands, tenant.tenantId);
  const result: ModelMigrationResult = { provider: input.provider, from: input.from, to, brands: [] };
  for (const current of settings) {
    if (!current.providers.some((p) => p.provider === input.provider && p.model === input.from)) continue;
    const moved: RunSettings['providers'] = [];
    for (const p of current.providers) {
      const next = p.provider === input.provider && p.model === input.from ? { ...p, model: to } : p;
      // The successor may already be listed on the same surface: keep one entry.
      const twin = moved.find(
        (m) => m.provider === next.provider && m.model === next.model && m.surface === next.surface,
      );
      if (twin) twin.enabled ||= next.enabled;
      else moved.push(next);
    }
    assertSelectionsOffered(
      catalogue,
      moved.filter((p) => p.provider === input.provider && p.model === to),
      today,
    );
    result.brands.push(await migrateBrandModel(deps, tenant, current, moved, input.provider, input.from, to));
  }
  return result;
}
