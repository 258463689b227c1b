import { describe, expect, it } from 'vitest';
import { ConnectorInputSchema, ConnectorUpdateSchema } from '../../../shared/contracts/connectors.ts';
import { checkRedditQuery } from '../../../shared/domain/reddit-query.ts';
import { checkXQuery } from '../../../shared/domain/x-query.ts';

/**
 * Each platform's query syntax checked on its own: X's recent-search rules per plan (messages as X words them), and
 * Reddit's search syntax, which Reddit never refuses (a wrong query just finds the wrong posts) — so the form must.
 */
describe('X query syntax', () => {
  it.each([
    '"Acme Analytics" -is:retweet lang:en',
    '(acme OR "acme analytics") -is:reply has:links',
    'from:acmeanalytics OR @acmeanalytics',
    'acme url:"https://acme.example/pricing"',
  ])('accepts %s', (query) => {
    expect(checkXQuery(query)).toBeNull();
  });

  it.each([
    ['("Acme Analytics"', /Unbalanced parentheses/],
    ['"Acme Analytics', /Unbalanced quotes/],
    ['-is:retweet', /non-negation term/],
    ['-acme -analytics', /non-negation term/],
    ['acme AND analytics', /Ambiguous use of and/],
    ['acme is:pinned', /invalid field 'pinned'/],
    ['acme nonsense:1', /invalid operator 'nonsense'/],
    ['acme OR', /Ambiguous use of OR/],
  ])('refuses %s as X does', (query, message) => {
    expect(checkXQuery(query)).toMatch(message);
  });

  it('refuses Pro operators and long queries on Basic, accepts them on Pro', () => {
    expect(checkXQuery('acme place_country:US')).toMatch(/invalid operator 'place_country'.*needs X's Pro plan/);
    expect(checkXQuery('acme place_country:US', 'pro')).toBeNull();
    const long = `acme ${'analytics '.repeat(60)}`.trim();
    expect(checkXQuery(long)).toMatch(/exceeds the limit of 512/);
    expect(checkXQuery(long, 'pro')).toBeNull();
  });

  it('names Reddit syntax as such', () => {
    expect(checkXQuery('acme subreddit:analytics')).toMatch(/subreddit: is Reddit search syntax/);
    expect(checkXQuery('acme author:someone')).toMatch(/on X use from:/);
  });
});

describe('Reddit query syntax', () => {
  it.each([
    '"Acme Analytics"',
    '"Acme Analytics" AND (title:pricing OR flair:Question) NOT subreddit:memes',
    'acme self:yes nsfw:no',
    'site:acme.example OR url:acme.example/blog',
    'acme https://acme.example',
  ])('accepts %s', (query) => {
    expect(checkRedditQuery(query)).toBeNull();
  });

  it.each([
    ['"Acme Analytics" -is:retweet', /is: is X search syntax/],
    ['acme lang:en', /lang: is X search syntax.*detects it/],
    ['from:acme', /use author: on Reddit/],
    ['acme flavour:vanilla', /Reddit search has no flavour: field/],
    ['(acme OR analytics', /parenthesis is not closed/],
    ['acme)', /closing parenthesis/],
    ['"acme', /quote is not closed/],
    ['OR acme', /OR needs a term on each side/],
    ['acme AND', /ends with AND, OR or NOT/],
    ['acme nsfw:maybe', /nsfw: takes yes or no/],
    ['title:', /title: needs a value/],
    ['()', /no search term/],
  ])('refuses %s', (query, message) => {
    expect(checkRedditQuery(query)).toMatch(message);
  });
});

describe('connector input', () => {
  const base = { brandId: 'brd_01jz0000000000000000000000', name: 'Listening' };
  const issues = (config: Record<string, unknown>, edit = false) => {
    const parsed = edit
      ? ConnectorUpdateSchema.safeParse({ name: base.name, config })
      : ConnectorInputSchema.safeParse({ ...base, config });
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('checks each platform’s query in its own syntax, on create and on edit', () => {
    expect(issues({ source: 'x', query: '"Acme Analytics" -is:retweet' })).toEqual([]);
    expect(issues({ source: 'reddit', mode: 'search', query: '"Acme Analytics" NOT subreddit:memes' })).toEqual([]);
    // The same query is right for one platform and wrong for the other.
    expect(issues({ source: 'x', query: 'acme subreddit:analytics' })[0]).toMatch(/^config\.query: .*Reddit search/);
    expect(issues({ source: 'reddit', mode: 'search', query: 'acme -is:retweet' })[0]).toMatch(
      /^config\.query: is: is X search syntax/,
    );
    expect(issues({ source: 'x', query: 'acme place_country:US' }, true)[0]).toMatch(/Pro plan/);
    expect(issues({ source: 'x', query: 'acme place_country:US', tier: 'pro' }, true)).toEqual([]);
  });
});
