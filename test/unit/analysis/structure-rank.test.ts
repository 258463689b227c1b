import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeText, compileEntities } from '../../../shared/analysis/analyze.ts';
import type { Analysis, TrackedEntity } from '../../../shared/analysis/types.ts';

// Issue 15, parts 3 and 4: rank styles, primary pick, mentions of ambiguous names, citations.

const entity = (id: string, name: string, kind: TrackedEntity['kind'], domains: string[] = [], ambiguous = false) => ({
  id,
  name,
  kind,
  aliases: ambiguous ? [{ value: name, ambiguous: true }] : [],
  ownedDomains: domains,
});

const CRM = compileEntities([
  entity('hubspot', 'HubSpot', 'brand', ['hubspot.com']),
  entity('salesforce', 'Salesforce', 'competitor', ['salesforce.com']),
  entity('pipedrive', 'Pipedrive', 'competitor', ['pipedrive.com']),
  entity('zoho', 'Zoho', 'competitor', ['zoho.com']),
  entity('acme', 'Acme', 'competitor', ['acme.com']),
]);
const CHAT = compileEntities([
  entity('slack', 'Slack', 'brand', ['slack.com'], true),
  entity('discord', 'Discord', 'competitor', [], true),
  entity('notion', 'Notion', 'competitor', ['notion.so'], true),
  entity('dingtalk', '钉钉', 'competitor'),
  entity('feishu', '飞书', 'competitor'),
]);

const positions = (a: Analysis): Record<string, number> =>
  Object.fromEntries(
    a.entities.filter((e) => e.list && e.inRankedList).map((e) => [e.entityId, e.list!.position] as const),
  );
const textMentions = (a: Analysis): string[] => a.mentions.filter((m) => m.via === 'text').map((m) => m.entityId);

describe('rank styles', () => {
  it('reads **1. Name** — … lines as a ranked list', () => {
    const a = analyzeText(
      '**1. HubSpot** — generous free tier.\n**2. Pipedrive** — simple.\n**3. Zoho** — cheap.',
      CRM,
    );
    expect(positions(a)).toEqual({ hubspot: 1, pipedrive: 2, zoho: 3 });
  });

  it('reads 1) lists, #1: headings and keeps numbering across prose between items', () => {
    expect(positions(analyzeText('1) Pipedrive\n2) HubSpot\n3) Zoho', CRM))).toEqual({
      pipedrive: 1,
      hubspot: 2,
      zoho: 3,
    });
    const headings = '### #1: Zoho\nCheap.\n\n### #2: HubSpot\nFriendly.';
    expect(positions(analyzeText(headings, CRM))).toEqual({ zoho: 1, hubspot: 2 });
    const split =
      '1. Pipedrive — simple\n\nA paragraph about pricing in between.\n\n2. HubSpot — friendly\n3. Zoho — cheap';
    expect(positions(analyzeText(split, CRM))).toEqual({ pipedrive: 1, hubspot: 2, zoho: 3 });
  });

  it('reads the rank column of a table, and counts items that are not entities', () => {
    const table =
      '| # | Best for | Tool |\n|---|---|---|\n| 2 | Marketing-led teams that want one suite | HubSpot |\n| 1 | Small sales teams on a tight budget | Pipedrive |';
    expect(positions(analyzeText(table, CRM))).toEqual({ hubspot: 2, pipedrive: 1 });
    const list = '1. A shared spreadsheet (free)\n2. Pipedrive — affordable\n3. HubSpot — complete';
    expect(positions(analyzeText(list, CRM))).toEqual({ pipedrive: 2, hubspot: 3 });
  });

  it('gives unnumbered ## Name sequences list places but no ranking', () => {
    const a = analyzeText('## Pipedrive\nGood.\n\n## HubSpot\nAlso good.', CRM);
    expect(a.entities.find((e) => e.entityId === 'hubspot')?.list).toMatchObject({ kind: 'unordered', position: 2 });
    expect(positions(a)).toEqual({});
  });

  it('ranks inside nested numbered lists', () => {
    const a = analyzeText(
      '1. Budget\n   1. Zoho — cheapest\n   2. Pipedrive — close\n2. Enterprise\n   1. Salesforce',
      CRM,
    );
    expect(positions(a)).toMatchObject({ zoho: 1, pipedrive: 2, salesforce: 1 });
  });
});

