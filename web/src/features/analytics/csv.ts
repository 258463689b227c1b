/** CSV (RFC 4180) built in the browser from what the page shows. */

export type CsvCell = string | number | boolean | null | undefined;

/**
 * One field: quoted when it holds a comma, quote, CR or LF (quotes doubled). Text that a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, CR at the start) gets a leading apostrophe; numbers are written as numbers.
 */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Header row first, CRLF line ends, no trailing newline issues for spreadsheet imports. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Starts a download of `text` as a UTF-8 CSV file (with a BOM so spreadsheets read non-ASCII names correctly). */
export function downloadCsv(filename: string, text: string): void {
  const blob = new Blob([`\uFEFF${text}`], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start the download before the URL goes away.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
