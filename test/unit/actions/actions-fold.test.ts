import { describe, expect, it } from 'vitest';
import { EngineContext } from '#shared/actions/context.ts';
import { type ActionCandidate, DEFAULT_ENGINE_CONFIG, type Finding, foldNested } from '#shared/actions/engine.ts';
import type { ActionSnapshot } from '#shared/actions/snapshot.ts';

const make = () => ({}) as ActionCandidate;
const finding = (id: string, family: string, subject: string, scopeKey: string, effect = 0.1): Finding => ({
  id,
  group: id,
  p: 0.001,
  actionable: true,
  effect,
  make,
  nest: { family, subject, scopeKey, scopeLabel: `label of ${scopeKey}` },
});

describe('near-duplicate actions are folded into the broadest scope of the same family and subject', () => {
  it('a provider under a topic, a topic under all answers; other subjects and families stand alone', () => {
    const all = finding('neg|all', 'negative_sentiment', 'brand', 'all');
    const negTopic = finding('neg|topic=a', 'negative_sentiment', 'brand', 'topic=a');
    const negProvider = finding('neg|provider=openai', 'negative_sentiment', 'brand', 'provider=openai');
    const gapTopicA = finding('gap|x|topic=a', 'competitor_gap', 'x', 'topic=a', 0.1);
    const gapTopicB = finding('gap|x|topic=b', 'competitor_gap', 'x', 'topic=b', 0.2);
    const gapProvider = finding('gap|x|provider=gemini', 'competitor_gap', 'x', 'provider=gemini');
    const otherSubject = finding('gap|y|provider=gemini', 'competitor_gap', 'y', 'provider=gemini');
    const contentProvider = finding('content|provider=gemini|x', 'content_gap', 'x', 'provider=gemini');
    const plain: Finding = { ...finding('src|g2.com|x', 'source_opportunity', 'x', 'all'), nest: undefined };
    const folded = foldNested([
      all,
      negTopic,
      negProvider,
      gapTopicA,
      gapTopicB,
      gapProvider,
      otherSubject,
      contentProvider,
      plain,
    ]);
    // Sentiment: both narrower scopes go into "all answers" (not the provider into the topic).
    expect(folded.get(all)).toEqual([negTopic, negProvider]);
    expect(folded.get(negTopic)).toBeNull();
    expect(folded.get(negProvider)).toBeNull();
    // Two topics are two actions; the provider goes to the topic with the larger effect (0.2 > 0.1).
    expect(folded.get(gapTopicA)).toEqual([]);
    expect(folded.get(gapTopicB)).toEqual([gapProvider]);
    expect(folded.get(gapProvider)).toBeNull();
    // Another competitor, another family (same competitor), or no `nest`: untouched.
    expect(folded.get(otherSubject)).toEqual([]);
    expect(folded.get(contentProvider)).toEqual([]);
    expect(folded.get(plain)).toEqual([]);
  });
});

describe('scope labels', () => {
  it('providers are named by their label, not their id', () => {
    const cell = (provider: string) => ({
      period: '2026-11-25',
      dims: {
        day: '2026-11-25',
        promptSetVersion: 1,
        provider,
        surface: 'api',
        topic: 'top_1',
        branded: false,
      },
      counters: { n: 3 },
    });
    const s = {
      tenantId: 't',
      now: '2026-11-25T12:00:00.000Z',
      brand: { id: 'brd_1', name: 'Acme', ownedDomains: [], topics: [{ id: 'top_1', name: 'Retention' }] },
      competitors: [],
      trackedEntities: [],
      prompts: [],
      current: { from: '2026-11-19', to: '2026-11-25', cells: [cell('anthropic'), cell('gemini'), cell('acme-llm')] },
      baseline: { from: '2026-10-22', to: '2026-11-18', cells: [] },
      answers: [],
      alerts: [],
    } as unknown as ActionSnapshot;
    const labels = new EngineContext(s, DEFAULT_ENGINE_CONFIG).scopes(undefined).map((x) => x.label);
    // An id the catalogue does not know keeps its id.
    expect(labels).toEqual(['topic “Retention”', 'acme-llm', 'Anthropic (Claude)', 'Google Gemini']);
  });
});
