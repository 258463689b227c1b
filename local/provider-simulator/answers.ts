import type { AnswerSurface, ProviderId } from '#shared/ports/ai-provider.ts';
import { type Market, type MarketBrand, type MarketSource, perProvider } from './market.ts';
import { createRng, pick, type Rng, shuffled } from './rng.ts';

/** What decides an answer. Equal inputs give byte-identical answers. */
export interface AnswerSeed {
  prompt: string;
  provider: ProviderId;
  model: string;
  sampleIndex: number;
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  surface: AnswerSurface;
  /** Global simulator seed. */
  seed: number;
}

export type AnswerStyle = 'ranked-list' | 'table' | 'pros-cons' | 'no-brand';

/**
 * A generated answer. `text` is markdown; on the web-search surface it carries numbered markers `[n]` (1-based into
 * `sources`), which each protocol renders its own way (Perplexity keeps them, OpenAI turns them into inline links,
 * Anthropic and Gemini into citation metadata).
 */
export interface SimulatedAnswer {
  text: string;
  sources: MarketSource[];
  style: AnswerStyle;
  /** Brands named, in order of first mention. */
  brands: string[];
  /** Search queries "run" on the web-search surface. */
  searchQueries: string[];
}

const POSITIVE = [
  (s: string) => `is consistently praised for ${s}`,
  (s: string) => `stands out for ${s}`,
  (s: string) => `is a strong pick thanks to ${s}`,
];
const NEUTRAL = [(s: string) => `offers ${s}`, (s: string) => `is known for ${s}`, (s: string) => `provides ${s}`];
const MIXED = [
  (s: string, w: string) => `offers ${s}, although users often mention ${w}`,
  (s: string, w: string) => `has ${s}, but reviewers frequently complain about ${w}`,
  (s: string, w: string) => `is capable (${s}), yet ${w} put some teams off`,
];
const OPENERS = [
  (c: string, a: string) =>
    `Here are some of the most widely used ${c} tools, roughly in the order they come up for ${a}:`,
  (c: string) =>
    `There are several solid ${c} platforms. Based on features, pricing and reviews, these are worth a look:`,
  (c: string) => `Good question: the ${c} market is crowded, but a handful of tools lead it:`,
];
const CLOSERS = [
  'If you share your team size, stack and budget, I can narrow this down to one or two options.',
  'Most of these offer free trials, so it is worth running a two-week pilot with real events before committing.',
  'Pricing changes often, so double-check the vendors\u2019 pricing pages before deciding.',
];

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Which brands an answer names, in which order: each brand appears with its provider visibility, order varies. */
function chooseBrands(rng: Rng, market: Market, provider: ProviderId, focus: MarketBrand | null): MarketBrand[] {
  const scored = market.brands
    .filter((brand) => brand !== focus)
    .map((brand) => ({ brand, weight: perProvider(brand.visibility, provider, 0.5), roll: rng(), order: rng() }))
    .filter((entry) => entry.roll < entry.weight)
    .sort((a, b) => b.weight * (0.4 + b.order) - a.weight * (0.4 + a.order))
    .map((entry) => entry.brand);
  return focus ? [focus, ...scored] : scored;
}

function describe(rng: Rng, brand: MarketBrand, provider: ProviderId): string {
  const tone = perProvider(brand.tone, provider, 0.2);
  const strength = pick(rng, brand.strengths);
  const weakness = pick(rng, brand.weaknesses);
  const roll = rng() * 2 - 1; // in [-1, 1): higher tone makes positive phrasing likelier
  if (roll < tone - 0.6) return pick(rng, POSITIVE)(strength);
  if (roll > tone + 0.4) return pick(rng, MIXED)(strength, weakness);
  return pick(rng, NEUTRAL)(strength);
}

/** Finds a brand the prompt names (a branded prompt), case-insensitively. */
function brandInPrompt(market: Market, prompt: string): MarketBrand | null {
  const lower = prompt.toLowerCase();
  return market.brands.find((brand) => lower.includes(brand.name.toLowerCase())) ?? null;
}

/** Collects sources and hands out citation numbers in order of first use. */
class SourceBook {
  readonly sources: MarketSource[] = [];
  constructor(private readonly enabled: boolean) {}
  cite(source: MarketSource): string {
    if (!this.enabled) return '';
    let index = this.sources.findIndex((s) => s.url === source.url);
    if (index < 0) index = this.sources.push(source) - 1;
    return `[${index + 1}]`;
  }
}

function brandPage(rng: Rng, brand: MarketBrand): MarketSource {
  return pick(rng, [
    { url: `https://www.${brand.domain}/`, title: `${brand.name} | ${brand.bestFor}` },
    { url: `https://www.${brand.domain}/pricing`, title: `Pricing - ${brand.name}` },
    {
      url: `https://www.${brand.domain}/blog/product-analytics-guide`,
      title: `The product analytics guide - ${brand.name}`,
    },
  ]);
}

/**
 * Generates an answer that reads like a real assistant's: ranked lists, comparison tables, pros and cons, or general
 * advice naming no brand; with numbered citations on the web-search surface and the odd bare link on the plain one.
 * The prompt is only matched against brand names (never interpreted).
 */
