import { analyzeText, compileEntities, validateTrackedEntities } from '../analysis/index.ts';
import type { Brand, BrandInputParsed } from '../contracts/brands.ts';
import { ValidationError } from './errors.ts';
import { toTrackedEntities } from './tracked-entities.ts';

type BrandLike = Pick<Brand, 'id' | 'name' | 'aliases' | 'ownedDomains' | 'competitors'>;

/**
 * Business rules of a brand configuration beyond its schema: unique competitor and topic names, and no alias or
 * owned domain shared between the brand and a competitor (analysis could not tell whose mention it is).
 * @throws ValidationError `alias_collision` / `duplicate_name` with details naming the fields.
 */
export function assertValidBrandConfig(brand: BrandLike & Pick<BrandInputParsed, 'topics'>): void {
  const details: { path: string; message: string }[] = [];
  const seen = new Map<string, number>();
  brand.competitors.forEach((c, i) => {
    const key = c.name.toLocaleLowerCase();
    if (key === brand.name.toLocaleLowerCase()) {
      details.push({ path: `competitors.${i}.name`, message: 'a competitor cannot have the brand’s own name' });
    } else if (seen.has(key)) {
      details.push({ path: `competitors.${i}.name`, message: `duplicate of competitor ${(seen.get(key) ?? 0) + 1}` });
    } else seen.set(key, i);
  });
  const topics = new Set<string>();
  brand.topics.forEach((t, i) => {
    const key = t.name.toLocaleLowerCase();
    if (topics.has(key)) details.push({ path: `topics.${i}.name`, message: 'duplicate topic name' });
    topics.add(key);
  });
  if (details.length > 0) throw new ValidationError('Names must be unique', { code: 'duplicate_name', details });

  const entities = toTrackedEntities(brand);
  const result = validateTrackedEntities(entities);
  if (!result.ok) {
    const nameOf = (id: string) => entities.find((e) => e.id === id)?.name ?? id;
    throw new ValidationError('An alias or domain is used by more than one tracked brand', {
      code: 'alias_collision',
      details: result.issues.map((issue) => ({
        path: issue.code === 'domain-collision' ? 'ownedDomains' : 'aliases',
        message: issue.value
          ? `“${issue.value}” is used by ${issue.entityIds.map(nameOf).join(' and ')}`
          : issue.message,
      })),
    });
  }
}

/** Returns a predicate telling whether a prompt names the brand or a competitor (a "branded" prompt). */
export function brandedDetector(brand: BrandLike): (text: string) => boolean {
  const compiled = compileEntities(toTrackedEntities(brand));
  // The full engine, not raw alias hits: ambiguous aliases ("Notion") need the same evidence as in answers.
  return (text) => analyzeText(text, compiled).mentions.length > 0;
}
