/** CSV (RFC 4180) built in the browser from what the page shows. */

export { type CsvCell, csvField, toCsv } from '../../../../shared/domain/csv.ts';

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
