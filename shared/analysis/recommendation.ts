/**
 * Positions: rank of first mention, the list/table/heading sequence each entity leads and its position there, and the
 * answer's primary recommendation.
 */

import type { Sentence, Structure } from './structure.ts';
import type { ListInfo, Mention } from './types.ts';

const REFUSAL_RE =
  /\b(?:i(?:'m| am) (?:not able|unable) to (?:help|provide|recommend|assist)|i can(?:no|')t (?:help|provide|recommend|assist|browse)|as an ai\b|i don't have (?:access|real-time|current|personal)|i do not have (?:access|real-time|personal)|i'm sorry, but i can)/i;

const RECOMMEND_RE =
  /\b(?:i(?:'d| would)? (?:strongly |highly )?recommend(?:ing)?|my (?:top )?(?:pick|recommendation|choice)|best overall|top pick|overall winner|clear winner|go with|the best (?:choice|option|pick|bet)|best bet|i'd (?:choose|pick|go with)|i would (?:choose|pick|go with)|first choice|top choice|our pick|editor's choice|the winner|winner:|(?:is|are) the better (?:fit|choice|option|pick))/i;

/** A recommendation cue followed by a condition is not the overall pick. */
const CONDITIONAL_RE =
  /^[\s,:*_-]*(?:if|when|unless|only if|for (?:teams|those|anyone|people|companies|users) (?:who|that|with))\b/i;

/** The entity leading each list item / table row: first text mention in the item's lead sentence. */
export function leadEntities(
  structure: Structure,
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
): Map<number, number> {
  const lead = new Map<number, number>();
  for (const m of ms) {
    if (m.listItemIndex === null || lead.has(m.listItemIndex)) continue;
    const s = structure.sentences[m.sentenceIndex];
    if (!s?.leadOfItem) continue;
    const item = structure.items[m.listItemIndex];
    if (!item) continue;
    // The name must open the item ("1. **Asana** - ...", "- Asana: ...", "| Asana |"), not sit deep in its prose.
    if (m.start - item.start > 48) continue;
    lead.set(m.listItemIndex, entityIndex.get(m.entityId)!);
  }
  return lead;
}

function findPrimary(
  text: string,
  sentences: readonly Sentence[],
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
  structure: Structure,
  itemLead: ReadonlyMap<number, number>,
): number | null {
  for (const s of sentences) {
    const slice = text.slice(s.start, s.end);
    const cue = RECOMMEND_RE.exec(slice);
    if (!cue) continue;
    const cueAt = s.start + cue.index;
    const before = text.slice(Math.max(s.start, cueAt - 30), cueAt).toLowerCase();
    if (/\b(?:not|n't|never|wouldn't|don't|can't)\s*(?:\w+\s*)?$/.test(before)) continue;
    // Conditional cues ("the best choice if you are a Microsoft shop") do not name the answer's overall pick.
    const rest = slice.slice(cue.index + cue[0].length, cue.index + cue[0].length + 60);
    if (CONDITIONAL_RE.test(rest)) continue;
    const inS = ms.filter((m) => m.sentenceIndex === s.index);
    const after = inS.filter((m) => m.start >= cueAt);
    const pick = after[0] ?? inS[inS.length - 1];
    if (pick) {
      // "X is my top pick" (entity before the cue) or "go with X".
      const distinct = new Set(inS.map((m) => m.entityId));
      if (after.length === 0 && distinct.size > 1) continue;
      return entityIndex.get(pick.entityId) ?? null;
    }
    // A cue line ("**Best overall:**") followed by an item naming the pick.
    const next = sentences[s.index + 1];
    if (next && /:\s*\**\s*$/.test(slice)) {
      const nm = ms.find((m) => m.sentenceIndex === next.index);
      if (nm) return entityIndex.get(nm.entityId) ?? null;
    }
  }
  // Otherwise, #1 of the first ranked (numbered) list led by tracked entities.
  for (const list of structure.lists) {
    if (list.kind !== 'ordered') continue;
    const first = structure.items.find((it) => it.listId === list.id && it.position === 1);
    if (!first) continue;
    const ei = itemLead.get(first.index);
    const leds = structure.items.filter((it) => it.listId === list.id && itemLead.has(it.index)).length;
    if (ei !== undefined && leds >= 2) return ei;
  }
  return null;
}

export interface Positions {
  rankOf: Map<number, number>;
  firstOffset: Map<number, number>;
  listOf: Map<number, ListInfo>;
  ranked: Set<number>;
  refusal: boolean;
  primary: number | null;
}

/** Rank, list position and primary recommendation of every entity. */
export function findPositions(
  text: string,
  limit: number,
  structure: Structure,
  mentions: readonly Mention[],
  textMentions: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
  itemLead: ReadonlyMap<number, number>,
): Positions {
  const sentences = structure.sentences;
  const firstOffset = new Map<number, number>();
  for (const m of mentions) {
    const ei = entityIndex.get(m.entityId)!;
    if (!firstOffset.has(ei)) firstOffset.set(ei, m.start);
  }
  const rankOrder = [...firstOffset.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const rankOf = new Map(rankOrder.map(([ei], k) => [ei, k + 1]));
  const listOf = new Map<number, ListInfo>();
  const ranked = new Set<number>();
  for (const [itemIdx, ei] of itemLead) {
    const item = structure.items[itemIdx]!;
    if (item.isLabel) continue;
    const list = structure.lists[item.listId]!;
    if (list.kind === 'ordered') ranked.add(ei);
    if (!listOf.has(ei)) listOf.set(ei, { kind: list.kind, position: item.position, size: list.size });
  }
  const refusal = REFUSAL_RE.test(text.slice(0, Math.min(limit, 600))) && mentions.length <= 2;
  const primary = refusal ? null : findPrimary(text, sentences, textMentions, entityIndex, structure, itemLead);
  return { rankOf, firstOffset, listOf, ranked, refusal, primary };
}
