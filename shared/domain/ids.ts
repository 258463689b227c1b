/** Server-minted id kinds. Every id is `<prefix>_<lower-case ULID>`. */
export const ID_PREFIX = {
  brand: 'brd',
  competitor: 'cmp',
  topic: 'top',
  prompt: 'prm',
  audit: 'aud',
} as const;

export function prefixedId(prefix: string, ulid: string): string {
  return `${prefix}_${ulid.toLowerCase()}`;
}
