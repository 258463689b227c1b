import { createHmac } from 'node:crypto';

/**
 * Graph API versions: the default is the newest one Meta lists; each version's end of life is from Meta's changelog
 * ("Available until"), so an operator is warned before a configured version stops answering. Versions Meta has not
 * dated yet are absent (no end of life known).
 */
export const DEFAULT_GRAPH_VERSION = 'v26.0';

export const GRAPH_VERSION_END_OF_LIFE: Record<string, string> = {
  'v19.0': '2026-05-21',
  'v20.0': '2026-09-24',
  'v21.0': '2027-01-21',
  'v22.0': '2027-05-20',
  'v23.0': '2027-10-08',
  'v24.0': '2028-02-18',
  'v25.0': '2028-07-29',
};

/** How long before an end of life the warning starts. */
export const GRAPH_VERSION_WARNING_DAYS = 90;

/**
 * Checks a configured Graph version: refused when malformed or past its end of life, with a warning when the end of
 * life is near (logged at cold start, so the operator sees it before Meta stops answering).
 */
export function checkGraphVersion(
  version: string,
  now: Date = new Date(),
): { ok: true; warning: string | null } | { ok: false; error: string } {
  if (!/^v\d{1,2}\.0$/.test(version))
    return { ok: false, error: `META_GRAPH_VERSION ${version} is not a version like v26.0` };
  const endOfLife = GRAPH_VERSION_END_OF_LIFE[version];
  if (!endOfLife) return { ok: true, warning: null };
  const days = Math.floor((Date.parse(`${endOfLife}T00:00:00Z`) - now.getTime()) / 86_400_000);
  if (days < 0) {
    return {
      ok: false,
      error: `Graph API ${version} reached its end of life on ${endOfLife}; use ${DEFAULT_GRAPH_VERSION}`,
    };
  }
  return {
    ok: true,
    warning:
      days <= GRAPH_VERSION_WARNING_DAYS
        ? `Graph API ${version} reaches its end of life on ${endOfLife} (in ${days} days); move META_GRAPH_VERSION to ${DEFAULT_GRAPH_VERSION}`
        : null,
  };
}

/** `appsecret_proof`: HMAC-SHA256 of the access token keyed with the app secret, hex (Meta's "Securing requests"). */
export function appSecretProof(appSecret: string, accessToken: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}
