import type { TrackedEntity } from '../analysis/types.ts';
import type { Brand } from '../contracts/brands.ts';

/*
 * Apart from brand-config.ts, which imports the analysis engine: steps that only need the entity list (plan, ask,
 * finalize) then do not bundle the engine and its public-suffix list.
 */

export type BrandLike = Pick<Brand, 'id' | 'name' | 'aliases' | 'ownedDomains' | 'competitors'>;

/** The brand and its competitors as the analysis engine's tracked entities (brand first). */
export function toTrackedEntities(brand: BrandLike): TrackedEntity[] {
  return [
    { id: brand.id, name: brand.name, kind: 'brand', aliases: brand.aliases, ownedDomains: brand.ownedDomains },
    ...brand.competitors.map((c) => ({
      id: c.id,
      name: c.name,
      kind: 'competitor' as const,
      aliases: c.aliases,
      ownedDomains: c.ownedDomains,
    })),
  ];
}
