import type { PromptSetDiff, TrackedPrompt } from '../contracts/prompt-sets.ts';

const COMPARED_FIELDS = ['text', 'topicId', 'intent', 'locale', 'persona'] as const;

/** What changed between two versions of a prompt set, matched by prompt id. */
export function diffPromptSets(
  from: { version: number; prompts: TrackedPrompt[] },
  to: { version: number; prompts: TrackedPrompt[] },
): PromptSetDiff {
  const before = new Map(from.prompts.map((p) => [p.id, p]));
  const after = new Map(to.prompts.map((p) => [p.id, p]));
  const diff: PromptSetDiff = { from: from.version, to: to.version, added: [], removed: [], changed: [], unchanged: 0 };
  for (const prompt of to.prompts) {
    const old = before.get(prompt.id);
    if (!old) {
      diff.added.push(prompt);
      continue;
    }
    const fields = COMPARED_FIELDS.filter((f) => old[f] !== prompt[f]);
    if (fields.length > 0) diff.changed.push({ id: prompt.id, before: old, after: prompt, fields: [...fields] });
    else diff.unchanged++;
  }
  for (const prompt of from.prompts) if (!after.has(prompt.id)) diff.removed.push(prompt);
  return diff;
}

/** Normalised prompt text used to refuse duplicates within a version (case, spacing and final punctuation). */
export function promptKey(text: string, locale: string): string {
  return `${locale}|${text
    .toLocaleLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[?.!\s]+$/, '')
    .trim()}`;
}
