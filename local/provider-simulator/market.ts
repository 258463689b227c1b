import type { ProviderId } from '#shared/ports/ai-provider.ts';

/** Per-provider number with a fallback, e.g. `{ default: 0.5, perplexity: 0.8 }`. */
export type PerProvider<T> = Partial<Record<ProviderId, T>> & { default?: T };

export function perProvider<T>(value: PerProvider<T> | undefined, provider: ProviderId, fallback: T): T {
  return value?.[provider] ?? value?.default ?? fallback;
}

/** A brand of the simulated market. */
export interface MarketBrand {
  name: string;
  /** Registrable domain, e.g. `acmeanalytics.com`; cited pages live under `https://www.<domain>/`. */
  domain: string;
  /** Probability in [0, 1] that an answer (with brands) mentions the brand, per provider. @default 0.5 */
  visibility: PerProvider<number>;
  /** How favourably answers talk about it, in [-1, 1], per provider. @default 0.2 */
  tone?: PerProvider<number>;
  strengths: string[];
  weaknesses: string[];
  bestFor: string;
  pricing: string;
  /** Multiplier on `visibility` per topic name (lower-case), for prompts about that topic. @default 1 */
  topicAffinity?: Record<string, number>;
  /** Multiplier on `visibility` on the web-search surface (search results favour some vendors). @default 1 */
  webSearchFactor?: number;
  /** Slow movement of visibility over time: `visibility * (1 + amplitude * sin(2π (day / periodDays + phase)))`. */
  drift?: { amplitude: number; periodDays: number; phase: number };
  /** False for brands the workspace does not track (assistants still name them). @default true */
  tracked?: boolean;
}

/** A third-party page answers may cite (reviews, forums, press). */
export interface MarketSource {
  url: string;
  title: string;
  /** What kind of page it is. @default 'review' */
  kind?: 'forum' | 'encyclopaedia' | 'review' | 'press' | 'vendor';
  /** Relative weight with which each provider's answers cite it (normalised over the market's sources). @default 1 */
  share?: PerProvider<number>;
}

/** A topic of the market: prompts containing one of its `terms` are about it. */
export interface MarketTopic {
  name: string;
  /** Lower-case words or phrases that place a prompt in this topic. */
  terms: string[];
}

/** The simulated market: what the assistants "know" about a category. */
export interface Market {
  /** Category in plural-friendly form, e.g. `product analytics`. */
  category: string;
  /** Who the category serves, e.g. `product and growth teams`. */
  audience: string;
  brands: MarketBrand[];
  sources: MarketSource[];
  /** Buying criteria for advice paragraphs and brand-free answers. */
  criteria: { name: string; detail: string }[];
  /** Probability that an answer names no brand at all. @default 0.12 */
  noBrandRate?: PerProvider<number>;
  /** Topics the market model knows; a prompt about a topic moves brands by their `topicAffinity`. @default [] */
  topics?: MarketTopic[];
  /** Set when the model could not place the market (unknown category, one-word brand): what it did instead. */
  note?: string;
}

/**
 * The demo market: the demo brand **Acme Analytics** against four competitors, with visibility deliberately
 * different per provider (strong on Perplexity and OpenAI, weak on Anthropic), so dashboards have something to show.
 */
export const DEMO_MARKET: Market = {
  category: 'product analytics',
  audience: 'product and growth teams',
  brands: [
    {
      name: 'Acme Analytics',
      domain: 'acmeanalytics.com',
      visibility: { openai: 0.7, anthropic: 0.35, gemini: 0.55, perplexity: 0.85 },
      tone: { openai: 0.5, anthropic: 0.1, gemini: 0.3, perplexity: 0.6 },
      strengths: [
        'fast event ingestion with near real-time dashboards',
        'a generous free tier',
        'SQL access to raw event data',
        'clear funnel and retention reports',
      ],
      weaknesses: [
        'fewer native integrations than the market leaders',
        'a steeper learning curve for non-technical users',
      ],
      bestFor: 'fast-growing SaaS teams that want raw-data access',
      pricing: 'free up to 1M events/month, paid plans from $49/month',
    },
    {
      name: 'Northwind Insights',
      domain: 'northwindinsights.com',
      visibility: { openai: 0.8, anthropic: 0.75, gemini: 0.7, perplexity: 0.6 },
      tone: { default: 0.4 },
      strengths: ['a mature feature set', 'a huge integration catalogue', 'strong behavioural cohorts'],
      weaknesses: ['pricing that climbs quickly with volume', 'a cluttered interface'],
      bestFor: 'larger product organisations',
      pricing: 'free starter plan, growth plans from $61/month',
    },
    {
      name: 'Globex Metrics',
      domain: 'globexmetrics.io',
      visibility: { openai: 0.5, anthropic: 0.65, gemini: 0.6, perplexity: 0.45 },
      tone: { default: 0.2, anthropic: 0.5 },
      strengths: ['session replay built in', 'autocapture that needs little setup', 'good privacy controls'],
      weaknesses: ['limited custom SQL', 'slower reports on large datasets'],
      bestFor: 'teams that want qualitative and quantitative data in one place',
      pricing: 'usage-based, from $0 with a free allowance',
    },
    {
      name: 'Initech Signals',
      domain: 'initechsignals.com',
      visibility: { default: 0.3, gemini: 0.45 },
      tone: { default: -0.1 },
      strengths: ['enterprise governance features', 'on-premise deployment'],
      weaknesses: ['long implementation projects', 'dated UX', 'opaque enterprise pricing'],
      bestFor: 'regulated enterprises',
      pricing: 'custom enterprise pricing',
    },
    {
      name: 'Umbrella Data',
      domain: 'umbrelladata.co',
      visibility: { default: 0.25, openai: 0.35 },
      tone: { default: 0 },
      strengths: ['an open-source core', 'self-hosting'],
      weaknesses: ['a smaller community', 'you run the infrastructure yourself'],
      bestFor: 'engineering-led teams that want to self-host',
      pricing: 'free self-hosted, cloud from $30/month',
    },
  ],
  sources: [
    { url: 'https://www.g2.com/categories/product-analytics', title: 'Best Product Analytics Software - G2' },
    { url: 'https://www.capterra.com/product-analytics-software/', title: 'Product Analytics Software - Capterra' },
    {
      url: 'https://www.reddit.com/r/ProductManagement/comments/1c9x2k/which_product_analytics_tool_do_you_use/',
      title: 'Which product analytics tool do you use? : r/ProductManagement',
    },
    {
      url: 'https://www.techradar.com/best/best-product-analytics-tools',
      title: 'Best product analytics tools of the year | TechRadar',
    },
    { url: 'https://www.gartner.com/reviews/market/product-analytics', title: 'Product Analytics Reviews - Gartner' },
    {
      url: 'https://news.ycombinator.com/item?id=38211455',
      title: 'Ask HN: What do you use for product analytics? | Hacker News',
    },
  ],
  criteria: [
    { name: 'Data model', detail: 'event-based tracking with user identity stitching scales better than page views' },
    { name: 'Integrations', detail: 'check native connectors for your warehouse, CDP and CRM' },
    { name: 'Privacy and compliance', detail: 'look for EU data residency, consent handling and PII controls' },
    { name: 'Pricing model', detail: 'event-based pricing can surprise you as traffic grows; model a year ahead' },
    { name: 'Self-serve analysis', detail: 'non-technical teammates should be able to answer their own questions' },
    { name: 'Raw data access', detail: 'SQL or warehouse export avoids lock-in' },
  ],
  noBrandRate: { default: 0.12, anthropic: 0.2 },
};
