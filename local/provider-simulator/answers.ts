import type { AnswerSurface, ProviderId } from '#shared/ports/ai-provider.ts';
import { answerTokenTarget, lengthening } from './answer-length.ts';
import { type Market, type MarketBrand, type MarketSource, perProvider } from './market.ts';
import { createRng, pick, type Rng, shuffled } from './rng.ts';
import { type AnswerContext, brandsInPrompt, effectiveVisibility, fallbackBrand, sourceShares } from './truth.ts';

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

export type AnswerStyle = 'ranked-list' | 'table' | 'pros-cons' | 'prose' | 'hedged' | 'no-brand';

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
  'Most of these offer free trials, so it is worth running a two-week pilot with real data before committing.',
  'Pricing changes often, so double-check the vendors\u2019 pricing pages before deciding.',
];

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Which brands an answer names, in which order: each brand independently with its effective visibility
 * (truth.ts), ordered by prominence with noise. Every style renders every chosen brand, so the planted rate holds.
 */
function chooseBrands(rng: Rng, market: Market, context: AnswerContext, named: MarketBrand[]): MarketBrand[] {
  const scored = market.brands
    .filter((brand) => !named.includes(brand))
    .map((brand) => ({ brand, weight: effectiveVisibility(market, brand, context), roll: rng(), order: rng() }))
    .filter((entry) => entry.roll < entry.weight)
    .sort((a, b) => b.weight * (0.4 + b.order) - a.weight * (0.4 + a.order))
    .map((entry) => entry.brand);
  return [...named, ...scored];
}

