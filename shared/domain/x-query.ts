/**
 * X API v2 recent-search query language, as X documents it ("Build a query") and answers a query it refuses: unbalanced
 * parentheses or quotes, unknown operators, operators outside the plan (Pro-only on Basic), negation-only groups,
 * `AND` as a keyword, and the plan's length limit — each with X's own message. The connector form checks queries with
 * it before saving; the local replay refuses the same queries as X does.
 */

/** Operators of recent search; those marked `pro` are refused on the Basic plan ("not available in current product"). */
const OPERATORS: Record<string, { pro?: boolean }> = {
  from: {},
  to: {},
  url: {},
  retweets_of: {},
  context: {},
  entity: {},
  conversation_id: {},
  lang: {},
  is: {},
  has: {},
  list: {},
  place: { pro: true },
  place_country: { pro: true },
  point_radius: { pro: true },
  bounding_box: { pro: true },
  bio: { pro: true },
  sample: { pro: true },
};
const IS_VALUES = new Set(['retweet', 'reply', 'quote', 'verified', 'nullcast']);
const HAS_VALUES = new Set(['hashtags', 'cashtags', 'links', 'mentions', 'media', 'images', 'videos', 'geo']);

export interface XQueryLimits {
  /** Longest query of the plan (Basic 512, Pro 4,096). */
  maxLength: number;
  /** Whether Pro-only operators are available. */
  pro: boolean;
}

export type XQueryTerm =
  | { kind: 'word'; value: string; negated: boolean }
  | { kind: 'phrase'; value: string; negated: boolean }
  | { kind: 'op'; name: string; value: string; negated: boolean };

/** Parsed query: OR of AND-groups (parentheses only group; the replay flattens them after checking they balance). */
export interface XQuery {
  groups: XQueryTerm[][];
}

const position = (i: number) => ` (at position ${i + 1})`;

/** X's error message for a query it would refuse, or the parsed query. */
export function parseXQuery(query: string, limits: XQueryLimits): { error: string } | { query: XQuery } {
  const prefix = 'There were errors processing your request: ';
  if (query.length > limits.maxLength) {
    return { error: `${prefix}Query length (${query.length}) exceeds the limit of ${limits.maxLength}${position(0)}` };
  }
  let depth = 0;
  let inQuote = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && c === '(') depth++;
    else if (!inQuote && c === ')') {
      depth--;
      if (depth < 0) return { error: `${prefix}Unbalanced parentheses${position(i)}` };
    }
  }
  if (inQuote) return { error: `${prefix}Unbalanced quotes${position(query.lastIndexOf('"'))}` };
  if (depth !== 0) return { error: `${prefix}Unbalanced parentheses${position(query.indexOf('('))}` };
  const tokens = [...query.matchAll(/-?"[^"]*"|[()]|[^\s()]+/g)];
  const groups: XQueryTerm[][] = [[]];
  for (const match of tokens) {
    const raw = match[0];
    const at = match.index ?? 0;
    if (raw === '(' || raw === ')') continue;
    if (raw === 'OR') {
      groups.push([]);
      continue;
    }
    if (raw === 'AND' || raw === 'or' || raw === 'and') {
      if (raw !== 'AND') continue;
      return {
        error: `${prefix}Ambiguous use of and as a keyword. Use a space to logically join two clauses, or "and" to find occurrences of and in text${position(at)}`,
      };
    }
    const negated = raw.startsWith('-');
    const body = negated ? raw.slice(1) : raw;
    const current = groups[groups.length - 1] as XQueryTerm[];
    if (body.startsWith('"')) {
      current.push({ kind: 'phrase', value: body.slice(1, -1).toLowerCase(), negated });
      continue;
    }
    const op = body.match(/^([a-z_]+):(.*)$/i);
    if (op && !/^https?$/i.test(op[1] ?? '')) {
      const name = (op[1] ?? '').toLowerCase();
      const value = (op[2] ?? '').toLowerCase();
      const known = OPERATORS[name];
      if (!known || (known.pro && !limits.pro)) {
        return {
          error: `${prefix}Reference to invalid operator '${name}'. Operator is not available in current product or product packaging. Please refer to complete available operator list at https://developer.twitter.com/en/docs/twitter-api/tweets/search/integrate/build-a-query.${position(at)}`,
        };
      }
      if ((name === 'is' && !IS_VALUES.has(value)) || (name === 'has' && !HAS_VALUES.has(value)) || !value) {
        return { error: `${prefix}Reference to invalid field '${value}'${position(at + name.length + 1)}` };
      }
      current.push({ kind: 'op', name, value, negated });
      continue;
    }
    current.push({ kind: 'word', value: body.toLowerCase(), negated });
  }
  for (const group of groups) {
    if (group.length === 0) return { error: `${prefix}Ambiguous use of OR${position(0)}` };
    if (
      group.every((t) => t.negated || (t.kind === 'op' && (t.name === 'is' || t.name === 'has' || t.name === 'lang')))
    ) {
      return {
        error: `${prefix}Rules must contain a non-negation term${position(0)}${group.some((t) => !t.negated) ? ' or a stand-alone operator' : ''}`,
      };
    }
  }
  return { query: { groups } };
}

/** The plan limits X applies to recent-search queries. */
export const X_QUERY_LIMITS = {
  basic: { maxLength: 512, pro: false },
  pro: { maxLength: 4096, pro: true },
} as const satisfies Record<string, XQueryLimits>;

export type XTier = keyof typeof X_QUERY_LIMITS;
const REDDIT_FIELDS = new Set(['author', 'subreddit', 'title', 'selftext', 'flair', 'site', 'self', 'nsfw']);

/** Why X would refuse the query on this plan (X's message, with a hint for Reddit syntax), or null. */
export function checkXQuery(query: string, tier: XTier = 'basic'): string | null {
  const parsed = parseXQuery(query, X_QUERY_LIMITS[tier]);
  if (!('error' in parsed)) return null;
  const message = parsed.error.replace(/^There were errors processing your request: /, '');
  const operator = message.match(/invalid operator '([a-z_]+)'/)?.[1];
  if (operator && REDDIT_FIELDS.has(operator)) {
    return `${message} — ${operator}: is Reddit search syntax${operator === 'author' ? '; on X use from:' : ''}`;
  }
  if (operator && OPERATORS[operator]?.pro) return `${message} — ${operator}: needs X's Pro plan`;
  return message;
}
