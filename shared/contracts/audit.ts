import * as z from 'zod';

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: z.object({ userId: z.string(), email: z.string().nullable() }),
  /** e.g. `brand.created`, `prompt_set.version_created`, `member.role_changed`. */
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  summary: z.string(),
  changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
