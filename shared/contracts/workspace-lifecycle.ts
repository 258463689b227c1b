import * as z from 'zod';

/** Workspace export and deletion (routes in functions/handlers/api/routes/workspace-lifecycle.ts). */
export const DeletionRequestSchema = z.strictObject({
  /** The workspace's name, typed by the owner to confirm. */
  confirmName: z.string().min(1).max(200),
});

export const WorkspaceDeletionSchema = z.object({
  tenantId: z.string(),
  status: z.enum(['scheduled', 'cancelled', 'purging', 'purged']),
  requestedAt: z.iso.datetime(),
  purgeAfter: z.iso.datetime(),
  step: z.string(),
  purgedAt: z.iso.datetime().nullable(),
  removed: z.object({
    memberships: z.number(),
    objects: z.number(),
    warehouseRows: z.number(),
    items: z.number(),
  }),
});

export const WorkspaceExportSchema = z.object({
  exportId: z.string(),
  bytes: z.number().int(),
  entities: z.record(z.string(), z.number().int()),
  objects: z.number().int(),
  /** A link to the `.tar.gz`, valid for 15 minutes. */
  downloadUrl: z.string(),
});

export type WorkspaceDeletion = z.infer<typeof WorkspaceDeletionSchema>;
export type WorkspaceExport = z.infer<typeof WorkspaceExportSchema>;
