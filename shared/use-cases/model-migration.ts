import type { ModelMigrationResult } from '../contracts/model-catalogue.ts';
import type { PromptSetVersion } from '../contracts/prompt-sets.ts';
import type { RunSettings } from '../contracts/run-settings.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { ProviderId } from '../ports/ai-provider.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import { auditEntry, changesBetween } from './audit.ts';

/**
 * Moves one brand from one model to another: first a new prompt-set version (same prompts, a note naming the
 * change) so every later run, and so Analytics, sits on the far side of a version boundary; then the run settings
 * (which the brand's schedule runs). Each write is conditional on the version read and carries its audit entry.
 */
export async function migrateBrandModel(
  deps: { brands: BrandRepository; clock: Clock; ids: IdGenerator },
  tenant: TenantPrincipal,
  current: RunSettings,
  providers: RunSettings['providers'],
  provider: ProviderId,
  from: string,
  to: string,
): Promise<ModelMigrationResult['brands'][number]> {
  const brand = await deps.brands.getBrand(tenant.tenantId, current.brandId);
  if (!brand) throw new NotFoundError('Brand not found', { code: 'brand_not_found' });
  const now = deps.clock.now().toISOString();
  const note = `Model change: ${provider} ${from} → ${to}`;
  let promptSetVersion = brand.promptSetVersion;
  if (brand.promptSetVersion > 0) {
    const prompts = await deps.brands.getPromptSetVersion(tenant.tenantId, brand.id, brand.promptSetVersion);
    if (prompts) {
      const version: PromptSetVersion = {
        ...prompts,
        version: brand.promptSetVersion + 1,
        note,
        createdAt: now,
        createdBy: tenant.email ?? tenant.userId,
      };
      await deps.brands.createPromptSetVersion(
        tenant.tenantId,
        version,
        auditEntry(deps, tenant, {
          action: 'prompt_set.version_created',
          target: { type: 'brand', id: brand.id },
          summary: `Prompt set v${version.version} for ${brand.name} (model change, prompts unchanged): ${note}`,
          changes: [{ field: 'promptSetVersion', before: brand.promptSetVersion, after: version.version }],
        }),
      );
      promptSetVersion = version.version;
    }
  }
  const next: RunSettings = { ...current, providers, version: current.version + 1, updatedAt: now };
  await deps.brands.putRunSettings(
    tenant.tenantId,
    next,
    auditEntry(deps, tenant, {
      action: 'run_settings.model_migrated',
      target: { type: 'brand', id: brand.id },
      summary: `${note} for ${brand.name}`,
      changes: changesBetween(current, next, ['providers']),
    }),
  );
  return { brandId: brand.id, runSettingsVersion: next.version, promptSetVersion };
}
