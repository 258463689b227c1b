import type { DeadLetter } from '#shared/contracts/ops.ts';

/** How many dead letters the local operations view keeps (newest); the AWS equivalents are SQS queues. */
export const DEAD_LETTERS_CAPACITY = 200;

const letters: DeadLetter[] = [];

/**
 * Records something given up on after its retries, where the local stack has no queue to put it in: the
 * aggregation poller's discarded records (the on-failure queue in AWS). In AWS the queues themselves are the record
 * (alarmed on depth by the Operations construct).
 */
export function recordDeadLetter(letter: Omit<DeadLetter, 'at'> & { at?: string }): void {
  letters.push({ ...letter, at: letter.at ?? new Date().toISOString() });
  if (letters.length > DEAD_LETTERS_CAPACITY) letters.splice(0, letters.length - DEAD_LETTERS_CAPACITY);
}

/** Newest first. */
export function deadLetters(): DeadLetter[] {
  return [...letters].reverse();
}
