/**
 * The market model: builds a seeded simulated market for any workspace from its brand, competitors, topics, locale
 * and category. Each brand gets a true mention probability per provider (shifted per topic and on the web-search
 * surface, drifting slowly over time), a tone (its true sentiment), strengths and weaknesses written for the
 * category; the market gets plausible brands the workspace does not track, and the sources each provider cites
 * (forums, an encyclopaedia, review sites, press, the vendors' own pages) with per-provider shares.
 *
 * A category the model does not know gets a generic profile, and a one-word brand is taken as given; both cases set
 * `market.note`, which the registration endpoint returns, so the operator sees what the answers are based on.
 */
import { PROVIDER_IDS } from '#shared/ports/ai-provider.ts';
import type { Market, MarketBrand, MarketSource } from './market.ts';
import { createRng, pick, type Rng, shuffled } from './rng.ts';

/** What the local stack knows about a workspace's brand (all the simulator needs to build its market). */
export interface MarketSpec {
  brand: { name: string; domain?: string | null };
  competitors: { name: string; domain?: string | null }[];
  category: string;
  topics: string[];
  locale?: string;
}

interface CategoryProfile {
  /** Lower-case words that identify the category in a free-text category or a prompt. */
  terms: string[];
  noun: string;
  audience: string;
  strengths: string[];
  weaknesses: string[];
  bestFor: string[];
  pricing: string[];
  criteria: { name: string; detail: string }[];
  subreddit: string;
  /** Fictional suffixes for untracked brands. */
  suffixes: string[];
}

const PROFILES: CategoryProfile[] = [
  {
    terms: ['cloud cost', 'finops', 'cloud spend', 'cost management', 'cloud billing', 'cost optimization'],
    noun: 'cloud cost management',
    audience: 'FinOps, platform and finance teams',
    strengths: [
      'clear cost allocation by team and tag',
      'accurate anomaly alerts on spend spikes',
      'rightsizing recommendations that actually save money',
      'multi-cloud coverage across AWS, Azure and GCP',
      'Kubernetes cost visibility down to the namespace',
      'commitment (RI and savings plan) management',
    ],
    weaknesses: [
      'a long setup for tagging and allocation rules',
      'pricing tied to a percentage of cloud spend',
      'recommendations that need engineering follow-up',
      'limited support for smaller clouds',
    ],
    bestFor: [
      'multi-cloud FinOps teams',
      'engineering-led companies on AWS',
      'enterprises with chargeback requirements',
      'startups that want quick savings',
    ],
    pricing: [
      'free tier for small spend, then a percentage of managed spend',
      'from $500/month',
      'custom enterprise pricing',
      'flat monthly pricing by cloud accounts',
    ],
    criteria: [
      { name: 'Allocation', detail: 'you need to split shared costs by team, product and customer' },
      { name: 'Anomaly detection', detail: 'spend spikes should alert within hours, not at month end' },
      {
        name: 'Commitment management',
        detail: 'reserved instances and savings plans are where most savings come from',
      },
      { name: 'Multi-cloud coverage', detail: 'check every cloud and the Kubernetes clusters you run' },
      { name: 'Pricing model', detail: 'a percentage-of-spend fee grows with your bill' },
    ],
    subreddit: 'FinOps',
    suffixes: ['Cloud', 'Cost', 'Spend', 'FinOps'],
  },
  {
    terms: ['product analytics', 'analytics', 'event tracking', 'funnel', 'retention'],
    noun: 'product analytics',
    audience: 'product and growth teams',
    strengths: [
      'fast event ingestion with near real-time dashboards',
      'clear funnel and retention reports',
      'SQL access to raw event data',
      'autocapture that needs little setup',
      'strong behavioural cohorts',
    ],
    weaknesses: [
      'pricing that climbs quickly with event volume',
      'a steeper learning curve for non-technical users',
      'limited custom SQL',
      'slower reports on large datasets',
    ],
    bestFor: ['fast-growing SaaS teams', 'larger product organisations', 'privacy-conscious companies'],
    pricing: ['free up to 1M events/month, paid plans from $49/month', 'usage-based', 'custom enterprise pricing'],
    criteria: [
      { name: 'Data model', detail: 'event-based tracking with identity stitching scales better than page views' },
      { name: 'Privacy and compliance', detail: 'look for EU data residency, consent handling and PII controls' },
      { name: 'Raw data access', detail: 'SQL or warehouse export avoids lock-in' },
    ],
    subreddit: 'ProductManagement',
    suffixes: ['Analytics', 'Insights', 'Metrics'],
  },
  {
    terms: ['crm', 'customer relationship', 'sales pipeline'],
    noun: 'CRM',
    audience: 'sales and revenue teams',
    strengths: [
      'a flexible pipeline view',
      'good email and calendar sync',
      'solid reporting',
      'a large app marketplace',
    ],
    weaknesses: ['costly add-ons', 'a cluttered interface', 'slow customisation for complex processes'],
    bestFor: ['small sales teams', 'mid-market companies', 'enterprises with complex processes'],
    pricing: ['from $15 per user/month', 'from $49 per user/month', 'custom enterprise pricing'],
    criteria: [
      { name: 'Adoption', detail: 'sales reps must actually keep it up to date' },
      { name: 'Integrations', detail: 'email, calendar, telephony and billing should connect natively' },
      { name: 'Reporting', detail: 'forecasts need clean pipeline stages' },
    ],
    subreddit: 'sales',
    suffixes: ['CRM', 'Sales', 'Pipeline'],
  },
  {
    terms: ['observability', 'monitoring', 'apm', 'logging', 'tracing'],
    noun: 'observability',
    audience: 'SRE and platform teams',
    strengths: ['fast log search', 'distributed tracing out of the box', 'good alerting', 'OpenTelemetry support'],
    weaknesses: ['unpredictable ingest pricing', 'a complex query language', 'short default retention'],
    bestFor: ['cloud-native teams', 'enterprises with many services', 'small teams that want one tool'],
    pricing: ['usage-based by GB ingested', 'per host per month', 'free tier, then usage-based'],
    criteria: [
      { name: 'Cost control', detail: 'sampling and retention settings decide the bill' },
      { name: 'OpenTelemetry', detail: 'open instrumentation avoids lock-in' },
      { name: 'Alert quality', detail: 'noisy alerts get ignored' },
    ],
    subreddit: 'devops',
    suffixes: ['Observe', 'Monitor', 'Trace'],
  },
];

