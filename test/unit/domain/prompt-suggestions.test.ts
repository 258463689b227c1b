import { describe, expect, it } from 'vitest';
import { suggestPrompts } from '../../../shared/domain/prompt-suggestions.ts';

describe('prompt suggestions', () => {
  it('cover every topic within a short list, tagged with topic, intent and branded', () => {
    const suggestions = suggestPrompts({
      brand: {
        name: 'Contoso Cloud',
        category: 'Cloud cost management',
        competitors: [{ id: 'cmp_1', name: 'Fabrikam FinOps', aliases: [], ownedDomains: [] }],
        topics: [
          { id: 'top_k8s', name: 'Kubernetes costs', description: '' },
          { id: 'top_sp', name: 'Savings plans', description: '' },
        ],
        markets: ['en-US'],
      },
      personas: [],
      locale: 'en-US',
      count: 6,
      year: 2026,
      existing: [],
      isBranded: (text) => /Contoso Cloud|Fabrikam FinOps/.test(text),
    });
    expect(suggestions).toHaveLength(6);
    const topics = new Set(suggestions.map((s) => s.topicId).filter(Boolean));
    expect(topics).toEqual(new Set(['top_k8s', 'top_sp']));
    for (const s of suggestions) {
      if (s.topicId === 'top_k8s') expect(s.text).toContain('kubernetes costs');
      if (s.topicId === 'top_sp') expect(s.text).toContain('savings plans');
      expect(s.text.toLowerCase()).toContain('cloud cost management');
      expect(s.branded).toBe(false);
    }
  });
});
