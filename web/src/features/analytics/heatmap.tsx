/**
 * The competitor matrix by prompt: a heat map of prompts × tracked entities (the brand first), each cell the share
 * of the prompt's answers that mention the entity. It is a real table (row and column headers, the numbers as
 * text), colour is only a second channel. A prompt or a cell opens the prompt drill-down.
 */
import { useMemo, useState } from 'react';
import type { PromptEntityRow } from '../../../../shared/contracts/analytics.ts';
import { QueryState } from '../../components/forms.tsx';
import { type CsvCell, downloadCsv, toCsv } from './csv.ts';
import {
  type BrandEntities,
  buildHeatmap,
  type HeatSort,
  type HeatSortKey,
  heatColors,
  sortHeatRows,
} from './heatmap-model.ts';
import type { Period } from './period.ts';

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
const pts = (d: number) => `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d * 100).toFixed(0)} pts`;
/** Rows shown before "Show all": 500 prompts × 26 entities stays fast as a table, but not on first paint. */
const FIRST_ROWS = 50;

export function PromptMatrixSection({
  query,
  brand,
  promptTexts,
  period,
  slug,
  onOpen,
  deff = 1,
}: {
  query: { data: { rows: PromptEntityRow[] } | undefined; isPending: boolean; error: unknown; refetch: () => unknown };
  brand: BrandEntities;
  promptTexts: ReadonlyMap<string, string>;
  period: Period;
  slug: string;
  /** Opens the drill-down of a prompt, with one entity's mentions in focus. */
  onOpen: (promptId: string, entityId: string | null) => void;
  /** Design effect of the scope's mention rate (metrics API), for the cells' intervals. */
  deff?: number;
}) {
  const heatmap = useMemo(
    () => (query.data ? buildHeatmap(query.data.rows, brand, promptTexts, deff) : null),
    [query.data, brand, promptTexts, deff],
  );
  const [sort, setSort] = useState<HeatSort>({ key: 'gap', dir: 'ascending' });
  const [showAll, setShowAll] = useState(false);
  const rows = heatmap ? sortHeatRows(heatmap.rows, sort) : [];
  const shown = showAll ? rows : rows.slice(0, FIRST_ROWS);
  const header = (key: HeatSortKey, label: string, extra?: string) => {
    const active = sort.key === key;
    return (
      <th key={key} scope="col" aria-sort={active ? sort.dir : 'none'} className={extra}>
        <button
          type="button"
          className="sort-button"
          onClick={() =>
            setSort({
              key,
              dir: active
                ? sort.dir === 'ascending'
                  ? 'descending'
                  : 'ascending'
                : key === 'prompt' || key === 'gap'
                  ? 'ascending'
                  : 'descending',
            })
          }
        >
          {label}
          <span aria-hidden="true">{active ? (sort.dir === 'ascending' ? ' ▲' : ' ▼') : ' ↕'}</span>
        </button>
      </th>
    );
  };
  return (
    <section className="panel panel--flush" aria-labelledby="heatmap-title" data-testid="prompt-heatmap">
      <div className="panel-pad section-head">
        <h2 id="heatmap-title">Prompts × competitors</h2>
        {heatmap && heatmap.rows.length > 0 ? (
          <button
            type="button"
            className="button button--small button--ghost"
            onClick={() =>
              downloadCsv(
                `promptpulse-${slug}-prompts-by-competitor-${period.from}-${period.to}.csv`,
                toCsv(
                  [
                    'prompt_id',
                    'prompt',
                    'answers',
                    'entity',
                    'kind',
                    'mentioned',
                    'mention_rate',
                    'ci95_low',
                    'ci95_high',
                  ],
                  heatmap.rows.flatMap((row) =>
                    heatmap.columns.map((column, i): CsvCell[] => {
                      const cell = row.cells[i];
                      return [
                        row.promptId,
                        row.prompt,
                        row.answers,
                        column.name,
                        column.kind,
                        cell?.mentioned,
                        cell?.rate,
                        cell?.ci?.[0],
                        cell?.ci?.[1],
                      ];
                    }),
                  ),
                ),
              )
            }
          >
            Export heat map CSV
          </button>
        ) : null}
      </div>
      <p className="panel-pad muted small">
        Each cell: the share of the prompt’s answers that mention the brand or competitor (darker = more often); hover
        or focus a cell for its n and 95% interval. <strong>Gap</strong> is your rate minus the best competitor’s;
        sorted with the prompts where you trail most first. Select a prompt or a cell to read the answers.
      </p>
      <QueryState query={query} label="the heat map">
        {!heatmap || heatmap.rows.length === 0 ? (
          <p className="panel-pad muted">No analysed answers per prompt in this period yet.</p>
        ) : (
          <>
            <div className="table-scroll">
              <table className="table table--compact heatmap" aria-label="Mention rate by prompt and brand">
                <thead>
                  <tr>
                    {header('prompt', 'Prompt', 'heatmap-prompt')}
                    {header('answers', 'n')}
                    {heatmap.columns.map((c) =>
                      header(`entity:${c.entityId}`, c.kind === 'brand' ? `${c.name} (you)` : c.name),
                    )}
                    {header('gap', 'Gap')}
                  </tr>
                </thead>
                <tbody>
                  {shown.map((row) => (
                    <tr key={row.promptId} data-testid="heatmap-row" data-prompt-id={row.promptId}>
                      <th scope="row" className="heatmap-prompt">
                        <button type="button" className="link-button" onClick={() => onOpen(row.promptId, null)}>
                          {row.prompt}
                        </button>
                      </th>
                      <td>{row.answers}</td>
                      {row.cells.map((cell, i) => {
                        const column = heatmap.columns[i];
                        if (!column) return null;
                        const colors = heatColors(cell.rate, column.kind);
                        const detail =
                          cell.rate === null || !cell.ci
                            ? `${column.name}: not tracked in these answers`
                            : `${column.name}: ${cell.mentioned} of ${row.answers} answers (${pct(cell.rate)}; 95% interval ${pct(cell.ci[0])} – ${pct(cell.ci[1])})`;
                        return (
                          <td key={cell.entityId} className="heatmap-cell" style={colors}>
                            {cell.rate === null ? (
                              <span className="muted">—</span>
                            ) : (
                              <button
                                type="button"
                                className="heatmap-button"
                                title={detail}
                                aria-label={`${detail}. Open the answers`}
                                data-testid="heatmap-cell"
                                data-entity-id={cell.entityId}
                                onClick={() => onOpen(row.promptId, cell.entityId)}
                              >
                                {pct(cell.rate)}
                              </button>
                            )}
                          </td>
                        );
                      })}
                      <td className={row.gap !== null && row.gap < 0 ? 'cell-bad' : undefined}>
                        {row.gap === null ? '—' : pts(row.gap)}
                        {row.gap !== null && !row.gapSignificant ? (
                          <span className="matrix-ci">inside the noise</span>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {rows.length > shown.length ? (
              <p className="panel-pad">
                <button type="button" className="button button--small button--ghost" onClick={() => setShowAll(true)}>
                  Show all {rows.length} prompts
                </button>
              </p>
            ) : null}
          </>
        )}
      </QueryState>
    </section>
  );
}
