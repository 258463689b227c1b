/**
 * Line labels the structure parser recognises: pros/cons section labels (en, es, fr, de), ranked entries written as
 * paragraphs (`**1. Name** — …`, `#1 Name`, `1️⃣ Name`), bold leads, and rank columns/cells of tables.
 */

import type { Section } from './structure.ts';

const PROS_RE =
  /^(?:pros|pro's|advantages|strengths|upsides|benefits|pluses|the good|what (?:we|i|people|users|reviewers) (?:like|love)|why (?:we|i|people|users) (?:like|love) it|highlights|ventajas|avantages|vorteile)\b/i;
const CONS_RE =
  /^(?:cons|con's|disadvantages|drawbacks|downsides|weaknesses|limitations|minuses|the bad|what (?:we|i|people|users|reviewers) (?:don't|do not|didn't) like|watch[- ]outs?|caveats|concerns|complaints|desventajas|inconvénients|inconvenients|nachteile)\b/i;

/** Returns the pros/cons polarity of a label such as `**Cons:**`, `### Drawbacks`, `Pros`. */
export function sectionOfLabel(text: string): Section {
  const t = text
    .replace(/[*_`#>]/g, '')
    .replace(/^[\s\-–—:]+/, '')
    .trim();
  if (t.length === 0 || t.length > 60) return null;
  if (PROS_RE.test(t)) return 'pros';
  if (CONS_RE.test(t)) return 'cons';
  return null;
}

/** True when the whole text is just a label ("Pros:", "**Cons**", "Drawbacks:"), not a label followed by content. */
export function isPureLabel(text: string): boolean {
  const t = text.replace(/[*_`#>]/g, '').trim();
  return sectionOfLabel(t) !== null && /^[\p{L}' ]{2,40}:?$/u.test(t);
}

/** `**1. Name**`, `**1.** Name`, `__2) Name__`, `**#3 Name**`, `#1 Name`, `#1: Name`, `1️⃣ Name`: a ranked entry. */
export const BOLD_NUMBER_RE =
  /^ {0,3}(?:(?:\*\*|__)\s*#?(\d{1,3})(?:[.):]|\s|(?=\*\*|__))|#(\d{1,3})[.:)]?\s|(\d)\uFE0F?\u20E3)/;
export const BOLD_LEAD_RE = /^ {0,3}(?:\*\*|__)(?=\S)[^*_\n]{1,80}(?:\*\*|__)/;
/** Header names of a rank column. */
export const RANK_HEADER_RE =
  /^(?:#|no\.?|nr\.?|n[º°]|rank|ranking|position|pos\.?|place|order|top|platz|rang|puesto|posici[oó]n|classement|posizione|順位|排名)$/i;
const MEDALS: Record<string, number> = { '🥇': 1, '🥈': 2, '🥉': 3 };

/** Rank written in a table cell: `1`, `#1`, `1.`, `1st`, `🥇`; null otherwise. */
export function rankOfCell(cell: string): number | null {
  const t = cell.replace(/[*_`]/g, '').trim();
  if (MEDALS[t] !== undefined) return MEDALS[t]!;
  const m = /^#?(\d{1,3})(?:\.|st|nd|rd|th|º|°)?$/i.exec(t);
  return m ? Number(m[1]) : null;
}
