import * as z from 'zod';
import { RETENTION_DAYS } from '../domain/retention.ts';

export const RetentionChoiceSchema = z.union([z.literal(RETENTION_DAYS), z.literal('keep')]);

/** `PUT /workspaces/current/retention` body (owner; `If-Match` with the current version). */
export const RetentionSettingsInputSchema = z.strictObject({
  rawAnswers: RetentionChoiceSchema.describe('Days a raw answer is kept after it is stored, or "keep"'),
  posts: RetentionChoiceSchema.describe(
    'Days a post (signal feed item, top post) is kept after it is stored, or "keep"',
  ),
});
export type RetentionSettingsInput = z.infer<typeof RetentionSettingsInputSchema>;

export const RetentionSettingsSchema = RetentionSettingsInputSchema.extend({
  version: z.number().int().min(0),
  updatedAt: z.string().nullable(),
  /** What a change applies to: items stored from the change on (nothing is back-filled). */
  appliesTo: z.literal('items_stored_after_change'),
});
export type RetentionSettings = z.infer<typeof RetentionSettingsSchema>;
