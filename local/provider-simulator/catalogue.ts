/**
 * The simulator's world knowledge: every market it knows, and which one a prompt is about. A real assistant only sees
 * the prompt and answers from what it knows about the market the prompt names; the simulator does the same. The local
 * stack registers each workspace's market (`PUT /_control/markets`), so a newcomer's prompts about "cloud cost
 * management" or naming "Fabrikam FinOps" get answers about that market, not the demo's.
 *
 * Placement by prompt text only: a brand or competitor named scores highest, then category terms, then topic terms.
 * A prompt that matches nothing gets the default market (the demo market unless the simulator was given another).
 */
import type { Market } from './market.ts';
import { buildMarket, categoryTerms, type MarketSpec } from './market-model.ts';

interface Entry {
  key: string;
  market: Market;
  brandNames: string[];
  categoryTerms: string[];
  topicTerms: string[];
  registeredAt: number;
}

const BRAND_SCORE = 10;
const CATEGORY_SCORE = 3;
const TOPIC_SCORE = 1;

function entryOf(key: string, market: Market, category: string, registeredAt: number): Entry {
  return {
    key,
    market,
    brandNames: market.brands.map((b) => b.name.toLowerCase()),
    categoryTerms: categoryTerms(category),
    topicTerms: (market.topics ?? []).flatMap((t) => t.terms),
    registeredAt,
  };
}

export class MarketCatalogue {
  private readonly entries = new Map<string, Entry>();
  private counter = 0;

  constructor(
    private readonly fallback: Market,
    private readonly seed = 42,
  ) {
    this.entries.set('default', entryOf('default', fallback, fallback.category, this.counter++));
  }

  /** Registers (or replaces) a workspace's market; returns the market built, with its `note` if not fully placed. */
  register(key: string, spec: MarketSpec): Market {
    const market = buildMarket(spec, this.seed);
    this.entries.set(key, entryOf(key, market, spec.category, this.counter++));
    return market;
  }

  /** Registers a ready-made market (tests, the demo). */
  registerMarket(key: string, market: Market): void {
    this.entries.set(key, entryOf(key, market, market.category, this.counter++));
  }

  get(key: string): Market | null {
    return this.entries.get(key)?.market ?? null;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The market a prompt is about (see the module comment). Ties go to the most recently registered market. */
  resolve(prompt: string): Market {
    const lower = prompt.toLowerCase();
    let best: Entry | null = null;
    let bestScore = 0;
    for (const entry of this.entries.values()) {
      let score = 0;
      for (const name of entry.brandNames) if (lower.includes(name)) score += BRAND_SCORE;
      for (const term of entry.categoryTerms) if (lower.includes(term)) score += CATEGORY_SCORE;
      for (const term of entry.topicTerms) if (lower.includes(term)) score += TOPIC_SCORE;
      if (score > bestScore || (score === bestScore && score > 0 && best && entry.registeredAt > best.registeredAt)) {
        best = entry;
        bestScore = score;
      }
    }
    return best?.market ?? this.fallback;
  }
}
