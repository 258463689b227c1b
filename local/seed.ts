import type { Role } from '#shared/domain/roles.ts';
import { toTenantId } from '#shared/domain/workspace.ts';
import type { BrandRepository } from '#shared/ports/brand-repository.ts';
import type { IdGenerator } from '#shared/ports/system.ts';
import type { WorkspaceRepository } from '#shared/ports/workspace-repository.ts';
import { createBrand } from '#shared/use-cases/brands.ts';
import { savePromptSet } from '#shared/use-cases/prompt-sets.ts';
import { saveRunSettings } from '#shared/use-cases/settings.ts';
import type { LocalUserStore } from './oidc/user-store.ts';
import { DEMO_MARKET } from './provider-simulator/market.ts';

/** Demo accounts of the local issuer. Local only: these passwords never exist in AWS. */
export const DEMO_USERS: { email: string; name: string; password: string; role: Role | null }[] = [
  { email: 'owner@demo.promptpulse.local', name: 'Olivia Owner', password: 'demo-owner-pass', role: 'owner' },
  { email: 'admin@demo.promptpulse.local', name: 'Adam Admin', password: 'demo-admin-pass', role: 'admin' },
  { email: 'analyst@demo.promptpulse.local', name: 'Andy Analyst', password: 'demo-analyst-pass', role: 'analyst' },
  { email: 'viewer@demo.promptpulse.local', name: 'Vera Viewer', password: 'demo-viewer-pass', role: 'viewer' },
  // No workspace yet: signs in to the first-run "create your workspace" screen.
  { email: 'newcomer@demo.promptpulse.local', name: 'Nico Newcomer', password: 'demo-newcomer-pass', role: null },
];

/** A second, separate demo tenant: shows (and lets tests prove) that workspaces never see each other. */
export const OTHER_TENANT_OWNER = {
  email: 'owner@globex.promptpulse.local',
  name: 'Greta Globex',
  password: 'globex-owner-pass',
  workspace: 'Globex Demo',
} as const;

export const DEMO_WORKSPACE_NAME = 'Acme Demo';

/**
 * Seeds the demo accounts and the demo workspace on first start, through the production repository.
 * Idempotent: an existing account or membership is left as it is.
 */
export async function seedDemoWorkspace(deps: {
  users: LocalUserStore;
  workspaces: WorkspaceRepository;
  brands: BrandRepository;
  ids: IdGenerator;
  now: () => Date;
}): Promise<{ tenantId: string; created: boolean }> {
  const accounts = DEMO_USERS.map((demo) => ({ demo, user: deps.users.ensureUser(demo) }));
  const owner = accounts.find((a) => a.demo.role === 'owner');
  if (!owner) throw new Error('demo owner missing');
  const existing = await deps.workspaces.findMembership(owner.user.sub);
  if (existing) return { tenantId: existing.tenantId, created: false };

  const tenantId = toTenantId(deps.ids.next());
  const joinedAt = deps.now().toISOString();
  await deps.workspaces.createWorkspaceWithOwner(
    { id: tenantId, name: DEMO_WORKSPACE_NAME, createdAt: joinedAt, createdBy: owner.user.sub, plan: 'trial' },
    { tenantId, userId: owner.user.sub, email: owner.user.email, role: 'owner', joinedAt },
  );
  for (const { demo, user } of accounts) {
    if (!demo.role || demo.role === 'owner') continue;
    if (await deps.workspaces.findMembership(user.sub)) continue;
    await deps.workspaces.addMember({ tenantId, userId: user.sub, email: user.email, role: demo.role, joinedAt });
  }
  await seedDemoBrand(
    { ...deps, clock: { now: deps.now } },
    { tenantId, userId: owner.user.sub, email: owner.user.email },
  );

  const globex = deps.users.ensureUser(OTHER_TENANT_OWNER);
  if (!(await deps.workspaces.findMembership(globex.sub))) {
    const otherId = toTenantId(deps.ids.next());
    await deps.workspaces.createWorkspaceWithOwner(
      { id: otherId, name: OTHER_TENANT_OWNER.workspace, createdAt: joinedAt, createdBy: globex.sub, plan: 'trial' },
      { tenantId: otherId, userId: globex.sub, email: globex.email, role: 'owner', joinedAt },
    );
    // Its own brand: a competitor of the demo brand in the same market, tracking the same assistants from its side.
    await seedDemoBrand(
      { ...deps, clock: { now: deps.now } },
      { tenantId: otherId, userId: globex.sub, email: globex.email },
      GLOBEX_BRAND,
    );
  }
  return { tenantId, created: true };
}

