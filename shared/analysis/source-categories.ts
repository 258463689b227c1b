/**
 * Source categories of well-known third-party sites (review, forum, news, encyclopedia, video, social), by
 * registrable domain or full host where the domain is too broad. A short curated list: everything else is `other`.
 */

import type { SourceCategory } from './types.ts';

/** Well-known third-party sources by registrable domain (or full host where the domain is too broad). */
const CATEGORY_LIST: Record<Exclude<SourceCategory, 'other'>, string[]> = {
  review: [
    'g2.com',
    'capterra.com',
    'trustpilot.com',
    'trustradius.com',
    'getapp.com',
    'softwareadvice.com',
    'gartner.com',
    'yelp.com',
    'tripadvisor.com',
    'consumerreports.org',
    'rtings.com',
    'wirecutter.com',
    'pcmag.com',
    'techradar.com',
    'tomsguide.com',
    'runrepeat.com',
    'productreview.com.au',
    'sitejabber.com',
    'clutch.co',
    'producthunt.com',
  ],
  forum: [
    'reddit.com',
    'quora.com',
    'stackoverflow.com',
    'stackexchange.com',
    'news.ycombinator.com',
    'discourse.org',
    'community.spiceworks.com',
    'letsrun.com',
    'tripadvisor.co.uk',
  ],
  news: [
    'nytimes.com',
    'theverge.com',
    'techcrunch.com',
    'reuters.com',
    'bloomberg.com',
    'wsj.com',
    'bbc.co.uk',
    'bbc.com',
    'cnn.com',
    'forbes.com',
    'wired.com',
    'zdnet.com',
    'cnet.com',
    'engadget.com',
    'businessinsider.com',
    'theguardian.com',
    'ft.com',
    'apnews.com',
    'axios.com',
    'venturebeat.com',
    'arstechnica.com',
    'lemonde.fr',
    'elpais.com',
    'spiegel.de',
    'washingtonpost.com',
    'cnbc.com',
    'fastcompany.com',
    'inc.com',
    'runnersworld.com',
  ],
  encyclopedia: ['wikipedia.org', 'britannica.com', 'wikidata.org', 'investopedia.com', 'wiktionary.org'],
  video: ['youtube.com', 'youtu.be', 'vimeo.com', 'tiktok.com', 'twitch.tv', 'dailymotion.com'],
  social: [
    'x.com',
    'twitter.com',
    'linkedin.com',
    'facebook.com',
    'instagram.com',
    'threads.net',
    'bsky.app',
    'mastodon.social',
    'medium.com',
    'substack.com',
  ],
};

const CATEGORY_BY_HOST = new Map<string, SourceCategory>();
for (const [cat, hosts] of Object.entries(CATEGORY_LIST)) {
  for (const h of hosts) CATEGORY_BY_HOST.set(h, cat as SourceCategory);
}

/** Category of a third-party host: full host first (e.g. `news.ycombinator.com`), then its registrable domain. */
export function categorize(hostname: string, domain: string): SourceCategory {
  let h = hostname;
  while (h.length > 0) {
    const c = CATEGORY_BY_HOST.get(h);
    if (c) return c;
    const dot = h.indexOf('.');
    if (dot < 0 || h === domain) break;
    h = h.slice(dot + 1);
  }
  return CATEGORY_BY_HOST.get(domain) ?? 'other';
}