export function generateAnswer(seed: AnswerSeed, market: Market): SimulatedAnswer {
  const rng = createRng(
    `${seed.seed}|${seed.provider}|${seed.model}|${seed.sampleIndex}|${seed.date}|${seed.surface}|${seed.prompt}`,
  );
  const web = seed.surface === 'api_web_search';
  const book = new SourceBook(web);
  const focus = brandInPrompt(market, seed.prompt);
  const comparison = /\b(vs\.?|versus|compare|comparison|alternatives?)\b/i.test(seed.prompt);
  const noBrand = !focus && rng() < perProvider(market.noBrandRate, seed.provider, 0.12);
  let brands = noBrand ? [] : chooseBrands(rng, market, seed.provider, focus);
  const style: AnswerStyle = noBrand
    ? 'no-brand'
    : focus
      ? 'pros-cons'
      : comparison || rng() < 0.3
        ? 'table'
        : rng() < 0.2
          ? 'pros-cons'
          : 'ranked-list';
  if (style !== 'no-brand' && brands.length === 0) {
    // Visibility rolls left nobody: assistants still name someone, so take the most visible competitor.
    const top = [...market.brands].sort(
      (a, b) => perProvider(b.visibility, seed.provider, 0.5) - perProvider(a.visibility, seed.provider, 0.5),
    )[0];
    brands = top ? [top] : [];
  }
  const thirdParty = shuffled(rng, market.sources);
  const lines: string[] = [];
  const cat = market.category;

  if (style === 'no-brand') {
    lines.push(
      `There isn\u2019t a single best ${cat} tool; the right choice depends on your product, data maturity and budget. ` +
        `These are the criteria that matter most${book.cite(thirdParty[0]!)}:`,
      '',
    );
    shuffled(rng, market.criteria)
      .slice(0, 4)
      .forEach((criterion, i) => {
        lines.push(`${i + 1}. **${criterion.name}**: ${criterion.detail}.`);
      });
    lines.push(
      '',
      `A practical approach is to shortlist two or three tools, instrument the same key events in each during a trial, ` +
        `and compare how quickly your team gets answers${thirdParty[1] ? book.cite(thirdParty[1]) : ''}.`,
    );
  } else if (style === 'table') {
    lines.push(`Here is a quick comparison of popular ${cat} tools:`, '');
    lines.push('| Tool | Best for | Strengths | Watch out for | Pricing |', '|---|---|---|---|---|');
    for (const brand of brands.slice(0, 5)) {
      lines.push(
        `| ${brand.name} | ${brand.bestFor} | ${pick(rng, brand.strengths)} | ${pick(rng, brand.weaknesses)} | ${brand.pricing} |`,
      );
    }
    const [first, second] = brands;
    lines.push('');
    if (first && second) {
      lines.push(
        `**Bottom line:** choose **${first.name}** for ${first.bestFor}; ` +
          `**${second.name}** ${describe(rng, second, seed.provider)}${book.cite(brandPage(rng, second))}.`,
      );
    } else if (first) {
      lines.push(
        `**Bottom line:** ${first.name} ${describe(rng, first, seed.provider)}${book.cite(brandPage(rng, first))}.`,
      );
    }
    lines.push('', `Reviews on aggregator sites are a useful sanity check${book.cite(thirdParty[0]!)}.`);
  } else if (style === 'pros-cons') {
    const main = brands[0]!;
    lines.push(
      `## ${main.name}: pros and cons`,
      '',
      `${main.name} ${describe(rng, main, seed.provider)}${book.cite(brandPage(rng, main))}.`,
      '',
      '**Pros**',
    );
    for (const strength of shuffled(rng, main.strengths).slice(0, 3)) lines.push(`- ${capitalise(strength)}`);
    lines.push('', '**Cons**');
    for (const weakness of main.weaknesses) lines.push(`- ${capitalise(weakness)}`);
    lines.push('', `**Pricing:** ${main.pricing}${book.cite(thirdParty[0]!)}.`);
    const alternatives = brands.slice(1, 4);
    if (alternatives.length > 0) {
      lines.push(
        '',
        `**Alternatives worth a look:** ${alternatives.map((b) => `**${b.name}** (${b.bestFor})`).join(', ')}${thirdParty[1] ? book.cite(thirdParty[1]) : ''}.`,
      );
    }
  } else {
    lines.push(pick(rng, OPENERS)(cat, market.audience), '');
    brands.slice(0, 6).forEach((brand, i) => {
      const cite = rng() < 0.6 ? book.cite(brandPage(rng, brand)) : book.cite(pick(rng, thirdParty));
      const link = !web && rng() < 0.25 ? ` ([${brand.domain}](https://www.${brand.domain}/))` : '';
      lines.push(
        `${i + 1}. **${brand.name}**${link}: ${capitalise(describe(rng, brand, seed.provider))}. Best for ${brand.bestFor}.${cite}`,
      );
    });
    const criterion = pick(rng, market.criteria);
    lines.push('', `**Tip:** weigh **${criterion.name.toLowerCase()}** early: ${criterion.detail}.`);
  }
  lines.push('', pick(rng, CLOSERS));

  const text = lines.join('\n');
  const named = market.brands
    .map((brand) => ({ name: brand.name, at: text.indexOf(brand.name) }))
    .filter((entry) => entry.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.name);
  return {
    text,
    sources: book.sources,
    style,
    brands: named,
    searchQueries: web
      ? [`best ${cat} tools ${seed.date.slice(0, 4)}`, ...(focus ? [`${focus.name} reviews`] : [])]
      : [],
  };
}

/** Rough token count (about four characters per token for English), never below 1. */
export function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
