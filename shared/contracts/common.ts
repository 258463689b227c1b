import * as z from 'zod';

/** Ids minted by the server: a kind prefix and a lower-case ULID. */
export const idSchema = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`), `expected a ${prefix}_… id`);

/** Free text with no control characters (newlines allowed where `multiline`). */
export const textSchema = (min: number, max: number, label: string, options: { multiline?: boolean } = {}) =>
  z
    .string()
    .trim()
    .min(min, `${label} must be at least ${min} character${min === 1 ? '' : 's'}`)
    .max(max, `${label} must be at most ${max} characters`)
    .refine(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      (s) => !(options.multiline ? /[\u0000-\u0009\u000b-\u001f\u007f]/ : /[\u0000-\u001f\u007f]/).test(s),
      `${label} must not contain control characters`,
    );

/** BCP 47 language tag with a region, as used for markets and prompt locales (e.g. `en-US`, `de-DE`, `pt-BR`). */
export const localeSchema = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'expected a locale such as en-US')
  .refine((tag) => {
    try {
      return Intl.getCanonicalLocales(tag)[0] === tag;
    } catch {
      return false;
    }
  }, 'unknown locale');

/** A registrable domain or host name: lower-cased, no scheme, no path. */
export const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) => s.replace(/^www\./, ''))
  .pipe(
    z
      .string()
      .max(253)
      .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'expected a domain such as acme.com'),
  );

/** Paginated list query: `?limit=&cursor=`. */
export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Mutable resources carry a version; updates send it back in `If-Match` (as `"<version>"`). */
export const versionedSchema = z.object({ version: z.number().int().positive() });
