/**
 * Data quality: tracked prompts whose answers never name any tracked brand, with enough answers that "never" is
 * not chance (the Wilson upper bound of 0/6 is 39%). A fact about the prompt set, raised directly.
 */

import { proportion } from '../analysis/stats.ts';
import type { EvidenceFigure } from '../contracts/actions.ts';
import { type EngineContext, width } from './context.ts';
import type { ActionCandidate } from './engine.ts';
import { confidenceOf, round3 } from './scoring.ts';
import type { SnapshotAnswer } from './snapshot.ts';

const figure = (label: string, p: ReturnType<typeof proportion>): EvidenceFigure => ({
  label,
  value: p.value === null ? null : round3(p.value),
  n: p.n,
  unit: 'answers',
  ci: [round3(p.ci[0]), round3(p.ci[1])],
});

/**
 * Data quality: tracked prompts whose answers never mention any tracked brand (with enough answers that
 * "never" is not chance). They cost money and tell nothing; reword them or add the brands they surface.
 */
export function dataQuality(ctx: EngineContext): ActionCandidate[] {
  const byPrompt = new Map<string, SnapshotAnswer[]>();
  for (const a of ctx.s.answers) byPrompt.set(a.promptId, [...(byPrompt.get(a.promptId) ?? []), a]);
  const silent: { promptId: string; answers: SnapshotAnswer[] }[] = [];
  for (const prompt of ctx.s.prompts) {
    const answers = byPrompt.get(prompt.id) ?? [];
    if (answers.some((a) => a.mentionedEntityIds.length > 0)) continue;
    if (answers.length < ctx.config.minPromptAnswers) {
      if (answers.length > 0) {
        ctx.insufficient.push(
          `data quality, prompt ${prompt.id}: ${answers.length} answers (< ${ctx.config.minPromptAnswers})`,
        );
      }
      continue;
    }
    silent.push({ promptId: prompt.id, answers });
  }
  if (silent.length === 0) return [];
  const n = Math.min(...silent.map((s) => s.answers.length));
  const share = proportion(0, n);
  const all = silent.flatMap((s) => s.answers);
  return [
    ctx.candidate({
      type: 'data_quality',
      dedupeKey: 'data_quality|silent_prompts',
      title:
        silent.length === 1
          ? 'A tracked prompt never returns any tracked brand'
          : `${silent.length} tracked prompts never return any tracked brand`,
      rationale:
        `Every answer to ${silent.length === 1 ? 'this prompt' : 'these prompts'} (at least ${n} each) names neither ` +
        `${ctx.s.brand.name} nor a tracked competitor. They cost calls and measure nothing: reword them, or add the ` +
        'brands the answers do recommend as competitors.',
      evidence: {
        ...ctx.emptyEvidence(),
        figures: [figure('Answers naming a tracked brand (smallest prompt sample)', share)],
        prompts: silent.map((s) => ({ promptId: s.promptId, text: ctx.promptById.get(s.promptId)?.text ?? '' })),
        answers: ctx.quote(
          silent.map((s) => s.answers[0]).filter((a): a is SnapshotAnswer => a !== undefined),
          [],
        ),
      },
      evidenceAnswers: all,
      target: {
        metric: 'trackedMentionRate',
        entityId: ctx.s.brand.id,
        goal: 'up',
        filter: {},
        label: 'Answers naming any tracked brand',
      },
      expectedImpact: {
        summary: `${silent.length} of ${ctx.s.prompts.length} prompts would start measuring something.`,
        score: round3(silent.length / Math.max(1, ctx.s.prompts.length)),
      },
      confidence: confidenceOf(n, width(share.ci)),
      urgency: 'low',
    }),
  ];
}
