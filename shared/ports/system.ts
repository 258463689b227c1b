/** Time, injected so use cases are deterministic under test. */
export interface Clock {
  now(): Date;
}

/** Unique, time-sortable ids (ULIDs in production). */
export interface IdGenerator {
  next(): string;
}
