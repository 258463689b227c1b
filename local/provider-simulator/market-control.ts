/**
 * The body of `PUT /_control/markets`: which workspace market to register, checked strictly (it is control input
 * from the local stack or a test, but a bad body must get a clear 400, never a crash).
 */
import { z } from 'zod';
import type { MarketSpec } from './market-model.ts';

const NameSchema = z.string().trim().min(1).max(200);
const DomainSchema = z.string().trim().max(253).nullish();

export const MarketRegistrationSchema = z.object({
  /** Who registers it, e.g. `<tenantId>/<brandId>`; registering the same key again replaces the market. */
  key: z.string().min(1).max(200),
  spec: z.object({
    brand: z.object({ name: NameSchema, domain: DomainSchema }),
    competitors: z.array(z.object({ name: NameSchema, domain: DomainSchema })).max(50),
    category: z.string().trim().max(200),
    topics: z.array(z.string().trim().max(200)).max(50),
    locale: z.string().max(35).optional(),
  }),
});

export interface MarketRegistration {
  key: string;
  spec: MarketSpec;
}

export function parseMarketRegistration(body: string): MarketRegistration | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body || '{}');
  } catch {
    return { error: 'market registration must be JSON' };
  }
  const parsed = MarketRegistrationSchema.safeParse(json);
  if (!parsed.success)
    return {
      error: `invalid market registration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    };
  return parsed.data as MarketRegistration;
}
