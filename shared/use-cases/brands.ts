import type { Brand, BrandInputParsed } from '../contracts/brands.ts';
import { assertValidBrandConfig } from '../domain/brand-config.ts';
import { NotFoundError } from '../domain/errors.ts';
import { ID_PREFIX, prefixedId } from '../domain/ids.ts';
import { PLAN_LIMITS } from '../domain/plans.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { toTrackedEntities } from '../domain/tracked-entities.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { ModelCatalogueStore } from '../ports/model-catalogue.ts';
import type { PageRequest } from '../ports/pagination.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { WorkspaceRepository } from '../ports/workspace-repository.ts';
import { auditEntry, changesBetween } from './audit.ts';

export interface BrandDeps {
  brands: BrandRepository;
  workspaces: WorkspaceRepository;
  clock: Clock;
  ids: IdGenerator;
  /** The refreshed model catalogue; without it run settings are checked against the baseline catalogue. */
  catalogue?: ModelCatalogueStore | undefined;
  /**
   * Called after an update changed what the analysis tracks (entities, aliases, owned domains): starts the brand's
   * re-analysis. A failure does not fail the update (it is saved); the scheduled sweep finds the brand stale.
   */
  entitiesChanged?: ((tenantId: string, brandId: string) => Promise<void>) | undefined;
}

const AUDITED_FIELDS = ['name', 'category', 'aliases', 'ownedDomains', 'markets', 'competitors', 'topics'] as const;

/** Gives new competitors and topics ids and keeps existing ids only if they belong to this brand already. */
function assignIds(deps: Pick<BrandDeps, 'ids'>, input: BrandInputParsed, existing: Brand | null) {
  const knownCompetitors = new Set(existing?.competitors.map((c) => c.id));
  const knownTopics = new Set(existing?.topics.map((t) => t.id));
  return {
    competitors: input.competitors.map((c) => ({
      ...c,
      id: c.id && knownCompetitors.has(c.id) ? c.id : prefixedId(ID_PREFIX.competitor, deps.ids.next()),
    })),
    topics: input.topics.map((t) => ({
      ...t,
      id: t.id && knownTopics.has(t.id) ? t.id : prefixedId(ID_PREFIX.topic, deps.ids.next()),
    })),
  };
}

export async function getBrandOrThrow(deps: Pick<BrandDeps, 'brands'>, tenant: TenantPrincipal, brandId: string) {
  const brand = await deps.brands.getBrand(tenant.tenantId, brandId);
  // Another tenant's brand and a missing brand look the same from here.
  if (!brand) throw new NotFoundError('Brand not found', { code: 'brand_not_found' });
  return brand;
}

export async function listBrands(deps: Pick<BrandDeps, 'brands'>, tenant: TenantPrincipal, page: PageRequest) {
  const result = await deps.brands.listBrands(tenant.tenantId, page);
  return {
    items: result.items.map((b) => ({
      id: b.id,
      name: b.name,
      category: b.category,
      promptSetVersion: b.promptSetVersion,
      version: b.version,
      updatedAt: b.updatedAt,
      competitorCount: b.competitors.length,
      topicCount: b.topics.length,
    })),
    nextCursor: result.nextCursor,
  };
}

export async function createBrand(deps: BrandDeps, tenant: TenantPrincipal, input: BrandInputParsed): Promise<Brand> {
  const now = deps.clock.now().toISOString();
  const brand: Brand = {
    id: prefixedId(ID_PREFIX.brand, deps.ids.next()),
    name: input.name,
    category: input.category,
    aliases: input.aliases,
    ownedDomains: [...new Set(input.ownedDomains)],
    markets: [...new Set(input.markets)],
    ...assignIds(deps, input, null),
    promptSetVersion: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  assertValidBrandConfig(brand);
  const workspace = await deps.workspaces.getWorkspace(tenant.tenantId);
  const limits = PLAN_LIMITS[workspace?.plan ?? 'trial'];
  await deps.brands.createBrand(
    tenant.tenantId,
    brand,
    limits.maxBrands,
    auditEntry(deps, tenant, {
      action: 'brand.created',
      target: { type: 'brand', id: brand.id },
      summary: `Created brand ${brand.name}`,
      changes: changesBetween(null, brand, AUDITED_FIELDS),
    }),
  );
  return brand;
}

export async function updateBrand(
  deps: BrandDeps,
  tenant: TenantPrincipal,
  brandId: string,
  expectedVersion: number,
  input: BrandInputParsed,
): Promise<Brand> {
  const current = await getBrandOrThrow(deps, tenant, brandId);
  const next: Brand = {
    ...current,
    name: input.name,
    category: input.category,
    aliases: input.aliases,
    ownedDomains: [...new Set(input.ownedDomains)],
    markets: [...new Set(input.markets)],
    ...assignIds(deps, input, current),
    version: expectedVersion + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  assertValidBrandConfig(next);
  await deps.brands.updateBrand(
    tenant.tenantId,
    next,
    expectedVersion,
    current.name,
    auditEntry(deps, tenant, {
      action: 'brand.updated',
      target: { type: 'brand', id: brandId },
      summary: `Updated brand ${next.name}`,
      changes: changesBetween(current, next, AUDITED_FIELDS),
    }),
  );
  if (deps.entitiesChanged && JSON.stringify(toTrackedEntities(current)) !== JSON.stringify(toTrackedEntities(next))) {
    await deps.entitiesChanged(tenant.tenantId, brandId).catch(() => undefined);
  }
  return next;
}

export async function deleteBrand(deps: BrandDeps, tenant: TenantPrincipal, brandId: string, expectedVersion: number) {
  const current = await getBrandOrThrow(deps, tenant, brandId);
  await deps.brands.deleteBrand(
    tenant.tenantId,
    current,
    expectedVersion,
    auditEntry(deps, tenant, {
      action: 'brand.deleted',
      target: { type: 'brand', id: brandId },
      summary: `Deleted brand ${current.name}`,
    }),
  );
}
