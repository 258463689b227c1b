/**
 * Local only: tells the provider simulator about each workspace's market before a run asks its prompts, so a
 * newcomer's answers talk about the newcomer's brand, competitors and category (the simulator only sees prompts, and
 * places each prompt in the market it is about; see local/provider-simulator/catalogue.ts).
 *
 * The fan-out's Plan step is wrapped: it reads the run's brand and registers `<tenantId>/<brandId>` with the
 * simulator, then runs the production step unchanged. Registration failures are logged and never fail the run.
 */
import type { Brand } from '#shared/contracts/brands.ts';
import { isTenantId } from '#shared/domain/workspace.ts';
import type { BrandRepository } from '#shared/ports/brand-repository.ts';
import type { RunRepository } from '#shared/ports/runs.ts';
import type { Market } from './provider-simulator/market.ts';
import type { MarketRegistration } from './provider-simulator/market-control.ts';

/** The simulator's market spec of a configured brand. */
export function marketRegistrationOf(tenantId: string, brand: Brand): MarketRegistration {
  return {
    key: `${tenantId}/${brand.id}`,
    spec: {
      brand: { name: brand.name, domain: brand.ownedDomains[0] ?? null },
      competitors: brand.competitors.map((c) => ({ name: c.name, domain: c.ownedDomains[0] ?? null })),
      category: brand.category,
      topics: brand.topics.map((t) => t.name),
      locale: brand.markets[0] ?? 'en-US',
    },
  };
}

export interface MarketSyncDeps {
  runs: Pick<RunRepository, 'getRun'>;
  brands: Pick<BrandRepository, 'getBrand'>;
  register(registration: MarketRegistration): Market;
  /** Markets the simulator already knows by heart (the demo market): brands named there are not re-registered. */
  builtIn: readonly Market[];
  log: (line: string) => void;
}

/** Registers the market of a run's brand (see the module comment). */
export async function syncRunMarket(deps: MarketSyncDeps, tenantId: string, runId: string): Promise<void> {
  try {
    if (!isTenantId(tenantId)) return;
    const run = await deps.runs.getRun(tenantId, runId);
    const brand = run ? await deps.brands.getBrand(tenantId, run.brandId) : null;
    if (!brand) return;
    if (deps.builtIn.some((market) => market.brands.some((b) => b.name === brand.name))) return;
    const market = deps.register(marketRegistrationOf(tenantId, brand));
    if (market.note) deps.log(`provider simulator: ${brand.name}: ${market.note}`);
  } catch (error) {
    deps.log(`provider simulator: could not register the market of run ${runId}: ${(error as Error).message}`);
  }
}

/** The fan-out steps with market registration before Plan. */
export function withMarketSync<S extends { Plan: (input: { tenantId: string; runId: string }) => Promise<unknown> }>(
  steps: S,
  deps: MarketSyncDeps,
): S {
  const plan = steps.Plan;
  return {
    ...steps,
    Plan: async (input: { tenantId: string; runId: string }) => {
      await syncRunMarket(deps, input.tenantId, input.runId);
      return plan(input);
    },
  };
}
