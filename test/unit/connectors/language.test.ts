import { describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '../../../functions/adapters/connectors/index.ts';
import { withLanguages } from '../../../functions/adapters/connectors/language.ts';
import type { ConnectorHttp, NormalizedItem } from '../../../shared/ports/signal-connector.ts';
import { loadLanguageDetector } from '../../../shared/signals/language.ts';

const item = (text: string, language: string | null = null): NormalizedItem => ({
  source: 'reddit',
  externalId: `t3_${text.length}`,
  kind: 'post',
  parentExternalId: null,
  url: null,
  channel: null,
  author: null,
  title: null,
  text,
  language,
  publishedAt: '2026-01-01T00:00:00.000Z',
  reach: { followers: null, impressions: null },
  engagement: { score: null, likes: null, comments: null, shares: null },
});

describe('language of posts that carry none', () => {
  it('is detected from the text, and says so; a source tag is kept as the source', async () => {
    const items = await withLanguages([
      item('Die Lieferung kam pünktlich und der Support war großartig.'),
      item('O atendimento da Nestlé foi ótimo, recomendo a todos.'),
      item('Le service client a répondu en cinq minutes, je suis impressionné.'),
      item('サポートの対応がとても早くて助かりました。'),
      item('Whatever the docs say, it works.', 'en'),
      item('ok 👍'),
    ]);
    expect(items.map((i) => [i.language, i.languageSource])).toEqual([
      ['de', 'detected'],
      ['pt', 'detected'],
      ['fr', 'detected'],
      ['ja', 'detected'],
      ['en', 'source'],
      [null, null],
    ]);
  });

  it('never throws on odd input', async () => {
    const detect = await loadLanguageDetector();
    for (const text of ['', '   ', '🙂🙂🙂', '1234 5678', '\u0000\uFFFD', 'a'.repeat(100_000), '\uD800']) {
      expect(() => detect(text)).not.toThrow();
    }
  });

  it("treats X's und/qme/zxx as no language and detects one", async () => {
    const tweet = (id: string, lang: string, text: string) => ({
      id,
      text,
      lang,
      created_at: new Date(Date.now() - 3600_000).toISOString(), // inside the first poll's backfill window
      author_id: '42',
      public_metrics: { like_count: 0, retweet_count: 0, reply_count: 0, quote_count: 0, impression_count: 1 },
    });
    const http: ConnectorHttp = {
      request: async () => ({
        status: 200,
        headers: {},
        body: JSON.stringify({
          data: [
            tweet('1', 'und', 'Que produto incrível, a equipe de suporte resolveu tudo rapidamente.'),
            tweet('2', 'qme', 'https://t.co/x'),
            tweet('3', 'de', 'Gut.'),
          ],
          includes: { users: [{ id: '42', username: 'someone', public_metrics: { followers_count: 3 } }] },
          meta: { result_count: 3 },
        }),
      }),
    };
    const x = createConnectorRegistry({
      http,
      credentials: async () => ({ reddit: null, x: { bearerToken: 't' }, meta: null }),
      endpoints: { redditAuth: '', redditApi: '', redditWeb: '', xApi: 'https://api.x.test', metaGraph: '' },
    })('x');
    const page = await x.poll({ config: { source: 'x', query: 'acme' } as never, cursor: null });
    expect(page.items.map((i) => [i.externalId, i.language, i.languageSource])).toEqual([
      ['1', 'pt', 'detected'],
      ['2', null, null],
      ['3', 'de', 'source'],
    ]);
  });
});
