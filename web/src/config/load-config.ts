import * as z from 'zod';
import { type ClientConfig, ClientConfigSchema } from '../../../shared/contracts/index.ts';

export type ConfigResult = { ok: true; config: ClientConfig } | { ok: false; message: string; details?: string };

/**
 * Loads and validates `/config.json`. The same build is deployed everywhere; this file is what tells it
 * where the API and the identity provider are, so a bad one stops the app with an explanation.
 */
export async function loadClientConfig(url = '/config.json'): Promise<ConfigResult> {
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
  } catch (error) {
    return { ok: false, message: `Could not download ${url}.`, details: String(error) };
  }
  if (!response.ok) {
    return { ok: false, message: `${url} answered ${response.status} ${response.statusText}.`.trim() };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { ok: false, message: `${url} is not valid JSON.` };
  }
  const parsed = ClientConfigSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, message: `${url} does not have the expected shape.`, details: z.prettifyError(parsed.error) };
  }
  return { ok: true, config: parsed.data };
}
