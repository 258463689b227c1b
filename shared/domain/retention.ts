/**
 * How long a workspace keeps its raw answers (S3) and its posts (signal feed items and top posts, DynamoDB): one of
 * {@link RETENTION_DAYS} days after an item is stored, or `keep`. Enforced where the item is stored — an S3 object tag
 * matched by one lifecycle rule per choice on the lake bucket, and the table's TTL attribute — so a change applies to
 * items stored from then on (docs/security.md, *Retention*).
 */
export const RETENTION_DAYS = [30, 90, 180, 365, 730] as const;
export type RetentionDays = (typeof RETENTION_DAYS)[number];
export type RetentionChoice = RetentionDays | 'keep';

export interface RetentionPolicy {
  rawAnswers: RetentionChoice;
  posts: RetentionChoice;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawAnswers: 'keep', posts: 'keep' };

/** The S3 object tag a raw answer is stored with; the lake's lifecycle rules filter on it. */
export const RETENTION_TAG_KEY = 'promptpulse-retention';

/** The tag value of a choice: `30d` … `730d`, or `keep` (no rule matches it). */
export function retentionTagValue(choice: RetentionChoice): string {
  return choice === 'keep' ? 'keep' : `${choice}d`;
}

/** The TTL (epoch seconds) of an item stored at `storedAt` under `choice`, or undefined to keep it. */
export function retentionExpiresAt(choice: RetentionChoice, storedAt: Date): number | undefined {
  if (choice === 'keep') return undefined;
  return Math.floor(storedAt.getTime() / 1000) + choice * 86_400;
}
