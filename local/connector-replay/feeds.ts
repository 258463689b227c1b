import iconv from 'iconv-lite';
import type { NewsArticle } from './corpus.ts';

/**
 * The replay server's feeds in their wire formats: TechWire (RSS 2.0, UTF-8), Data Daily (Atom 1.0, UTF-8), and
 * Mercado (TechWire's articles as a Brazilian site publishes them: RSS 2.0 in windows-1252 bytes under an
 * `iso-8859-1` label — what such servers really send — with Portuguese RFC 822 dates and accented Portuguese
 * captions). `broken.xml` is an HTML page (served by the server itself).
 */
export const FEED_NAMES = ['techwire.xml', 'datadaily.atom', 'mercado.xml', 'broken.xml'] as const;
export type FeedName = (typeof FEED_NAMES)[number];

export function renderFeed(
  name: Exclude<FeedName, 'broken.xml'>,
  items: NewsArticle[],
  self: string,
  next: string | null,
): { contentType: string; body: Buffer } {
  if (name === 'datadaily.atom') {
    return { contentType: 'application/atom+xml; charset=utf-8', body: Buffer.from(atom(items, self, next)) };
  }
  if (name === 'mercado.xml') {
    return {
      contentType: 'application/rss+xml; charset=ISO-8859-1',
      body: iconv.encode(mercado(items, self, next), 'windows-1252'),
    };
  }
  return { contentType: 'application/rss+xml; charset=utf-8', body: Buffer.from(rss(items, self, next)) };
}

const PT_WEEKDAYS = ['Dom', 'Seg', 'Ter', 'Qua', 'Qui', 'Sex', 'Sáb'];
const PT_MONTHS = ['Jan', 'Fev', 'Mar', 'Abr', 'Mai', 'Jun', 'Jul', 'Ago', 'Set', 'Out', 'Nov', 'Dez'];

/** "Seg, 24 Set 2018 10:00:00 -0300": Brasília time, Portuguese names, as Brazilian CMSs write pubDate. */
export function portugueseRfc822(ms: number): string {
  const local = new Date(ms - 3 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${PT_WEEKDAYS[local.getUTCDay()]}, ${pad(local.getUTCDate())} ${PT_MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} -0300`;
}

/** The caption Mercado adds to every article (accents that windows-1252 holds and UTF-8 readers garble). */
export const MERCADO_CAPTION = 'Análise e opinião: leia a cobertura completa na seção de tecnologia.';

function mercado(items: NewsArticle[], self: string, next: string | null): string {
  const body = items
    .map(
      (a) => `    <item>
      <title>${xmlEscape(a.title)}</title>
${a.link ? `      <link>${xmlEscape(a.link.replace('/techwire/', '/mercado/'))}</link>\n` : ''}${a.guid ? `      <guid isPermaLink="false">mercado-${xmlEscape(a.guid)}</guid>\n` : ''}      <dc:creator>${xmlEscape(a.author)}</dc:creator>
${a.pubDate ? `      <pubDate>${Number.isFinite(Date.parse(a.pubDate)) ? portugueseRfc822(a.createdMs) : xmlEscape(a.pubDate)}</pubDate>\n` : ''}      <description><![CDATA[${a.html}<p>${MERCADO_CAPTION}</p>]]></description>
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Mercado &amp; Tecnologia — Notícias</title>
    <link>https://mercado.example.com.br/</link>
    <description>Notícias de análise de dados</description>
    <language>pt-BR</language>
    <atom:link href="${xmlEscape(self)}" rel="self" type="application/rss+xml"/>
${next ? `    <atom:link href="${xmlEscape(next)}" rel="next" type="application/rss+xml"/>\n` : ''}${body}
  </channel>
</rss>
`;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function rss(items: NewsArticle[], self: string, next: string | null): string {
  const body = items
    .map(
      (a) => `    <item>
      <title>${xmlEscape(a.title)}</title>
${a.link ? `      <link>${xmlEscape(a.link)}</link>\n` : ''}${a.guid ? `      <guid isPermaLink="false">${xmlEscape(a.guid)}</guid>\n` : ''}      <dc:creator>${xmlEscape(a.author)}</dc:creator>
${a.pubDate ? `      <pubDate>${xmlEscape(a.pubDate)}</pubDate>\n` : ''}      <description>${xmlEscape(a.html)}</description>
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>TechWire &amp;amp; Analytics</title>
    <link>https://news.example.com/techwire</link>
    <description>Product analytics news</description>
    <language>en-us</language>
    <atom:link href="${xmlEscape(self)}" rel="self" type="application/rss+xml"/>
${next ? `    <atom:link href="${xmlEscape(next)}" rel="next" type="application/rss+xml"/>\n` : ''}${body}
  </channel>
</rss>
`;
}

function atom(items: NewsArticle[], self: string, next: string | null): string {
  const updated = new Date(items[0]?.createdMs ?? 0).toISOString();
  const body = items
    .map(
      (a) => `  <entry>
    <title type="html">${xmlEscape(a.title)}</title>
${a.link ? `    <link rel="alternate" href="${xmlEscape(a.link)}"/>\n` : ''}${a.guid ? `    <id>urn:datadaily:${xmlEscape(a.guid)}</id>\n` : ''}${a.pubDate ? `    <published>${Number.isFinite(Date.parse(a.pubDate)) ? new Date(a.pubDate).toISOString() : xmlEscape(a.pubDate)}</published>\n` : ''}    <author><name>${xmlEscape(a.author)}</name></author>
    <content type="html">${xmlEscape(a.html)}</content>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Data Daily</title>
  <id>urn:datadaily:feed</id>
  <updated>${updated}</updated>
  <link rel="self" href="${xmlEscape(self)}"/>
${next ? `  <link rel="next" href="${xmlEscape(next)}"/>\n` : ''}${body}
</feed>
`;
}
