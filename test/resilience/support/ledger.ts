import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a resilience test contributes to the report table (bench/resilience-report.ts). */
export interface LedgerEntry {
  /** `load`: requests/messages handled under load; `fault`: a fault scenario survived; `input`: bad inputs tried. */
  kind: 'load' | 'fault' | 'input' | 'auth' | 'isolation';
  name: string;
  /** How many requests, messages, events or inputs the check covered. */
  count: number;
  /** Answers, events, items or messages that went missing or were counted twice (must be 0). */
  lost: number;
  /** Free-form figures (p50/p99, reasons seen). */
  detail?: string;
}

/** The JSON-lines file the report script reads; tests append to it and never read it. */
export const LEDGER_PATH = process.env.RESILIENCE_LEDGER ?? join(tmpdir(), 'promptpulse-resilience-ledger.jsonl');

/** Records one line for the report (written only after the assertions of the test passed). */
export function record(entry: LedgerEntry): void {
  appendFileSync(LEDGER_PATH, `${JSON.stringify({ ...entry, at: new Date().toISOString() })}\n`);
}
