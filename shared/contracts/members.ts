import * as z from 'zod';
import { RoleSchema } from './workspaces.ts';

export const MemberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  role: RoleSchema,
  joinedAt: z.iso.datetime(),
  status: z.enum(['invited', 'active']),
  version: z.number().int().positive(),
});
export type MemberView = z.infer<typeof MemberSchema>;

/** `POST /members` body. */
export const InviteMemberRequestSchema = z.strictObject({
  email: z.email('expected an email address').trim().toLowerCase().max(254),
  role: RoleSchema,
});
export type InviteMemberRequest = z.infer<typeof InviteMemberRequestSchema>;

/** `PATCH /members/{userId}` body. */
export const UpdateMemberRequestSchema = z.strictObject({ role: RoleSchema });
