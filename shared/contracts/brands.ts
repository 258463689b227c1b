import * as z from 'zod';
import { domainSchema, idSchema, localeSchema, textSchema } from './common.ts';

export const BRAND_LIMITS = {
  aliasesPerEntity: 30,
  domainsPerEntity: 20,
  competitors: 25,
  topics: 50,
  markets: 20,
} as const;

export const aliasSchema = z.strictObject({
  value: textSchema(1, 100, 'Alias'),
  /** Match only with exactly this capitalisation. @default false */
  caseSensitive: z.boolean().default(false),
  /** The alias is also a common word (e.g. "Notion"): matches need capitalisation or context. @default false */
  ambiguous: z.boolean().default(false),
});
export type Alias = z.infer<typeof aliasSchema>;

const aliasesSchema = z
  .array(aliasSchema)
  .max(BRAND_LIMITS.aliasesPerEntity, `at most ${BRAND_LIMITS.aliasesPerEntity} aliases`);
const domainsSchema = z
  .array(domainSchema)
  .max(BRAND_LIMITS.domainsPerEntity, `at most ${BRAND_LIMITS.domainsPerEntity} domains`);

export const competitorInputSchema = z.strictObject({
  /** Present when editing an existing competitor; omitted for a new one. */
  id: idSchema('cmp').optional(),
  name: textSchema(1, 100, 'Competitor name'),
  aliases: aliasesSchema.default([]),
  ownedDomains: domainsSchema.default([]),
});

export const topicInputSchema = z.strictObject({
  id: idSchema('top').optional(),
  name: textSchema(1, 80, 'Topic name'),
  description: textSchema(0, 300, 'Topic description').default(''),
});

/** Everything a brand team configures about one brand. `POST /brands` body; `PUT /brands/{id}` body. */
export const BrandInputSchema = z.strictObject({
  name: textSchema(1, 100, 'Brand name'),
  category: textSchema(2, 100, 'Category'),
  aliases: aliasesSchema.default([]),
  ownedDomains: domainsSchema.default([]),
  markets: z.array(localeSchema).min(1, 'choose at least one market').max(BRAND_LIMITS.markets).default(['en-US']),
  competitors: z
    .array(competitorInputSchema)
    .max(BRAND_LIMITS.competitors, `at most ${BRAND_LIMITS.competitors} competitors`)
    .default([]),
  topics: z.array(topicInputSchema).max(BRAND_LIMITS.topics, `at most ${BRAND_LIMITS.topics} topics`).default([]),
});
export type BrandInput = z.input<typeof BrandInputSchema>;
export type BrandInputParsed = z.infer<typeof BrandInputSchema>;

export const CompetitorSchema = competitorInputSchema.extend({ id: idSchema('cmp') });
export const TopicSchema = topicInputSchema.extend({ id: idSchema('top') });
export type Competitor = z.infer<typeof CompetitorSchema>;
export type Topic = z.infer<typeof TopicSchema>;

export const BrandSchema = z.object({
  id: idSchema('brd'),
  name: z.string(),
  category: z.string(),
  aliases: z.array(aliasSchema),
  ownedDomains: z.array(z.string()),
  markets: z.array(z.string()),
  competitors: z.array(CompetitorSchema),
  topics: z.array(TopicSchema),
  /** Current prompt-set version number (0 until the first prompts are saved). */
  promptSetVersion: z.number().int().min(0),
  version: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Brand = z.infer<typeof BrandSchema>;

export const BrandSummarySchema = BrandSchema.pick({
  id: true,
  name: true,
  category: true,
  promptSetVersion: true,
  version: true,
  updatedAt: true,
}).extend({ competitorCount: z.number().int(), topicCount: z.number().int() });
export type BrandSummary = z.infer<typeof BrandSummarySchema>;
