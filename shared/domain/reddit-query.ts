/**
 * Reddit search syntax as Reddit documents it (the "search" wiki page): words and "quoted phrases", the boolean
 * keywords AND, OR and NOT in capitals, parentheses, and the fields author:, flair: (flair_name:, flair_text:),
 * nsfw:yes|no, self:yes|no, selftext:, site:, subreddit:, title: and url:. Reddit answers a query it cannot read with
 * an empty or unrelated listing rather than an error, so a wrong query fails silently there: this check is what
 * tells the user. X operators (is:, lang:, from:…) are the usual mistake and are named as such.
 */

const FIELDS = new Set([
  'author',
  'flair',
  'flair_name',
  'flair_text',
  'nsfw',
  'self',
  'selftext',
  'site',
  'subreddit',
  'title',
  'url',
]);
const YES_NO = new Set(['yes', 'no', 'true', 'false', '1', '0']);
/** X recent-search operators, with the Reddit way to say the same thing where there is one. */
const X_OPERATORS: Record<string, string> = {
  from: 'use author: on Reddit',
  to: 'Reddit has no equivalent',
  is: 'Reddit has no equivalent; leave it out',
  has: 'Reddit has no equivalent; leave it out',
  lang: 'Reddit does not filter by language; the analysis detects it',
  retweets_of: 'Reddit has no equivalent',
  conversation_id: 'Reddit has no equivalent',
  context: 'Reddit has no equivalent',
  entity: 'Reddit has no equivalent',
  list: 'Reddit has no equivalent',
  place: 'Reddit has no equivalent',
  place_country: 'Reddit has no equivalent',
  point_radius: 'Reddit has no equivalent',
  bounding_box: 'Reddit has no equivalent',
  bio: 'Reddit has no equivalent',
  sample: 'Reddit has no equivalent',
};
export const REDDIT_QUERY_MAX_LENGTH = 512;

/** Why Reddit would not read the query as meant, or null when it is well formed. */
export function checkRedditQuery(query: string): string | null {
  if (query.length > REDDIT_QUERY_MAX_LENGTH) {
    return `Reddit search queries are at most ${REDDIT_QUERY_MAX_LENGTH} characters (this one has ${query.length})`;
  }
  let depth = 0;
  let inQuote = false;
  for (const c of query) {
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && c === '(') depth++;
    else if (!inQuote && c === ')' && --depth < 0) return 'A closing parenthesis has no opening one';
  }
  if (inQuote) return 'A quote is not closed';
  if (depth !== 0) return 'A parenthesis is not closed';
  const tokens = [...query.matchAll(/-?"[^"]*"|[()]|[^\s()]+/g)].map((m) => m[0]);
  let previous: 'start' | 'keyword' | 'term' = 'start';
  let terms = 0;
  for (const token of tokens) {
    if (token === '(' || token === ')') {
      previous = token === '(' ? 'start' : 'term';
      continue;
    }
    if (token === 'AND' || token === 'OR' || token === 'NOT') {
      if (token !== 'NOT' && previous !== 'term') return `${token} needs a term on each side`;
      previous = 'keyword';
      continue;
    }
    const field = token.match(/^-?([A-Za-z_]+):(.*)$/);
    if (field && !/^https?$/i.test(field[1] ?? '')) {
      const name = (field[1] ?? '').toLowerCase();
      const value = field[2] ?? '';
      if (!FIELDS.has(name)) {
        const hint = X_OPERATORS[name];
        return hint !== undefined
          ? `${name}: is X search syntax, not Reddit's (${hint})`
          : `Reddit search has no ${name}: field (fields: ${[...FIELDS].join(':, ')}:)`;
      }
      if (!value) return `${name}: needs a value`;
      if ((name === 'nsfw' || name === 'self') && !YES_NO.has(value.toLowerCase())) {
        return `${name}: takes yes or no`;
      }
    }
    terms++;
    previous = 'term';
  }
  if (previous === 'keyword') return 'The query ends with AND, OR or NOT';
  if (terms === 0) return 'The query has no search term';
  return null;
}
