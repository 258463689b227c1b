/**
 * The one CSV writer of the product (every server export and every download the web app builds): RFC 4180 fields,
 * CRLF line ends, and OWASP's rule against CSV (formula) injection — a text cell starting with `=`, `+`, `-`, `@`,
 * tab or carriage return gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
 * Numbers and booleans are written as they are (a negative number is data, not a formula).
 */

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell a spreadsheet would evaluate. */
export function isFormulaLike(text: string): boolean {
  return FORMULA_START.test(text);
}

/** One field: formula-like text defused, then quoted when it holds a comma, quote, CR or LF (quotes doubled). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const raw = String(value);
  const text = isFormulaLike(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row, then one line per row; every line ends with CRLF. */
export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  const lines = [csvLine(header)];
  for (const row of rows) lines.push(csvLine(row));
  return `${lines.join('\r\n')}\r\n`;
}

/** One line without its line end (for writers that stream). */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvField).join(',');
}

/**
 * Undoes the apostrophe {@link csvField} put before a formula-like cell, so an exported file imports back to the
 * same text. Only an apostrophe followed by a formula character is removed.
 */
export function undefuseCsvCell(text: string): string {
  return text.startsWith("'") && isFormulaLike(text.slice(1)) ? text.slice(1) : text;
}