/** Sources in a random order weighted by share (Efraimidis-Spirakis keys), so likelier sources come first. */
function weightedOrder(rng: Rng, shares: { source: MarketSource; share: number }[]): MarketSource[] {
  return shares
    .map((entry) => ({ source: entry.source, key: entry.share > 0 ? rng() ** (1 / entry.share) : -1 }))
    .sort((a, b) => b.key - a.key)
    .map((entry) => entry.source);
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

function brandPage(rng: Rng, brand: MarketBrand, category: string): MarketSource {
  return pick(rng, [
    { url: `https://www.${brand.domain}/`, title: `${brand.name} | ${brand.bestFor}` },
    { url: `https://www.${brand.domain}/pricing`, title: `Pricing - ${brand.name}` },
    {
      url: `https://www.${brand.domain}/blog/${category.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-guide`,
      title: `The ${category} guide - ${brand.name}`,
    },
  ]);
}

/**
 * Generates an answer that reads like a real assistant's: ranked lists, comparison tables, pros and cons, or general
 * advice naming no brand; with numbered citations on the web-search surface and the odd bare link on the plain one.
 * The prompt is only matched against brand names (never interpreted).
 */
export function generateAnswer(seed: AnswerSeed, market: Market): SimulatedAnswer {
  const seedKey = `${seed.seed}|${seed.provider}|${seed.model}|${seed.sampleIndex}|${seed.date}|${seed.surface}|${seed.prompt}`;
  const rng = createRng(seedKey);
  const web = seed.surface === 'api_web_search';
  const book = new SourceBook(web);
  const context: AnswerContext = {
    prompt: seed.prompt,
    provider: seed.provider,
    surface: seed.surface,
    date: seed.date,
  };
  const named = brandsInPrompt(market, seed.prompt);
  const focus = named[0] ?? null;
  const comparison = /\b(vs\.?|versus|compare|comparison|alternatives?)\b/i.test(seed.prompt);
  const noBrand = !focus && rng() < perProvider(market.noBrandRate, seed.provider, 0.12);
  let brands = noBrand ? [] : chooseBrands(rng, market, context, named);
  const styleRoll = rng();
  const style: AnswerStyle = noBrand
    ? 'no-brand'
    : focus
      ? 'pros-cons'
      : comparison
        ? styleRoll < 0.6
          ? 'table'
          : 'prose'
        : styleRoll < 0.25
          ? 'table'
          : styleRoll < 0.35
            ? 'pros-cons'
            : styleRoll < 0.5
              ? 'prose'
              : styleRoll < 0.62
                ? 'hedged'
                : 'ranked-list';
  if (style !== 'no-brand' && brands.length === 0) {
    // Visibility rolls left nobody: assistants still name someone, so take the most visible brand (truth.ts).
    const top = fallbackBrand(market, context, null);
    brands = top ? [top] : [];
  }
  // Third-party pages (not the vendors' own) in a weighted random order by the provider's citation shares.
  const thirdParty = weightedOrder(
    rng,
    sourceShares(market, seed.provider).filter((entry) => entry.source.kind !== 'vendor'),
  );
  const citeThird = (index: number) => {
    const source = thirdParty[index % Math.max(1, thirdParty.length)];
    return source ? book.cite(source) : '';
  };
  const lines: string[] = [];
  const cat = market.category;

  if (style === 'no-brand') {
    lines.push(
      rng() < 0.4
        ? `I can\u2019t responsibly recommend one specific ${cat} vendor without knowing more about your situation, and ` +
            `vendor rankings change quickly. What I can do is help you judge them${citeThird(0)}:`
        : `There isn\u2019t a single best ${cat} tool; the right choice depends on your needs, maturity and budget. ` +
            `These are the criteria that matter most${citeThird(0)}:`,
      '',
    );
    shuffled(rng, market.criteria)
      .slice(0, 4)
      .forEach((criterion, i) => {
        lines.push(`${i + 1}. **${criterion.name}**: ${criterion.detail}.`);
      });
    lines.push(
      '',
      `A practical approach is to shortlist two or three tools, try the same real tasks in each during a trial, ` +
        `and compare how quickly your team gets results${citeThird(1)}.`,
    );
  } else if (style === 'table') {
    lines.push(`Here is a quick comparison of popular ${cat} tools:`, '');
    lines.push('| Tool | Best for | Strengths | Watch out for | Pricing |', '|---|---|---|---|---|');
    for (const brand of brands) {
      lines.push(
        `| ${brand.name} | ${brand.bestFor} | ${pick(rng, brand.strengths)} | ${pick(rng, brand.weaknesses)} | ${brand.pricing} |`,
      );
    }
    const [first, second] = brands;
    lines.push('');
    if (first && second) {
      lines.push(
        `**Bottom line:** choose **${first.name}** for ${first.bestFor}; ` +
          `**${second.name}** ${describe(rng, second, seed.provider)}${book.cite(brandPage(rng, second, cat))}.`,
      );
    } else if (first) {
      lines.push(
        `**Bottom line:** ${first.name} ${describe(rng, first, seed.provider)}${book.cite(brandPage(rng, first, cat))}.`,
      );
    }
    lines.push('', `Reviews on aggregator sites are a useful sanity check${citeThird(0)}.`);
  } else if (style === 'pros-cons') {
    const main = brands[0]!;
    lines.push(
      `## ${main.name}: pros and cons`,
      '',
      `${main.name} ${describe(rng, main, seed.provider)}${book.cite(brandPage(rng, main, cat))}.`,
      '',
      '**Pros**',
    );
    for (const strength of shuffled(rng, main.strengths).slice(0, 3)) lines.push(`- ${capitalise(strength)}`);
    lines.push('', '**Cons**');
    for (const weakness of main.weaknesses) lines.push(`- ${capitalise(weakness)}`);
    lines.push('', `**Pricing:** ${main.pricing}${citeThird(0)}.`);
    const alternatives = brands.slice(1);
    if (alternatives.length > 0) {
      lines.push(
        '',
        `**Alternatives worth a look:** ${alternatives.map((b) => `**${b.name}** (${b.bestFor})`).join(', ')}${citeThird(1)}.`,
      );
    }
  } else if (style === 'prose') {
    const [first, ...rest] = brands;
    if (first) {
      lines.push(
        `The short answer: **${first.name}** ${describe(rng, first, seed.provider)}, which makes it a natural fit for ` +
          `${first.bestFor}${book.cite(brandPage(rng, first, cat))}.`,
        '',
      );
    }
    const connectors = shuffled(rng, [
      'By comparison,',
      'On the other hand,',
      'Meanwhile,',
      'If that does not fit,',
      'Also,',
    ]);
    for (const [i, brand] of rest.entries()) {
      lines.push(
        `${connectors[i % connectors.length]} ${brand.name} ` +
          `${describe(rng, brand, seed.provider)}; it suits ${brand.bestFor} (${brand.pricing})${citeThird(Math.floor(rng() * 3))}.`,
        '',
      );
    }
    const criterion = pick(rng, market.criteria);
    lines.push(`Whichever you shortlist, compare them on **${criterion.name.toLowerCase()}**: ${criterion.detail}.`);
  } else if (style === 'hedged') {
    const [first, ...rest] = brands;
    lines.push(
      `It depends on your priorities, and I\u2019d treat any single recommendation with some caution: reviews of ${cat} ` +
        `tools vary a lot by company size${citeThird(0)}.`,
      '',
    );
    if (first) {
      lines.push(
        `If I had to pick one, I\u2019d probably start with **${first.name}**, mainly because it ` +
          `${describe(rng, first, seed.provider)}. It may be less suitable if ${pick(rng, first.weaknesses)} matters to you.`,
      );
    }
    if (rest.length > 0) {
      lines.push(
        '',
        `Other options people often consider: ${rest.map((b) => `**${b.name}** (${b.bestFor})`).join(', ')}.`,
      );
    }
  } else {
    lines.push(pick(rng, OPENERS)(cat, market.audience), '');
    brands.forEach((brand, i) => {
      const cite = rng() < 0.6 ? book.cite(brandPage(rng, brand, cat)) : citeThird(Math.floor(rng() * 3));
      const link = !web && rng() < 0.25 ? ` ([${brand.domain}](https://www.${brand.domain}/))` : '';
      lines.push(
        `${i + 1}. **${brand.name}**${link}: ${capitalise(describe(rng, brand, seed.provider))}. Best for ${brand.bestFor}.${cite}`,
      );
    });
    const criterion = pick(rng, market.criteria);
    lines.push('', `**Tip:** weigh **${criterion.name.toLowerCase()}** early: ${criterion.detail}.`);
  }
  // Real answers run several hundred tokens: product-free guidance brings this one to its drawn length (own stream).
  if (style !== 'no-brand') {
    const length = answerTokenTarget(seedKey, seed.provider, seed.surface);
    lines.push(...lengthening(market, approxTokens(lines.join('\n')), length));
  }
  lines.push('', pick(rng, CLOSERS));

  const text = lines.join('\n');
  const mentioned = market.brands
    .map((brand) => ({ name: brand.name, at: text.indexOf(brand.name) }))
    .filter((entry) => entry.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.name);
  return {
    text,
    sources: book.sources,
    style,
    brands: mentioned,
    searchQueries: web
      ? [`best ${cat} tools ${seed.date.slice(0, 4)}`, ...(focus ? [`${focus.name} reviews`] : [])]
      : [],
  };
}

/** Rough token count (about four characters per token for English), never below 1. */
export function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