const GENERIC: CategoryProfile = {
  terms: [],
  noun: '',
  audience: 'teams evaluating options',
  strengths: ['an easy setup', 'responsive support', 'a clean interface', 'solid integrations', 'good documentation'],
  weaknesses: ['a higher price than some alternatives', 'fewer advanced features', 'a smaller user community'],
  bestFor: ['small teams', 'growing companies', 'larger organisations'],
  pricing: ['free trial, paid plans from $29/month', 'usage-based pricing', 'custom pricing on request'],
  criteria: [
    { name: 'Fit', detail: 'list the three jobs you need done and test each option on them' },
    { name: 'Total cost', detail: 'include setup time and add-ons, not just the list price' },
    { name: 'Support', detail: 'check response times and whether support is included in your plan' },
  ],
  subreddit: 'software',
  suffixes: ['Labs', 'Works', 'Systems'],
};

/** Names of companies Microsoft uses in its documentation: plausible, fictional, free of real brands' claims. */
const FICTIONAL_STEMS = [
  'Tailspin',
  'Litware',
  'Proseware',
  'Woodgrove',
  'Lucerne',
  'Wingtip',
  'Adatum',
  'Trey',
  'VanArsdel',
  'Alpine',
  'Coho',
  'Wide World',
];

const STOPWORDS = new Set([
  'software',
  'product',
  'products',
  'best',
  'tracking',
  'tools',
  'tool',
  'platform',
  'platforms',
  'solutions',
  'services',
  'and',
  'the',
]);

/** The category profile a free-text category (or prompt) matches, or null. */
export function profileFor(category: string): CategoryProfile | null {
  const lower = category.toLowerCase();
  return PROFILES.find((profile) => profile.terms.some((term) => lower.includes(term))) ?? null;
}

/** Lower-case words of a category that place a prompt in it (stop words left out). */
export function categoryTerms(category: string): string[] {
  const profile = profileFor(category);
  const words = category
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !STOPWORDS.has(w));
  return [...new Set([...(profile?.terms ?? []), category.toLowerCase().trim(), ...words])].filter(Boolean);
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'software'
  );
}

