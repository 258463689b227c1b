import * as z from 'zod';

export const PROVIDERS = ['openai', 'anthropic', 'gemini', 'perplexity'] as const;
export const ProviderIdSchema = z.enum(PROVIDERS);
export type ProviderId = z.infer<typeof ProviderIdSchema>;

export const SurfaceSchema = z.enum(['api', 'api_web_search']);

/**
 * The providers PromptPulse asks, their names and the surfaces each can be asked on. Which models each offers is
 * not hard-coded: it is the model catalogue (shared/domain/model-catalogue.ts, `GET /model-catalogue`), which knows
 * each model's lifecycle and is refreshed from the providers' models endpoints.
 */
export const PROVIDER_CATALOG: Record<ProviderId, { label: string; surfaces: ('api' | 'api_web_search')[] }> = {
  openai: { label: 'OpenAI (ChatGPT)', surfaces: ['api', 'api_web_search'] },
  anthropic: { label: 'Anthropic (Claude)', surfaces: ['api', 'api_web_search'] },
  gemini: { label: 'Google Gemini', surfaces: ['api', 'api_web_search'] },
  perplexity: { label: 'Perplexity', surfaces: ['api_web_search'] },
};

const TIME_ZONES = new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []);
TIME_ZONES.add('UTC');
export const timeZoneSchema = z
  .string()
  .refine((tz) => TIME_ZONES.has(tz), 'unknown time zone (use an IANA name such as Europe/Berlin)');
const timeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time such as 09:00');

export const ScheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('manual') }),
  z.strictObject({ kind: z.literal('daily'), time: timeOfDaySchema, timeZone: timeZoneSchema }),
  z.strictObject({
    kind: z.literal('weekly'),
    dayOfWeek: z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
    time: timeOfDaySchema,
    timeZone: timeZoneSchema,
  }),
  z.strictObject({
    kind: z.literal('cron'),
    /** Standard 5-field cron (minute hour day-of-month month day-of-week); checked fully on the server. */
    expression: z
      .string()
      .trim()
      .regex(/^\S+(\s+\S+){4}$/, 'expected 5 cron fields: minute hour day-of-month month day-of-week'),
    timeZone: timeZoneSchema,
  }),
]);
export type Schedule = z.infer<typeof ScheduleSchema>;

export const ProviderSelectionSchema = z
  .strictObject({
    provider: ProviderIdSchema,
    model: z.string().min(1).max(80),
    surface: SurfaceSchema,
    enabled: z.boolean().default(true),
  })
  // The model is checked against the catalogue on the server (lifecycle, operator pin/hide): saveRunSettings.
  .refine((p) => /^[\w.:-]+$/.test(p.model), { message: 'not a model id', path: ['model'] })
  .refine((p) => PROVIDER_CATALOG[p.provider].surfaces.includes(p.surface), {
    message: 'this provider does not offer that surface',
    path: ['surface'],
  });

/**
 * The optional LLM sentiment judge of a brand (off, `null`, by default): a model that re-rates per-brand sentiment in
 * the answers the offline rules leave low-confidence (shared/analysis/judge-gate.ts). Its calls are costed from the
 * price table and counted against the workspace's spend caps like the runs' own calls.
 */
export const SentimentJudgeSettingSchema = z
  .strictObject({ provider: ProviderIdSchema, model: z.string().min(1).max(80) })
  .refine((p) => /^[\w.:-]+$/.test(p.model), { message: 'not a model id', path: ['model'] });
export type SentimentJudgeSetting = z.infer<typeof SentimentJudgeSettingSchema>;

/** `PUT /brands/{brandId}/run-settings` body. */
export const RunSettingsInputSchema = z.strictObject({
  providers: z
    .array(ProviderSelectionSchema)
    .max(12)
    .refine(
      (list) => new Set(list.map((p) => `${p.provider}/${p.model}/${p.surface}`)).size === list.length,
      'each provider/model/surface may be listed once',
    ),
  samplesPerPrompt: z.number().int().min(1).max(10).default(3),
  schedule: ScheduleSchema.default({ kind: 'manual' }),
  /** Opt-in LLM sentiment judge; `null` turns it off; left out, the saved choice is kept (off for new settings). */
  sentimentJudge: SentimentJudgeSettingSchema.nullable().optional(),
});
export type RunSettingsInput = z.input<typeof RunSettingsInputSchema>;

export const RunSettingsSchema = z.object({
  brandId: z.string(),
  providers: z.array(
    z.object({ provider: ProviderIdSchema, model: z.string(), surface: SurfaceSchema, enabled: z.boolean() }),
  ),
  samplesPerPrompt: z.number().int(),
  schedule: ScheduleSchema,
  /** Opt-in LLM sentiment judge, or null (off). Settings saved before it existed read as null. */
  sentimentJudge: z.object({ provider: ProviderIdSchema, model: z.string() }).nullable().optional(),
  /** Next scheduled run, computed on the server; null for manual. */
  nextRunAt: z.iso.datetime().nullable(),
  version: z.number().int().min(0),
  updatedAt: z.iso.datetime().nullable(),
});
export type RunSettings = z.infer<typeof RunSettingsSchema>;
