import { describe, expect, it } from 'vitest';
import { withMarketSync } from '../../../local/market-sync.ts';
import { DEMO_MARKET } from '../../../local/provider-simulator/market.ts';
import type { MarketRegistration } from '../../../local/provider-simulator/market-control.ts';
import { buildMarket } from '../../../local/provider-simulator/market-model.ts';
import type { Brand } from '../../../shared/contracts/brands.ts';
import type { Run } from '../../../shared/contracts/runs.ts';

const TENANT = 'ws_01jzdddddddddddddddddddddd';
const brand = (name: string, category: string): Brand =>
  ({
    id: `brd_${name.length}`,
    name,
    category,
    aliases: [],
    ownedDomains: ['contoso.example'],
    markets: ['en-GB'],
    competitors: [{ id: 'cmp_1', name: 'Fabrikam FinOps', aliases: [], ownedDomains: [] }],
    topics: [{ id: 'top_1', name: 'Kubernetes costs', description: '' }],
  }) as unknown as Brand;

function harness(current: Brand, failRegister = false) {
  const registered: MarketRegistration[] = [];
  const logs: string[] = [];
  const planned: string[] = [];
  const steps = withMarketSync(
    { Plan: async (input: { tenantId: string; runId: string }) => planned.push(input.runId) },
    {
      runs: { getRun: async () => ({ id: 'run_1', brandId: current.id }) as unknown as Run },
      brands: { getBrand: async () => current },
      register: (registration) => {
        if (failRegister) throw new Error('simulator down');
        registered.push(registration);
        return buildMarket(registration.spec);
      },
      builtIn: [DEMO_MARKET],
      log: (line) => logs.push(line),
    },
  );
  return { steps, registered, logs, planned };
}

describe('local market sync before Plan', () => {
  it("registers a newcomer's market (brand, competitors, category, topics, locale), then plans", async () => {
    const h = harness(brand('Contoso Cloud', 'Cloud cost management'));
    await h.steps.Plan({ tenantId: TENANT, runId: 'run_1' });
    expect(h.registered).toEqual([
      {
        key: `${TENANT}/brd_13`,
        spec: {
          brand: { name: 'Contoso Cloud', domain: 'contoso.example' },
          competitors: [{ name: 'Fabrikam FinOps', domain: null }],
          category: 'Cloud cost management',
          topics: ['Kubernetes costs'],
          locale: 'en-GB',
        },
      },
    ]);
    expect(h.planned).toEqual(['run_1']);
  });

  it('leaves the built-in demo market alone, logs an unplaceable market, and never fails the run', async () => {
    const demo = harness(brand('Acme Analytics', 'Product analytics'));
    await demo.steps.Plan({ tenantId: TENANT, runId: 'run_1' });
    expect(demo.registered).toEqual([]);

    const odd = harness(brand('Zorb', 'artisanal widgets'));
    await odd.steps.Plan({ tenantId: TENANT, runId: 'run_1' });
    expect(odd.logs.join('\n')).toMatch(/could not fully place this market/);

    const down = harness(brand('Contoso Cloud', 'Cloud cost management'), true);
    await down.steps.Plan({ tenantId: TENANT, runId: 'run_1' });
    expect(down.planned).toEqual(['run_1']);
    expect(down.logs.join('\n')).toMatch(/could not register the market of run run_1: simulator down/);
  });
});
