import type { Brand } from '../contracts/brands.ts';
import type { Intent, PromptSuggestion } from '../contracts/prompt-sets.ts';
import { promptKey } from './prompt-sets.ts';

interface Template {
  intent: Intent;
  /** Placeholders: {category} {topic} {persona} {brand} {competitor} {year}. */
  text: string;
}

/**
 * Offline prompt templates. Non-branded ones come first: they measure whether assistants bring the brand up on
 * their own, which is what share of voice is about. Branded ones check how the brand is described.
 */
const TEMPLATES: Template[] = [
  { intent: 'informational', text: 'What are the best {category} options for {persona}?' },
  { intent: 'informational', text: 'How do I choose a {category} for {topic}?' },
  { intent: 'commercial', text: 'Which {category} is worth paying for in {year} if I care about {topic}?' },
  { intent: 'informational', text: 'What should {persona} look for in a {category}?' },
  { intent: 'commercial', text: 'Recommend a {category} for {topic} on a limited budget.' },
  { intent: 'comparison', text: 'Compare the leading {category} products for {topic}.' },
  { intent: 'informational', text: 'Which {category} do experts recommend for {topic}?' },
  { intent: 'comparison', text: '{brand} vs {competitor}: which is better for {topic}?' },
  { intent: 'comparison', text: 'What are the best alternatives to {competitor} for {persona}?' },
  { intent: 'navigational', text: 'Where can I find {brand} pricing and plans?' },
  { intent: 'informational', text: 'Is {brand} a good choice for {topic}?' },
];

export interface SuggestionContext {
  brand: Pick<Brand, 'name' | 'category' | 'competitors' | 'topics' | 'markets'>;
  personas: string[];
  locale: string;
  count: number;
  year: number;
  /** Prompts already tracked (text + locale), never suggested again. */
  existing: { text: string; locale: string }[];
  isBranded: (text: string) => boolean;
}

/** Deterministic template-based suggestions: the same inputs always give the same list. */
export function suggestPrompts(ctx: SuggestionContext): PromptSuggestion[] {
  const topics = ctx.brand.topics.length > 0 ? ctx.brand.topics : [{ id: null, name: ctx.brand.category }];
  const personas = ctx.personas.length > 0 ? ctx.personas : ['a small team', 'an enterprise buyer'];
  const competitors = ctx.brand.competitors.length > 0 ? ctx.brand.competitors : [null];
  const seen = new Set(ctx.existing.map((p) => promptKey(p.text, p.locale)));
  const out: PromptSuggestion[] = [];
  // Rotate through topics, personas and competitors so the first suggestions already cover all of them.
  for (let round = 0; out.length < ctx.count && round < topics.length * personas.length * competitors.length; round++) {
    const persona = personas[Math.floor(round / topics.length) % personas.length]!;
    const competitor = competitors[round % competitors.length];
    for (const [index, template] of TEMPLATES.entries()) {
      if (out.length >= ctx.count) break;
      // The topic moves with each template too, so even a short list covers every topic (not only the first).
      const topic = topics[(round + index) % topics.length]!;
      if (template.text.includes('{competitor}') && !competitor) continue;
      const text = template.text
        .replaceAll('{category}', ctx.brand.category.toLocaleLowerCase())
        .replaceAll('{topic}', topic.name.toLocaleLowerCase())
        .replaceAll('{persona}', persona)
        .replaceAll('{brand}', ctx.brand.name)
        .replaceAll('{competitor}', competitor?.name ?? '')
        .replaceAll('{year}', String(ctx.year));
      const key = promptKey(text, ctx.locale);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        text,
        topicId: template.text.includes('{topic}') ? topic.id : null,
        intent: template.intent,
        locale: ctx.locale,
        persona: template.text.includes('{persona}') ? persona : null,
        branded: ctx.isBranded(text),
        source: 'template',
      });
    }
  }
  return out;
}