/** The demo brand, configured through the same use cases the API runs (so it is validated and audited). */
async function seedDemoBrand(
  deps: { workspaces: WorkspaceRepository; brands: BrandRepository; ids: IdGenerator; clock: { now: () => Date } },
  owner: { tenantId: ReturnType<typeof toTenantId>; userId: string; email: string },
  demo: DemoBrand = DEMO_BRAND,
) {
  const actor = { ...owner, claimedRole: 'owner' as const, role: 'owner' as const };
  const brand = await createBrand(deps, actor, {
    name: demo.name,
    category: 'Product analytics',
    aliases: [{ value: demo.alias, caseSensitive: true, ambiguous: false }],
    ownedDomains: [demo.domain],
    markets: ['en-US', 'en-GB'],
    competitors: demo.competitors.map((c) => ({ name: c.name, aliases: [], ownedDomains: [c.domain] })),
    topics: demo.topics.map((name) => ({ name, description: '' })),
  });
  const topic = (name: string) => brand.topics.find((t) => t.name === name)?.id ?? null;
  await savePromptSet(deps, actor, brand.id, 0, {
    note: 'Demo prompts',
    prompts: [
      {
        text: 'What is the best product analytics tool for a B2B SaaS startup?',
        topicId: topic('Product analytics'),
        intent: 'commercial',
      },
      {
        text: 'Which tools help me understand user retention and churn?',
        topicId: topic('Retention'),
        intent: 'informational',
      },
      {
        text: 'Compare product analytics platforms for privacy-conscious companies.',
        topicId: topic('Privacy'),
        intent: 'comparison',
      },
      {
        text: `${demo.competitors[0]?.name ?? 'Northwind Insights'} vs ${demo.name}: which should I pick?`,
        topicId: topic('Product analytics'),
        intent: 'comparison',
      },
      { text: 'How do I set up funnel analysis for a mobile app?', topicId: topic('Funnels'), intent: 'informational' },
      { text: `Is ${demo.name} GDPR compliant?`, topicId: topic('Privacy'), intent: 'navigational' },
    ],
  });
  await saveRunSettings(deps, actor, brand.id, 0, {
    providers: [
      { provider: 'openai', model: 'gpt-4.1-mini', surface: 'api', enabled: true },
      { provider: 'anthropic', model: 'claude-haiku-4-5', surface: 'api', enabled: true },
      { provider: 'perplexity', model: 'sonar', surface: 'api_web_search', enabled: true },
    ],
    samplesPerPrompt: 3,
    schedule: { kind: 'daily', time: '06:00', timeZone: 'UTC' },
  });
}

/**
 * The demo brand and its competitors come from the provider simulator's market, so that local AI answers talk
 * about exactly the brands the demo workspace tracks.
 */
const [demoBrand, ...demoCompetitors] = DEMO_MARKET.brands;

interface DemoBrand {
  name: string;
  /** A case-sensitive short name answers use. */
  alias: string;
  domain: string;
  competitors: { name: string; domain: string }[];
  topics: string[];
}

export const DEMO_BRAND: DemoBrand = {
  name: demoBrand?.name ?? 'Acme Analytics',
  alias: 'Acme',
  domain: demoBrand?.domain ?? 'acmeanalytics.com',
  competitors: demoCompetitors.map((b) => ({ name: b.name, domain: b.domain })),
  topics: ['Product analytics', 'Retention', 'Privacy', 'Funnels'],
};

/**
 * The Globex demo workspace's brand: Globex Metrics, in the same simulated market. It does not track the Acme demo
 * brand, so nothing of workspace A's configuration appears in workspace B (the isolation tests look for A's names).
 */
const globexBrand = DEMO_MARKET.brands.find((b) => b.name === 'Globex Metrics');
export const GLOBEX_BRAND: DemoBrand = {
  name: globexBrand?.name ?? 'Globex Metrics',
  alias: 'Globex',
  domain: globexBrand?.domain ?? 'globexmetrics.io',
  competitors: DEMO_MARKET.brands
    .filter((b) => b !== globexBrand && b !== demoBrand)
    .map((b) => ({ name: b.name, domain: b.domain })),
  topics: DEMO_BRAND.topics,
};
