import type { Brand } from '../contracts/brands.ts';
import type {
  PromptSetDiff,
  PromptSetInput,
  PromptSetVersion,
  PromptSuggestion,
  SuggestPromptsRequest,
  TrackedPrompt,
} from '../contracts/prompt-sets.ts';
import { PromptSetInputSchema, SuggestPromptsRequestSchema } from '../contracts/prompt-sets.ts';
import { brandedDetector } from '../domain/brand-config.ts';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../domain/errors.ts';
import { ID_PREFIX, prefixedId } from '../domain/ids.ts';
import { PLAN_LIMITS } from '../domain/plans.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { diffPromptSets, promptKey } from '../domain/prompt-sets.ts';
import { suggestPrompts as suggestFromTemplates } from '../domain/prompt-suggestions.ts';
import type { PageRequest } from '../ports/pagination.ts';
import { auditEntry } from './audit.ts';
import { type BrandDeps, getBrandOrThrow } from './brands.ts';

type ParsedInput = ReturnType<typeof PromptSetInputSchema.parse>;

async function versionOrThrow(deps: Pick<BrandDeps, 'brands'>, tenant: TenantPrincipal, brand: Brand, version: number) {
  const found =
    version >= 1 && version <= brand.promptSetVersion
      ? await deps.brands.getPromptSetVersion(tenant.tenantId, brand.id, version)
      : null;
  if (!found)
    throw new NotFoundError(`Prompt set version ${version} not found`, { code: 'prompt_set_version_not_found' });
  return found;
}

/** The brand's current prompt set. */
export async function getCurrentPromptSet(deps: Pick<BrandDeps, 'brands'>, tenant: TenantPrincipal, brandId: string) {
  const brand = await getBrandOrThrow(deps, tenant, brandId);
  if (brand.promptSetVersion === 0) {
    throw new NotFoundError('This brand has no prompts yet', { code: 'no_prompt_set' });
  }
  return versionOrThrow(deps, tenant, brand, brand.promptSetVersion);
}

export async function getPromptSetVersion(
  deps: Pick<BrandDeps, 'brands'>,
  tenant: TenantPrincipal,
  brandId: string,
  version: number,
) {
  const brand = await getBrandOrThrow(deps, tenant, brandId);
  return versionOrThrow(deps, tenant, brand, version);
}

export async function listPromptSetVersions(
  deps: Pick<BrandDeps, 'brands'>,
  tenant: TenantPrincipal,
  brandId: string,
  page: PageRequest,
) {
  await getBrandOrThrow(deps, tenant, brandId);
  return deps.brands.listPromptSetVersions(tenant.tenantId, brandId, page);
}

/** Differences between two versions; `from` 0 means "nothing" (everything in `to` is added). */
export async function diffPromptSetVersions(
  deps: Pick<BrandDeps, 'brands'>,
  tenant: TenantPrincipal,
  brandId: string,
  from: number,
  to: number,
): Promise<PromptSetDiff> {
  const brand = await getBrandOrThrow(deps, tenant, brandId);
  const after = await versionOrThrow(deps, tenant, brand, to);
  const before = from === 0 ? { version: 0, prompts: [] } : await versionOrThrow(deps, tenant, brand, from);
  return diffPromptSets(before, after);
}

/**
 * Validates a full prompt list against the brand (topics, duplicates, plan limit) and derives each prompt's
 * `branded` flag. Problems are reported per prompt index.
 */
