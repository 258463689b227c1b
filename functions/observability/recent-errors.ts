/** One error-level log entry, as the operations view lists it (no stack: stacks may hold request data). */
export interface RecentError {
  time: string;
  service: string;
  message: string;
  correlationId: string | null;
  errorName: string | null;
  errorMessage: string | null;
}

/** How many error entries a process keeps: enough for "what just went wrong", bounded memory. */
export const RECENT_ERRORS_CAPACITY = 50;

const entries: RecentError[] = [];

/** Remembers an error-level log entry (oldest dropped beyond {@link RECENT_ERRORS_CAPACITY}). */
export function rememberError(entry: RecentError): void {
  entries.push(entry);
  if (entries.length > RECENT_ERRORS_CAPACITY) entries.splice(0, entries.length - RECENT_ERRORS_CAPACITY);
}

/** Newest first. In Lambda this is one container's view; the local stack runs every handler in one process. */
export function recentErrors(): RecentError[] {
  return [...entries].reverse();
}