describe('primary recommendation', () => {
  it('is read from the recommendation, not from the first praise', () => {
    const a = analyzeText(
      "Salesforce is the market leader, but for a five-person team I'd recommend something lighter:\n\n**Pipedrive** — simple and cheap.",
      CRM,
    );
    expect(a.primaryRecommendation).toBe('pipedrive');
    const b = analyzeText("Salesforce is the top choice. But honestly, for you I'd recommend Pipedrive instead.", CRM);
    expect(b.primaryRecommendation).toBe('pipedrive');
    const c = analyzeText(
      'For a café with card readers, Zoho is the better fit; Pipedrive works but takes more setup.',
      CRM,
    );
    expect(c.primaryRecommendation).toBe('zoho');
  });

  it('is null for hedged, situation-split and verdict-less ranked answers', () => {
    const hedged = 'It depends on your needs. HubSpot is great for marketing, Pipedrive for sales pipelines.';
    expect(analyzeText(hedged, CRM).primaryRecommendation).toBeNull();
    const split = 'If you need marketing, go with HubSpot; if you need a pipeline, go with Pipedrive.';
    expect(analyzeText(split, CRM).primaryRecommendation).toBeNull();
    expect(
      analyzeText('1. HubSpot — broad\n2. Pipedrive — simple\n3. Zoho — cheap', CRM).primaryRecommendation,
    ).toBeNull();
  });

  it('skips the foil of a recommendation and reads verdict labels', () => {
    const a = analyzeText("I'd recommend something lighter than Salesforce, such as Pipedrive.", CRM);
    expect(a.primaryRecommendation).toBe('pipedrive');
    expect(
      analyzeText('1) Zoho — from $7\n2) HubSpot — free plan\n\nBest value: **Zoho**.', CRM).primaryRecommendation,
    ).toBe('zoho');
  });
});

describe('mentions', () => {
  it('finds two ambiguous names that support each other', () => {
    expect(textMentions(analyzeText("SLACK is down again… everyone's on Discord now", CHAT))).toEqual([
      'slack',
      'discord',
    ]);
    expect(textMentions(analyzeText('我们用Slack和Notion', CHAT))).toEqual(['slack', 'notion']);
    expect(textMentions(analyzeText('ทีมเราใช้SlackกับNotionทุกวัน', CHAT))).toEqual(['slack', 'notion']);
  });

  it('still drops common words', () => {
    expect(textMentions(analyzeText('I need to slack off; the notion of rest matters.', CHAT))).toEqual([]);
  });

  it('finds names in scripts written without spaces', () => {
    expect(textMentions(analyzeText('我们用钉钉和飞书开会', CHAT))).toEqual(['dingtalk', 'feishu']);
  });

  it('counts a domain in prose as a citation, not a text mention', () => {
    const a = analyzeText('See hubspot.com/pricing for the current plans.', CRM);
    expect(textMentions(a)).toEqual([]);
    expect(a.citations.map((c) => [c.url, c.origin, c.class])).toEqual([
      ['https://hubspot.com/pricing', 'domain', 'owned'],
    ]);
  });
});

describe('citations', () => {
  it('never cites image URLs', () => {
    const text = [
      '![Acme logo](https://cdn.acme.com/logo.png)',
      '[![badge](https://img.acme.com/badge.svg)](https://www.g2.com/products/acme)',
      '![diagram][fig]',
      '<img src="https://cdn.acme.com/hero.jpg" alt="Acme">',
      '',
      '[fig]: https://cdn.acme.com/figure',
    ].join('\n');
    const a = analyzeText(text, CRM);
    expect(a.citations.map((c) => c.domain)).toEqual(['g2.com']);
    expect(a.entities.find((e) => e.entityId === 'acme')?.ownedCitations).toBe(0);
    expect(textMentions(a)).toEqual([]);
  });

  it('cites domains written in prose but not file names or e-mail addresses', () => {
    const a = analyzeText(
      'Compare on G2.com and (investor.salesforce.com). See README.md, setup.sh and Node.js; mail sales@zoho.com.',
      CRM,
    );
    expect(a.citations.map((c) => c.domain).sort()).toEqual(['g2.com', 'salesforce.com']);
  });
});

describe('robustness', () => {
  it('never throws on markdown-shaped Unicode input', () => {
    const piece = fc.constantFrom(
      '**1. ',
      '### #2: ',
      '| # | Tool |\n|---|---|\n| 1 | ',
      '![x](',
      '[![a](b)](',
      '](',
      '<img src="',
      'hubspot.com/',
      "I'd recommend ",
      'it depends ',
      'Slack',
      '钉钉',
      '1️⃣ ',
      '\n',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ unit: 'binary' })), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const a = analyzeText(text, CRM);
        const b = analyzeText(text, CHAT);
        for (const m of [...a.mentions, ...b.mentions]) expect(text.slice(m.start, m.end)).toBe(m.text);
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
