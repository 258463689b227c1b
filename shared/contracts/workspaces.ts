import * as z from 'zod';
import { ROLE_GROUPS } from '../infra/resources.ts';

export const RoleSchema = z.enum(ROLE_GROUPS);

/** `POST /workspaces` body. Unknown keys are refused so a client cannot smuggle fields (e.g. a tenant id). */
export const CreateWorkspaceRequestSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(2, 'Workspace name must be at least 2 characters')
    .max(80, 'Workspace name must be at most 80 characters')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Workspace name must not contain control characters'),
});
export type CreateWorkspaceRequest = z.infer<typeof CreateWorkspaceRequestSchema>;

export const WorkspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  plan: z.enum(['trial', 'team', 'enterprise']),
  createdAt: z.iso.datetime(),
  /** The caller's role in this workspace. */
  role: RoleSchema,
});
export type WorkspaceView = z.infer<typeof WorkspaceSchema>;

/** `GET /me`: who the token says you are and which workspace you belong to, if any. */
export const MeResponseSchema = z.object({
  userId: z.string(),
  email: z.string().nullable(),
  workspace: WorkspaceSchema.nullable(),
  /**
   * True when the store knows a workspace but the token does not carry it yet: the client should refresh
   * its tokens (the tenant claim is added at token issue time).
   */
  tokenRefreshRequired: z.boolean(),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;

export const HealthResponseSchema = z.object({
  status: z.literal('ok'),
  service: z.string(),
  version: z.string(),
  time: z.iso.datetime(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
