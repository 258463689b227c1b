import type { XQuery, XQueryTerm } from '#shared/domain/x-query.ts';

export { parseXQuery } from '#shared/domain/x-query.ts';

/**
 * X recent-search matching as the replay server does it: the query is parsed (and refused with X's messages) by the
 * same rules the connector form checks (shared/domain/x-query.ts); matching honours the operators instead of stripping
 * them — a query that X would refuse or read differently fails or differs here too.
 */

export interface XSearchable {
  text: string;
  lang: string | null;
  username: string;
  isRetweet: boolean;
  isReply: boolean;
  isQuote: boolean;
}

/** Whether a post matches the parsed query (words match whole tokens, case-insensitively, as X does). */
export function matchesXQuery(query: XQuery, post: XSearchable): boolean {
  const text = post.text.toLowerCase();
  const words = new Set(text.split(/[^\p{L}\p{N}_#@$]+/u).filter(Boolean));
  const test = (term: XQueryTerm): boolean => {
    if (term.kind === 'word') return words.has(term.value) || words.has(term.value.replace(/^[#@$]/, ''));
    if (term.kind === 'phrase') return text.includes(term.value);
    switch (term.name) {
      case 'lang':
        return post.lang === term.value;
      case 'from':
        return post.username.toLowerCase() === term.value.replace(/^@/, '');
      case 'is':
        return term.value === 'retweet'
          ? post.isRetweet
          : term.value === 'reply'
            ? post.isReply
            : term.value === 'quote'
              ? post.isQuote
              : false;
      case 'has':
        return term.value === 'links' ? /https?:\/\//.test(text) : false;
      default:
        return false;
    }
  };
  return query.groups.some((group) => group.every((term) => test(term) !== term.negated));
}