export function buildPrompts(
  deps: Pick<BrandDeps, 'ids'>,
  brand: Brand,
  input: ParsedInput,
  current: TrackedPrompt[],
  maxPrompts: number,
): TrackedPrompt[] {
  if (input.prompts.length > maxPrompts) {
    throw new ConflictError(`Your plan allows ${maxPrompts} prompts per brand (this set has ${input.prompts.length})`, {
      code: 'plan_limit_reached',
      details: { limit: 'maxPromptsPerBrand', value: maxPrompts },
    });
  }
  const topics = new Set(brand.topics.map((t) => t.id));
  const knownIds = new Set(current.map((p) => p.id));
  const isBranded = brandedDetector(brand);
  const seen = new Map<string, number>();
  const usedIds = new Set<string>();
  const details: { path: string; message: string }[] = [];
  const prompts = input.prompts.map((prompt, index): TrackedPrompt => {
    if (prompt.topicId && !topics.has(prompt.topicId)) {
      details.push({ path: `prompts.${index}.topicId`, message: 'not a topic of this brand' });
    }
    const key = promptKey(prompt.text, prompt.locale);
    const first = seen.get(key);
    if (first !== undefined)
      details.push({ path: `prompts.${index}.text`, message: `duplicate of prompt ${first + 1}` });
    else seen.set(key, index);
    const keepId = prompt.id && knownIds.has(prompt.id) && !usedIds.has(prompt.id);
    const id = keepId && prompt.id ? prompt.id : prefixedId(ID_PREFIX.prompt, deps.ids.next());
    usedIds.add(id);
    return {
      id,
      text: prompt.text,
      topicId: prompt.topicId,
      intent: prompt.intent,
      locale: prompt.locale,
      persona: prompt.persona,
      branded: isBranded(prompt.text),
    };
  });
  if (details.length > 0) throw new ValidationError('Some prompts are invalid', { code: 'invalid_prompts', details });
  return prompts;
}

/**
 * Saves the next version of a brand's prompt set. `expectedVersion` is the version the caller edited; when the
 * brand has moved on since, nothing is stored (412).
 */
export async function savePromptSet(
  deps: BrandDeps,
  tenant: TenantPrincipal,
  brandId: string,
  expectedVersion: number,
  rawInput: PromptSetInput | ParsedInput,
  source: 'editor' | 'csv' = 'editor',
): Promise<PromptSetVersion> {
  const input = PromptSetInputSchema.parse(rawInput);
  const brand = await getBrandOrThrow(deps, tenant, brandId);
  if (brand.promptSetVersion !== expectedVersion) {
    throw new PreconditionFailedError('The prompt set was changed by someone else; reload and try again', {
      details: { currentVersion: brand.promptSetVersion },
    });
  }
  const current = brand.promptSetVersion > 0 ? await versionOrThrow(deps, tenant, brand, brand.promptSetVersion) : null;
  const workspace = await deps.workspaces.getWorkspace(tenant.tenantId);
  const prompts = buildPrompts(
    deps,
    brand,
    input,
    current?.prompts ?? [],
    PLAN_LIMITS[workspace?.plan ?? 'trial'].maxPromptsPerBrand,
  );
  const branded = prompts.filter((p) => p.branded).length;
  const version: PromptSetVersion = {
    brandId,
    version: expectedVersion + 1,
    prompts,
    note: input.note,
    createdAt: deps.clock.now().toISOString(),
    createdBy: tenant.email ?? tenant.userId,
    counts: { total: prompts.length, branded, nonBranded: prompts.length - branded },
  };
  const diff = diffPromptSets(current ?? { version: 0, prompts: [] }, version);
  await deps.brands.createPromptSetVersion(
    tenant.tenantId,
    version,
    auditEntry(deps, tenant, {
      action: 'prompt_set.version_created',
      target: { type: 'brand', id: brandId },
      summary: `Prompt set v${version.version} for ${brand.name} (${source}): +${diff.added.length} −${diff.removed.length} ~${diff.changed.length}`,
      changes: [{ field: 'promptSetVersion', before: expectedVersion, after: version.version }],
    }),
  );
  return version;
}

/** Proposes prompts for review; nothing is stored. */
export async function suggestPrompts(
  deps: Pick<BrandDeps, 'brands' | 'clock'>,
  tenant: TenantPrincipal,
  brandId: string,
  request: SuggestPromptsRequest,
): Promise<PromptSuggestion[]> {
  const parsed = SuggestPromptsRequestSchema.parse(request);
  const brand = await getBrandOrThrow(deps, tenant, brandId);
  const current =
    brand.promptSetVersion > 0
      ? await deps.brands.getPromptSetVersion(tenant.tenantId, brandId, brand.promptSetVersion)
      : null;
  return suggestFromTemplates({
    brand,
    personas: parsed.personas,
    locale: parsed.locale ?? brand.markets[0] ?? 'en-US',
    count: parsed.count,
    year: deps.clock.now().getUTCFullYear(),
    existing: current?.prompts ?? [],
    isBranded: brandedDetector(brand),
  });
}
