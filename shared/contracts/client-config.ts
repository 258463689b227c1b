import * as z from 'zod';

/**
 * Runtime configuration the web app loads from `/config.json` at start: the same build runs against the
 * embedded local stack and against AWS (Cognito hosted UI + API Gateway), only this file differs.
 */
export const ClientConfigSchema = z.object({
  apiBaseUrl: z.string().min(1),
  websocketUrl: z.string().nullable().default(null),
  auth: z.object({
    /** OIDC authority: the local issuer, or `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
    authority: z.url(),
    clientId: z.string().min(1),
    scope: z.string().default('openid email profile'),
    /** Cognito's hosted UI has no end_session_endpoint in discovery; its logout URL is given explicitly. */
    logoutUrl: z.url().nullable().default(null),
  }),
  environment: z.enum(['local', 'aws']),
});
export type ClientConfig = z.infer<typeof ClientConfigSchema>;
