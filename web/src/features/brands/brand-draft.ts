import {
  type Brand,
  type BrandInput,
  BrandInputSchema,
  competitorInputSchema,
  topicInputSchema,
} from '../../../../shared/contracts/index.ts';
import { type FieldErrors, fieldErrorsFrom } from '../../api/errors.ts';
import { newKey } from '../../components/forms.tsx';

/** Editable shapes: lists of domains/markets are typed as text, rows carry a React key. */
export interface AliasDraft {
  key: string;
  value: string;
  caseSensitive: boolean;
  ambiguous: boolean;
}

export interface CompetitorDraft {
  key: string;
  id?: string | undefined;
  name: string;
  aliases: AliasDraft[];
  domains: string;
}

export interface TopicDraft {
  key: string;
  id?: string | undefined;
  name: string;
  description: string;
}

export interface BrandDraft {
  name: string;
  category: string;
  aliases: AliasDraft[];
  domains: string;
  markets: string;
  competitors: CompetitorDraft[];
  topics: TopicDraft[];
}

export function emptyBrandDraft(): BrandDraft {
  return { name: '', category: '', aliases: [], domains: '', markets: 'en-US', competitors: [], topics: [] };
}

export const newAlias = (value = ''): AliasDraft => ({ key: newKey(), value, caseSensitive: false, ambiguous: false });
export const newCompetitor = (): CompetitorDraft => ({ key: newKey(), name: '', aliases: [], domains: '' });
export const newTopic = (): TopicDraft => ({ key: newKey(), name: '', description: '' });

/** `acme.com, www.acme.io` → `['acme.com', 'www.acme.io']` (the schema normalises). */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const aliasInput = (a: AliasDraft) => ({ value: a.value, caseSensitive: a.caseSensitive, ambiguous: a.ambiguous });

export function competitorsToInput(competitors: readonly CompetitorDraft[]) {
  return competitors.map((c) => ({
    ...(c.id ? { id: c.id } : {}),
    name: c.name,
    aliases: c.aliases.map(aliasInput),
    ownedDomains: splitList(c.domains),
  }));
}

export function topicsToInput(topics: readonly TopicDraft[]) {
  return topics.map((t) => ({ ...(t.id ? { id: t.id } : {}), name: t.name, description: t.description }));
}

export function draftToInput(draft: BrandDraft): BrandInput {
  return {
    name: draft.name,
    category: draft.category,
    aliases: draft.aliases.map(aliasInput),
    ownedDomains: splitList(draft.domains),
    markets: splitList(draft.markets),
    competitors: competitorsToInput(draft.competitors),
    topics: topicsToInput(draft.topics),
  };
}

export function brandToDraft(brand: Brand): BrandDraft {
  const aliases = (list: Brand['aliases']) =>
    list.map((a) => ({ key: newKey(), value: a.value, caseSensitive: a.caseSensitive, ambiguous: a.ambiguous }));
  return {
    name: brand.name,
    category: brand.category,
    aliases: aliases(brand.aliases),
    domains: brand.ownedDomains.join(', '),
    markets: brand.markets.join(', '),
    competitors: brand.competitors.map((c) => ({
      key: newKey(),
      id: c.id,
      name: c.name,
      aliases: aliases(c.aliases),
      domains: c.ownedDomains.join(', '),
    })),
    topics: brand.topics.map((t) => ({ key: newKey(), id: t.id, name: t.name, description: t.description })),
  };
}

const BasicsSchema = BrandInputSchema.pick({
  name: true,
  category: true,
  aliases: true,
  ownedDomains: true,
  markets: true,
});
const CompetitorsSchema = BrandInputSchema.shape.competitors;
const TopicsSchema = BrandInputSchema.shape.topics;

/** Client-side checks with the shared contract, one step at a time. Paths match the API's `details`. */
export function validateBasics(draft: BrandDraft): FieldErrors {
  const { competitors: _c, topics: _t, ...basics } = draftToInput(draft);
  const parsed = BasicsSchema.safeParse(basics);
  return parsed.success ? {} : fieldErrorsFrom(parsed.error.issues);
}

export function validateCompetitors(draft: BrandDraft): FieldErrors {
  const errors: FieldErrors = {};
  const parsed = CompetitorsSchema.safeParse(competitorsToInput(draft.competitors));
  if (!parsed.success) Object.assign(errors, fieldErrorsFrom(parsed.error.issues, 'competitors'));
  // Same checks as the server's alias_collision, so the user hears about it before saving.
  const own = new Set(
    [draft.name, ...draft.aliases.map((a) => a.value)].map((s) => s.trim().toLowerCase()).filter(Boolean),
  );
  draft.competitors.forEach((c, i) => {
    if (!competitorInputSchema.shape.name.safeParse(c.name).success) return;
    if (own.has(c.name.trim().toLowerCase()))
      errors[`competitors.${i}.name`] ??= 'same as your brand or one of its aliases';
    c.aliases.forEach((a, j) => {
      if (own.has(a.value.trim().toLowerCase())) {
        errors[`competitors.${i}.aliases.${j}.value`] ??= 'this alias is already one of your brand’s';
      }
    });
  });
  const names = new Map<string, number>();
  draft.competitors.forEach((c, i) => {
    const key = c.name.trim().toLowerCase();
    if (!key) return;
    if (names.has(key)) errors[`competitors.${i}.name`] ??= 'two competitors have this name';
    names.set(key, i);
  });
  return errors;
}

export function validateTopics(draft: BrandDraft): FieldErrors {
  const errors: FieldErrors = {};
  const parsed = TopicsSchema.safeParse(topicsToInput(draft.topics));
  if (!parsed.success) Object.assign(errors, fieldErrorsFrom(parsed.error.issues, 'topics'));
  const names = new Set<string>();
  draft.topics.forEach((t, i) => {
    const key = t.name.trim().toLowerCase();
    if (!key || !topicInputSchema.shape.name.safeParse(t.name).success) return;
    if (names.has(key)) errors[`topics.${i}.name`] ??= 'two topics have this name';
    names.add(key);
  });
  return errors;
}

export function validateBrand(draft: BrandDraft): FieldErrors {
  return { ...validateBasics(draft), ...validateCompetitors(draft), ...validateTopics(draft) };
}
