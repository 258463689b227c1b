import { parse } from 'csv-parse/sync';
import type { Brand } from '#shared/contracts/brands.ts';
import { PROMPT_CSV_COLUMNS, promptInputSchema, type TrackedPrompt } from '#shared/contracts/prompt-sets.ts';
import { toCsv, undefuseCsvCell } from '#shared/domain/csv.ts';
import { ValidationError } from '#shared/domain/errors.ts';

type PromptInputParsed = ReturnType<typeof promptInputSchema.parse>;

export interface CsvRowError {
  /** 1-based line in the file (the header is line 1). */
  row: number;
  column: string;
  message: string;
}

/**
 * The prompt set as CSV (`text,topic,intent,locale,persona`), topics by name, through the shared writer: prompt text,
 * topic and persona are written by analysts and may start with `=`, `+`, `-` or `@`, so such cells are defused.
 */
export function promptsToCsv(prompts: TrackedPrompt[], brand: Pick<Brand, 'topics'>): string {
  const topicName = new Map(brand.topics.map((t) => [t.id, t.name]));
  return toCsv(
    PROMPT_CSV_COLUMNS,
    prompts.map((p) => [
      p.text,
      p.topicId ? (topicName.get(p.topicId) ?? '') : '',
      p.intent,
      p.locale,
      p.persona ?? '',
    ]),
  );
}

/**
 * Parses an uploaded prompt CSV. Every row is checked; any bad row refuses the whole file (nothing partial is
 * stored) with the line, column and reason of each problem.
 * @throws ValidationError `invalid_csv`
 */
export function promptsFromCsv(csv: string, brand: Pick<Brand, 'topics'>, maxRows: number): PromptInputParsed[] {
  let records: string[][];
  try {
    records = parse(csv, { skip_empty_lines: true, relax_column_count: true, trim: true, bom: true });
  } catch (error) {
    throw new ValidationError('The file is not valid CSV', {
      code: 'invalid_csv',
      details: [{ row: (error as { lines?: number }).lines ?? 0, column: '', message: (error as Error).message }],
    });
  }
  const [headerRow, ...rows] = records;
  const header = (headerRow ?? []).map((h) => h.trim().toLowerCase());
  const missing = header.includes('text') ? [] : ['text'];
  const unknown = header.filter((h) => !(PROMPT_CSV_COLUMNS as readonly string[]).includes(h));
  if (missing.length > 0 || unknown.length > 0) {
    throw new ValidationError('The CSV header is not right', {
      code: 'invalid_csv',
      details: [
        ...missing.map((c) => ({ row: 1, column: c, message: 'required column is missing' })),
        ...unknown.map((c) => ({
          row: 1,
          column: c,
          message: `unknown column (expected ${PROMPT_CSV_COLUMNS.join(', ')})`,
        })),
      ],
    });
  }
  if (rows.length === 0) {
    throw new ValidationError('The CSV has no prompts', {
      code: 'invalid_csv',
      details: [{ row: 2, column: 'text', message: 'a prompt set needs at least one prompt' }],
    });
  }
  if (rows.length > maxRows) {
    throw new ValidationError(`The CSV has ${rows.length} prompts; your plan allows ${maxRows}`, {
      code: 'invalid_csv',
      details: [{ row: maxRows + 2, column: '', message: `more than ${maxRows} prompts` }],
    });
  }
  const topicByName = new Map(brand.topics.map((t) => [t.name.toLocaleLowerCase(), t.id]));
  const errors: CsvRowError[] = [];
  const prompts: PromptInputParsed[] = [];
  rows.forEach((cells, index) => {
    const line = index + 2;
    const cell = (column: string) => {
      const i = header.indexOf(column);
      // An exported file imports back to the same text: the writer's defusing apostrophe is taken off.
      return i >= 0 ? undefuseCsvCell((cells[i] ?? '').trim()) : '';
    };
    if (cells.length > header.length) {
      errors.push({ row: line, column: '', message: `${cells.length} cells, expected at most ${header.length}` });
      return;
    }
    const topic = cell('topic');
    const topicId = topic ? topicByName.get(topic.toLocaleLowerCase()) : null;
    if (topic && !topicId) errors.push({ row: line, column: 'topic', message: `unknown topic “${topic}”` });
    const parsed = promptInputSchema.safeParse({
      text: cell('text'),
      topicId: topicId ?? null,
      ...(cell('intent') ? { intent: cell('intent').toLowerCase() } : {}),
      ...(cell('locale') ? { locale: cell('locale') } : {}),
      persona: cell('persona') || null,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ row: line, column: String(issue.path[0] ?? ''), message: issue.message });
      }
    } else if (!topic || topicId) prompts.push(parsed.data);
  });
  if (errors.length > 0) {
    throw new ValidationError(
      `${new Set(errors.map((e) => e.row)).size} row(s) of the CSV are invalid; nothing was imported`,
      {
        code: 'invalid_csv',
        details: errors.slice(0, 200),
      },
    );
  }
  return prompts;
}
