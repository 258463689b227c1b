import * as z from 'zod';
import { idSchema, textSchema } from './common.ts';

/**
 * CRM / automation integrations a workspace admin configures. Each receives `action.created` / `action.updated`
 * as an HTTPS POST: a generic webhook signed with HMAC-SHA256, or a HubSpot-task- or Salesforce-task-shaped body.
 */
export const INTEGRATION_KINDS = ['webhook', 'hubspot', 'salesforce'] as const;
export const IntegrationKindSchema = z.enum(INTEGRATION_KINDS);
export type IntegrationKind = z.infer<typeof IntegrationKindSchema>;

export const INTEGRATION_EVENTS = ['action.created', 'action.updated'] as const;
export const IntegrationEventSchema = z.enum(INTEGRATION_EVENTS);
export type IntegrationEvent = z.infer<typeof IntegrationEventSchema>;

export const integrationIdSchema = idSchema('int');

const urlField = z.string().trim().max(2048, 'url must be at most 2048 characters').min(1, 'url is required');
const secretField = z
  .string()
  .min(16, 'secret must be at least 16 characters')
  .max(512, 'secret must be at most 512 characters')
  .regex(/^[\x21-\x7e]+$/, 'secret must be printable ASCII without spaces');

/**
 * `POST /integrations` body. `secret` is the HMAC key (webhook) or the bearer token (HubSpot, Salesforce); it is
 * write-only: the API never returns it. The URL must be https and resolve to public addresses (the outbound rules in docs/security.md).
 */
export const IntegrationInputSchema = z.strictObject({
  name: textSchema(1, 80, 'Name'),
  kind: IntegrationKindSchema,
  url: urlField,
  secret: secretField,
  events: z
    .array(IntegrationEventSchema)
    .min(1, 'choose at least one event')
    .default([...INTEGRATION_EVENTS]),
  enabled: z.boolean().default(true),
});
export type IntegrationInput = z.infer<typeof IntegrationInputSchema>;

/** `PUT /integrations/{id}` body: like create, but `secret` may be omitted to keep the stored one. */
export const IntegrationUpdateSchema = IntegrationInputSchema.extend({ secret: secretField.optional() });
export type IntegrationUpdate = z.infer<typeof IntegrationUpdateSchema>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'retrying', 'dead_lettered'] as const;
export const DeliveryStatusSchema = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const IntegrationSchema = z.object({
  id: integrationIdSchema,
  name: z.string(),
  kind: IntegrationKindSchema,
  url: z.string(),
  events: z.array(IntegrationEventSchema),
  enabled: z.boolean(),
  /** The last four characters of the secret, so an admin can tell which one is set. */
  secretHint: z.string(),
  lastDelivery: z.object({ status: DeliveryStatusSchema, at: z.iso.datetime() }).nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().positive(),
});
export type Integration = z.infer<typeof IntegrationSchema>;

export const DeliveryAttemptSchema = z.object({
  at: z.iso.datetime(),
  /** HTTP status of the answer, or null when there was none (refused, network error, timeout). */
  httpStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});

export const DeliverySchema = z.object({
  id: idSchema('dlv'),
  integrationId: z.string(),
  actionId: z.string().nullable(),
  eventType: z.string(),
  test: z.boolean(),
  status: DeliveryStatusSchema,
  attempts: z.array(DeliveryAttemptSchema),
  /** Why it ended in the dead-letter list. */
  reason: z.string().nullable(),
  /** The exact body POSTed (for inspection and re-drive). */
  body: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Delivery = z.infer<typeof DeliverySchema>;

export const DeliveryListQuerySchema = z.strictObject({
  status: DeliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});