function domainFor(name: string): string {
  return `${slug(name).replace(/-/g, '') || 'vendor'}.com`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function visibilityPerProvider(rng: Rng, level: number) {
  return Object.fromEntries(
    PROVIDER_IDS.map((id) => [id, round2(Math.min(0.95, Math.max(0.05, level + (rng() - 0.5) * 0.3)))]),
  );
}

function makeBrand(
  rng: Rng,
  profile: CategoryProfile,
  name: string,
  domain: string,
  level: number,
  topics: string[],
  tracked: boolean,
): MarketBrand {
  return {
    name,
    domain,
    visibility: visibilityPerProvider(rng, level),
    tone: Object.fromEntries(PROVIDER_IDS.map((id) => [id, round2(rng() * 1.1 - 0.3)])),
    strengths: shuffled(rng, profile.strengths).slice(0, 3),
    weaknesses: shuffled(rng, profile.weaknesses).slice(0, 2),
    bestFor: pick(rng, profile.bestFor),
    pricing: pick(rng, profile.pricing),
    topicAffinity: Object.fromEntries(topics.map((t) => [t.toLowerCase(), round2(0.6 + rng() * 0.8)])),
    webSearchFactor: round2(0.8 + rng() * 0.4),
    drift: { amplitude: round2(0.05 + rng() * 0.1), periodDays: 60 + Math.floor(rng() * 120), phase: round2(rng()) },
    tracked,
  };
}

function sourcesFor(profile: CategoryProfile, noun: string, brands: MarketBrand[], locale: string): MarketSource[] {
  const s = slug(noun);
  const lang = locale.split('-')[0] || 'en';
  const title = noun.charAt(0).toUpperCase() + noun.slice(1);
  const third: MarketSource[] = [
    {
      url: `https://${lang}.wikipedia.org/wiki/${encodeURIComponent(title.replace(/ /g, '_'))}`,
      title: `${title} - Wikipedia`,
      kind: 'encyclopaedia',
      share: { default: 1, anthropic: 2, openai: 1.5 },
    },
    {
      url: `https://www.g2.com/categories/${s}`,
      title: `Best ${title} Software - G2`,
      kind: 'review',
      share: { default: 2, gemini: 3 },
    },
    {
      url: `https://www.capterra.com/${s}-software/`,
      title: `${title} Software - Capterra`,
      kind: 'review',
      share: { default: 1.5 },
    },
    {
      url: `https://www.trustradius.com/${s}`,
      title: `${title} reviews - TrustRadius`,
      kind: 'review',
      share: { default: 1 },
    },
    {
      url: `https://www.reddit.com/r/${profile.subreddit}/comments/${s.slice(0, 6)}/which_${s.replace(/-/g, '_')}_tool_do_you_use/`,
      title: `Which ${noun} tool do you use? : r/${profile.subreddit}`,
      kind: 'forum',
      share: { default: 1.5, perplexity: 4 },
    },
    {
      url: `https://news.ycombinator.com/item?id=${38000000 + ((s.length * 7919) % 99991)}`,
      title: `Ask HN: What do you use for ${noun}? | Hacker News`,
      kind: 'forum',
      share: { default: 0.8, perplexity: 2 },
    },
    {
      url: `https://www.techradar.com/best/best-${s}-tools`,
      title: `Best ${noun} tools of the year | TechRadar`,
      kind: 'press',
      share: { default: 1, gemini: 2 },
    },
  ];
  const vendors: MarketSource[] = brands.map((brand) => ({
    url: `https://www.${brand.domain}/`,
    title: `${brand.name} | ${brand.bestFor}`,
    kind: 'vendor',
    share: { default: 0.6, openai: 1 },
  }));
  return [...third, ...vendors];
}

/**
 * Builds the seeded market for a workspace (see the module comment). Equal specs give equal markets. The tracked
 * brand's visibility is set moderate (so first runs show it, without dominating), competitors a little above or
 * below, untracked brands lower.
 */
export function buildMarket(spec: MarketSpec, seed = 42): Market {
  const rng = createRng(
    `${seed}|market|${spec.category}|${spec.brand.name}|${spec.competitors.map((c) => c.name).join(',')}`,
  );
  const known = profileFor(spec.category);
  const profile = known ?? GENERIC;
  const noun = known?.noun ?? (spec.category.trim().toLowerCase() || 'software');
  const notes: string[] = [];
  if (!known)
    notes.push(
      `category "${spec.category}" is not one the market model knows; answers use generic strengths and criteria`,
    );
  if (!/\s/.test(spec.brand.name.trim()))
    notes.push(
      `"${spec.brand.name}" is a one-word brand; answers name it exactly, so common-word collisions are not simulated`,
    );
  const topics = spec.topics.filter((t) => t.trim().length > 0);
  const taken = new Set([spec.brand.name, ...spec.competitors.map((c) => c.name)].map((n) => n.toLowerCase()));
  const brand = makeBrand(
    rng,
    profile,
    spec.brand.name,
    spec.brand.domain || domainFor(spec.brand.name),
    0.45,
    topics,
    true,
  );
  const competitors = spec.competitors.map((c) =>
    makeBrand(rng, profile, c.name, c.domain || domainFor(c.name), 0.35 + rng() * 0.3, topics, true),
  );
  const untracked: MarketBrand[] = [];
  for (const stem of shuffled(rng, FICTIONAL_STEMS)) {
    if (untracked.length >= 3) break;
    const name = `${stem} ${pick(rng, profile.suffixes)}`;
    if (taken.has(name.toLowerCase()) || [...taken].some((t) => t.includes(stem.toLowerCase()))) continue;
    taken.add(name.toLowerCase());
    untracked.push(makeBrand(rng, profile, name, domainFor(name), 0.15 + rng() * 0.25, topics, false));
  }
  const brands = [brand, ...competitors, ...untracked].slice(0, 8);
  return {
    category: noun,
    audience: profile.audience,
    brands,
    sources: sourcesFor(profile, noun, brands, spec.locale ?? 'en-US'),
    criteria: profile.criteria,
    noBrandRate: { default: round2(0.06 + rng() * 0.08), anthropic: round2(0.12 + rng() * 0.1) },
    topics: topics.map((name) => ({
      name,
      terms: [
        name.toLowerCase(),
        ...name
          .toLowerCase()
          .split(/[^\p{L}\p{N}]+/u)
          .filter((w) => w.length >= 4 && !STOPWORDS.has(w)),
      ],
    })),
    ...(notes.length > 0 ? { note: `The market model could not fully place this market: ${notes.join('; ')}.` } : {}),
  };
}
