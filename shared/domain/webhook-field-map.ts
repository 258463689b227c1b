import {
  type SkipCounts,
  type SkipReason,
  type WebhookBody,
  type WebhookFieldMap,
  WebhookItemSchema,
} from '../contracts/connectors.ts';

/**
 * Applies an admin-defined field map to a listening tool's own JSON: finds the list of items, reads each field by its
 * path, converts what tools commonly send (numeric ids, Unix dates, numeric strings for counts, `kind` words) and
 * checks every item against the webhook item schema. An item the map cannot read is skipped with a reason
 * (`missing_id`, `missing_date`, `invalid_date`, `empty_text`, `malformed`) and a problem saying which field — the
 * other items are kept. At most `max` items are read (the rest are counted `malformed`, as a body over the limit).
 */
export function applyWebhookFieldMap(
  body: unknown,
  map: WebhookFieldMap,
  max = 100,
): {
  items: WebhookBody['items'];
  total: number;
  skipped: SkipCounts;
  problems: { index: number; field: string; message: string }[];
} {
  const found = map.items ? valueAt(body, map.items) : body;
  const list = Array.isArray(found) ? found : found !== undefined && found !== null ? [found] : [];
  const items: WebhookBody['items'] = [];
  const skipped: SkipCounts = {};
  const problems: { index: number; field: string; message: string }[] = [];
  const skip = (index: number, reason: SkipReason, field: string, message: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
    problems.push({ index, field, message });
  };
  if (list.length === 0) {
    problems.push({ index: -1, field: 'items', message: `No items at "${map.items || '(the body)'}"` });
  }
  list.forEach((raw, index) => {
    if (index >= max) {
      skip(index, 'malformed', 'items', `Over the limit of ${max} items a request`);
      return;
    }
    const item = readItem(raw, map.fields);
    if ('reason' in item) skip(index, item.reason, item.field, item.message);
    else items.push(item);
  });
  return { items, total: list.length, skipped, problems };
}

type Problem = { reason: SkipReason; field: string; message: string };
const problem = (reason: SkipReason, field: string, message: string): Problem => ({ reason, field, message });

/** One item through the map: the item, or why it cannot be read. */
function readItem(raw: unknown, f: WebhookFieldMap['fields']): WebhookBody['items'][number] | Problem {
  const read = (path: string | undefined) => (path ? valueAt(raw, path) : undefined);
  const id = read(f.id);
  if (typeof id !== 'string' && typeof id !== 'number') return problem('missing_id', 'id', `No id at "${f.id}"`);
  const date = read(f.publishedAt);
  if (date === undefined || date === null || date === '') {
    return problem('missing_date', 'publishedAt', `No date at "${f.publishedAt}"`);
  }
  const publishedAt = toIsoDate(date);
  if (!publishedAt) return problem('invalid_date', 'publishedAt', `"${String(date)}" is not a date`);
  const text = read(f.text);
  const title = read(f.title);
  if ((typeof text !== 'string' || !text.trim()) && (typeof title !== 'string' || !title.trim())) {
    return problem('empty_text', 'text', `No text at "${f.text}"`);
  }
  const candidate = {
    id: String(id),
    kind: kindOf(read(f.kind)),
    parentId: stringOrNull(read(f.parentId)),
    url: stringOrNull(read(f.url)),
    channel: stringOrNull(read(f.channel)),
    author: stringOrNull(read(f.author)),
    title: stringOrNull(title),
    text: typeof text === 'string' ? text : '',
    language: typeof read(f.language) === 'string' ? String(read(f.language)).toLowerCase() : null,
    publishedAt,
    reach: { followers: countOf(read(f.followers)), impressions: null },
    engagement: {
      score: null,
      likes: countOf(read(f.likes)),
      comments: countOf(read(f.comments)),
      shares: countOf(read(f.shares)),
    },
  };
  const parsed = WebhookItemSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return problem('malformed', issue?.path.join('.') || 'item', issue?.message ?? 'Not a valid item');
  }
  return parsed.data;
}

/** The value at a dot path (`a.b.0.c`); undefined when any step is missing. */
export function valueAt(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(key)) return undefined;
      current = current[Number(key)];
    } else {
      if (!Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
  }
  return current;
}

/** ISO 8601 with a zone (kept as written, normalised), or Unix seconds / milliseconds (numbers or digit strings). */
function toIsoDate(value: unknown): string | null {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{9,13}$/.test(value.trim()))) {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) return null;
    const ms = n < 1e11 ? n * 1000 : n;
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? null : date.toISOString();
  }
  if (typeof value !== 'string') return null;
  // A zone is required: a date without one would be read in the server's zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) return null;
  const ms = Date.parse(value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function kindOf(value: unknown): 'post' | 'comment' | 'article' {
  const word = typeof value === 'string' ? value.toLowerCase() : '';
  if (/comment|reply|answer/.test(word)) return 'comment';
  if (/article|news|blog|story/.test(word)) return 'article';
  return 'post';
}

function stringOrNull(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() ? value : null;
}

function countOf(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}
