import {
  type Intent,
  type PromptSetInput,
  PromptSetInputSchema,
  type PromptSuggestion,
  type TrackedPrompt,
} from '../../../../shared/contracts/index.ts';
import { type FieldErrors, fieldErrorsFrom } from '../../api/errors.ts';
import { newKey } from '../../components/forms.tsx';

export interface PromptDraft {
  key: string;
  id?: string | undefined;
  text: string;
  topicId: string | null;
  intent: Intent;
  locale: string;
  persona: string;
}

export interface SuggestionDraft extends PromptDraft {
  branded: boolean;
  source: PromptSuggestion['source'];
}

export const newPrompt = (locale = 'en-US'): PromptDraft => ({
  key: newKey(),
  text: '',
  topicId: null,
  intent: 'informational',
  locale,
  persona: '',
});

export function trackedToDraft(p: TrackedPrompt): PromptDraft {
  return {
    key: newKey(),
    id: p.id,
    text: p.text,
    topicId: p.topicId,
    intent: p.intent,
    locale: p.locale,
    persona: p.persona ?? '',
  };
}

export function suggestionToDraft(s: PromptSuggestion): SuggestionDraft {
  return {
    key: newKey(),
    text: s.text,
    topicId: s.topicId,
    intent: s.intent,
    locale: s.locale,
    persona: s.persona ?? '',
    branded: s.branded,
    source: s.source,
  };
}

export function promptsToInput(prompts: readonly PromptDraft[], note = ''): PromptSetInput {
  return {
    prompts: prompts.map((p) => ({
      ...(p.id ? { id: p.id } : {}),
      text: p.text,
      topicId: p.topicId,
      intent: p.intent,
      locale: p.locale,
      persona: p.persona.trim() ? p.persona : null,
    })),
    note,
  };
}

export function validatePrompts(prompts: readonly PromptDraft[], note = ''): FieldErrors {
  const parsed = PromptSetInputSchema.safeParse(promptsToInput(prompts, note));
  return parsed.success ? {} : fieldErrorsFrom(parsed.error.issues);
}
