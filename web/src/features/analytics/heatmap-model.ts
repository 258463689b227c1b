/**
 * The competitor heat map's view model: prompts × tracked entities, each cell the share of the prompt's answers
 * that mention the entity, with its 95% Wilson interval. Pure: unit-tested without a browser.
 */
import { wilsonDesign } from '../../../../shared/analysis/stats.ts';
import type { PromptEntityRow } from '../../../../shared/contracts/analytics.ts';

export interface HeatColumn {
  entityId: string;
  name: string;
  kind: 'brand' | 'competitor';
}

export interface HeatCell {
  entityId: string;
  /** Answers to the prompt mentioning the entity; null when the entity was not tracked in those answers. */
  mentioned: number | null;
  rate: number | null;
  ci: [number, number] | null;
}

export interface HeatRow {
  promptId: string;
  prompt: string;
  /** Analysed answers to the prompt in scope (every cell's denominator). */
  answers: number;
  /** One cell per column, in column order. */
  cells: HeatCell[];
  /** Brand rate minus the best competitor's rate (negative: a competitor is ahead on this prompt). */
  gap: number | null;
  /** The gap is larger than the noise: the two 95% intervals do not overlap. */
  gapSignificant: boolean;
}

export interface Heatmap {
  columns: HeatColumn[];
  rows: HeatRow[];
}

export interface BrandEntities {
  id: string;
  name: string;
  competitors: readonly { id: string; name: string }[];
}

/** Columns: the brand first, then the competitors in the brand's order. Rows: one per prompt with answers. */
export function buildHeatmap(
  rows: readonly PromptEntityRow[],
  brand: BrandEntities,
  promptTexts: ReadonlyMap<string, string>,
  /**
   * Design effect of the scope's mention rate (the metrics API's, over prompt runs): a prompt's samples of one run
   * are correlated, so its cell's interval is the design-effect Wilson one (shared/analysis/stats.ts).
   */
  deff = 1,
): Heatmap {
  const columns: HeatColumn[] = [
    { entityId: brand.id, name: brand.name, kind: 'brand' },
    ...brand.competitors.map((c): HeatColumn => ({ entityId: c.id, name: c.name, kind: 'competitor' })),
  ];
  const byPrompt = new Map<string, { answers: number; mentioned: Map<string, number> }>();
  for (const row of rows) {
    const prompt = byPrompt.get(row.promptId) ?? { answers: 0, mentioned: new Map<string, number>() };
    prompt.answers = Math.max(prompt.answers, row.answers);
    prompt.mentioned.set(row.entityId, row.mentioned);
    byPrompt.set(row.promptId, prompt);
  }
  const heatRows: HeatRow[] = [];
  for (const [promptId, prompt] of byPrompt) {
    const cells = columns.map((column): HeatCell => {
      const mentioned = prompt.mentioned.get(column.entityId);
      if (mentioned === undefined || prompt.answers === 0) {
        return { entityId: column.entityId, mentioned: null, rate: null, ci: null };
      }
      return {
        entityId: column.entityId,
        mentioned,
        rate: mentioned / prompt.answers,
        ci: wilsonDesign(mentioned, prompt.answers, deff),
      };
    });
    const own = cells[0];
    const rivals = cells.slice(1).filter((c) => c.rate !== null);
    const best = rivals.reduce<HeatCell | null>(
      (top, c) => (top === null || (c.rate ?? 0) > (top.rate ?? 0) ? c : top),
      null,
    );
    const gap = own?.rate !== null && own?.rate !== undefined && best ? own.rate - (best.rate ?? 0) : null;
    const gapSignificant =
      gap !== null && own?.ci && best?.ci ? own.ci[0] > best.ci[1] || own.ci[1] < best.ci[0] : false;
    heatRows.push({
      promptId,
      prompt: promptTexts.get(promptId) ?? 'Prompt no longer in the current set',
      answers: prompt.answers,
      cells,
      gap,
      gapSignificant,
    });
  }
  return { columns, rows: sortHeatRows(heatRows, { key: 'gap', dir: 'ascending' }) };
}

export type HeatSortKey = 'prompt' | 'answers' | 'gap' | `entity:${string}`;
export interface HeatSort {
  key: HeatSortKey;
  dir: 'ascending' | 'descending';
}

function sortValue(row: HeatRow, key: HeatSortKey): string | number | null {
  if (key === 'prompt') return row.prompt.toLocaleLowerCase();
  if (key === 'answers') return row.answers;
  if (key === 'gap') return row.gap;
  const entityId = key.slice('entity:'.length);
  return row.cells.find((c) => c.entityId === entityId)?.rate ?? null;
}

/**
 * Sorted copy; empty values last in either direction, ties by prompt text. The default (gap ascending) puts the
 * prompts where a competitor is furthest ahead first: where to act.
 */
export function sortHeatRows(rows: readonly HeatRow[], sort: HeatSort): HeatRow[] {
  const sign = sort.dir === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) return (va < vb ? -1 : 1) * sign;
    return a.prompt.localeCompare(b.prompt);
  });
}

/**
 * Cell background for a rate: one hue, lightness from 97% (0) to 35% (1); brand cells in the brand hue. The text
 * color switches to white on dark cells so contrast stays above 4.5:1.
 */
export function heatColors(rate: number | null, kind: 'brand' | 'competitor'): { background: string; color: string } {
  if (rate === null) return { background: 'transparent', color: 'inherit' };
  const clamped = Math.min(1, Math.max(0, rate));
  const lightness = 97 - clamped * 62;
  const hue = kind === 'brand' ? 245 : 28;
  return {
    background: `hsl(${hue} 75% ${lightness.toFixed(0)}%)`,
    color: lightness < 58 ? '#fff' : '#1a1a1a',
  };
}
