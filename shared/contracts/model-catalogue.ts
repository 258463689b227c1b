import * as z from 'zod';
import { ProviderIdSchema, SurfaceSchema } from './run-settings.ts';

const DaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const DatedPriceSchema = z.object({
  inputPerMTok: z.number(),
  outputPerMTok: z.number(),
  cachedInputPerMTok: z.number().optional(),
  webSearchPer1k: z.number().optional(),
  requestPer1k: z.number().optional(),
  asOf: DaySchema,
  sourceUrl: z.string(),
});

export const OfferedModelSchema = z.object({
  id: z.string(),
  label: z.string(),
  status: z.enum(['available', 'deprecated']),
  retiresOn: DaySchema.nullable(),
  successor: z.string().nullable(),
  surfaces: z.array(SurfaceSchema),
  price: DatedPriceSchema.nullable(),
  pinned: z.boolean(),
});
export type OfferedModelView = z.infer<typeof OfferedModelSchema>;

export const ProviderRefreshStatusSchema = z.object({
  outcome: z.enum(['ok', 'failed', 'skipped']),
  at: z.iso.datetime(),
  lastGoodAt: z.iso.datetime().nullable(),
  message: z.string().nullable(),
  listed: z.number().int(),
});

/** `GET /model-catalogue`: the models offered today per provider (retired and hidden ones left out). */
export const ModelCatalogueViewSchema = z.object({
  today: DaySchema,
  updatedAt: z.iso.datetime(),
  providers: z.array(
    z.object({
      provider: ProviderIdSchema,
      label: z.string(),
      /** The model to preselect (never a deprecated one); null when none is available. */
      defaultModel: z.string().nullable(),
      models: z.array(OfferedModelSchema),
    }),
  ),
  refresh: z.record(z.string(), ProviderRefreshStatusSchema),
});
export type ModelCatalogueView = z.infer<typeof ModelCatalogueViewSchema>;

export const ModelNoticeSchema = z.object({
  provider: ProviderIdSchema,
  model: z.string(),
  level: z.enum(['retired', '7', '30']),
  retiresOn: DaySchema,
  daysLeft: z.number().int(),
  successor: z.string().nullable(),
  brandIds: z.array(z.string()),
});
export type ModelNoticeView = z.infer<typeof ModelNoticeSchema>;

export const ModelNoticesSchema = z.object({ notices: z.array(ModelNoticeSchema) });

/** `POST /model-migrations`: move every brand using `from` to `to` (the catalogue's successor by default). */
export const ModelMigrationInputSchema = z.strictObject({
  provider: ProviderIdSchema,
  from: z.string().min(1).max(80),
  to: z.string().min(1).max(80).optional(),
});
export type ModelMigrationInput = z.infer<typeof ModelMigrationInputSchema>;

export const ModelMigrationResultSchema = z.object({
  provider: ProviderIdSchema,
  from: z.string(),
  to: z.string(),
  brands: z.array(
    z.object({ brandId: z.string(), runSettingsVersion: z.number().int(), promptSetVersion: z.number().int() }),
  ),
});
export type ModelMigrationResult = z.infer<typeof ModelMigrationResultSchema>;
