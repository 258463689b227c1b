/**
 * Source opportunity: a third-party domain assistants cite alongside a competitor far more often than alongside
 * the brand. Compared brand-to-each-competitor over distinct prompts (the three samples of one prompt are one
 * observation, not three): a prompt counts for the competitor when one of its answers cites the domain and names
 * the competitor, for the brand likewise; prompts that count for exactly one side are discordant, and the exact
 * McNemar test (conditional on their number, which the selection `b + c ≥ minSourcePrompts` uses alone, so the
 * test stays valid) asks whether the competitor's side wins more than chance. One action per domain.
 */

import { mcnemarExact } from '../statistics/clustered.ts';
import type { EngineContext } from './context.ts';
import type { Family, Finding } from './engine.ts';
import { confidenceOf, round3 } from './scoring.ts';
import type { SnapshotAnswer } from './snapshot.ts';

export function classifyDomain(
  ctx: EngineContext,
  domain: string,
): { kind: 'owned' | 'competitor' | 'third-party'; entityId: string | null } {
  const owns = (owned: string[]) => owned.some((d) => domain === d || domain.endsWith(`.${d}`));
  if (owns(ctx.s.brand.ownedDomains)) return { kind: 'owned', entityId: ctx.s.brand.id };
  const competitor = ctx.s.competitors.find((c) => owns(c.ownedDomains));
  return competitor ? { kind: 'competitor', entityId: competitor.id } : { kind: 'third-party', entityId: null };
}

export const sourceOpportunityFindings: Family = (ctx, ev, note) => {
  const byDomain = new Map<string, SnapshotAnswer[]>();
  for (const a of ev.answers) {
    for (const d of new Set(a.citedDomains)) {
      if (classifyDomain(ctx, d).kind !== 'third-party') continue;
      byDomain.set(d, [...(byDomain.get(d) ?? []), a]);
    }
  }
  const out: Finding[] = [];
  const brandId = ctx.brandId;
  for (const [domain, citing] of [...byDomain].sort(([a], [b]) => a.localeCompare(b))) {
    const promptsNaming = (entityId: string) =>
      new Set(citing.filter((a) => a.mentionedEntityIds.includes(entityId)).map((a) => a.promptId));
    const brandPrompts = promptsNaming(brandId);
    for (const competitorId of ctx.competitorIds) {
      const competitorPrompts = promptsNaming(competitorId);
      const b = [...competitorPrompts].filter((p) => !brandPrompts.has(p)).length;
      const c = [...brandPrompts].filter((p) => !competitorPrompts.has(p)).length;
      if (b + c < ctx.config.minSourcePrompts) {
        if (b > 0) {
          note(
            `source opportunity ${domain} (${ctx.name(competitorId)}): ${b + c} prompts cite it with only one side (< ${ctx.config.minSourcePrompts})`,
          );
        }
        continue;
      }
      const test = mcnemarExact(b, c);
      out.push({
        id: `source_opportunity|${domain}|${competitorId}`,
        group: `source_opportunity|${domain}`,
        p: test.oneSided,
        minP: 0.5 ** (b + c),
        actionable: b > c,
        effect: b - c,
        make: (discoveries) => {
          const winners = ctx.competitorIds.filter((id) => discoveries.has(`source_opportunity|${domain}|${id}`));
          const names = winners.map((id) => ctx.name(id));
          const evidenceAnswers = citing.filter(
            (a) => !a.mentionedEntityIds.includes(brandId) && a.mentionedEntityIds.some((e) => winners.includes(e)),
          );
          const prompts = new Set(citing.map((a) => a.promptId)).size;
          return ctx.candidate({
            type: 'source_opportunity',
            dedupeKey: `source_opportunity|${domain}`,
            title: `Get ${ctx.s.brand.name} covered on ${domain}`,
            rationale:
              `Assistants cite ${domain} with ${ctx.name(competitorId)} in ${b} prompts where ${ctx.s.brand.name} is ` +
              `not named with it, and with ${ctx.s.brand.name} but not ${ctx.name(competitorId)} in ${c}` +
              (names.length > 1
                ? ` (also ahead there: ${names.filter((n) => n !== ctx.name(competitorId)).join(', ')})`
                : '') +
              '. Sources assistants already trust are the fastest way into their answers: pitch a review, a ' +
              'comparison entry or a guest piece there.',
            evidence: {
              ...ctx.emptyEvidence(),
              figures: [
                {
                  label: `Prompts citing ${domain} with ${ctx.name(competitorId)} and not ${ctx.s.brand.name}`,
                  value: b,
                  n: b + c,
                  unit: 'prompts',
                  ci: null,
                },
              ],
              prompts: ctx.promptsOf(evidenceAnswers),
              answers: ctx.quote(evidenceAnswers, winners),
              domains: [{ domain, class: 'third-party', answers: citing.length }],
            },
            evidenceAnswers,
            target: {
              metric: 'mentionRate',
              entityId: brandId,
              goal: 'up',
              filter: {},
              label: `${ctx.s.brand.name} mention rate`,
            },
            expectedImpact: {
              summary: `${prompts} tracked prompts draw on ${domain}; appearing there can put ${ctx.s.brand.name} into their answers.`,
              score: round3(Math.min(1, (2 * prompts) / Math.max(1, ctx.s.prompts.length))),
            },
            confidence: confidenceOf(b + c, Math.min(1, 2 * Math.sqrt(test.oneSided))),
            urgency: 'low',
          });
        },
      });
    }
  }
  return out;
};
