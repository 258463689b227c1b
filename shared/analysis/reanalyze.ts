/**
 * Re-analysis of stored raw texts after the entity configuration (aliases, competitors, domains) or the engine
 * version changed: no provider calls, deterministic, and it reports what changed so the pipeline job can replace
 * the derived results (and emit corrected events) only where needed.
 */

import {
  ANALYZER_VERSION,
  type AnalyzerOptions,
  analyzeText,
  type CompiledEntities,
  compileEntities,
} from './analyze.ts';
import type { Analysis, ProviderCitation, TextKind, TrackedEntity } from './types.ts';

/** A stored raw text and, optionally, the analysis currently derived from it. */
export interface StoredText {
  id: string;
  text: string;
  kind?: TextKind;
  citations?: ProviderCitation[];
  previous?: Pick<Analysis, 'analyzerVersion' | 'configFingerprint' | 'entities'> | null;
}

export interface ReanalysisItem {
  id: string;
  analysis: Analysis;
  /** False when a previous analysis exists and was already current (same version and configuration). */
  recomputed: boolean;
  /** Entities mentioned now but not before / before but not now (empty when there was no previous analysis). */
  addedEntities: string[];
  removedEntities: string[];
}

export interface ReanalysisSummary {
  total: number;
  recomputed: number;
  /** Items whose set of mentioned entities changed. */
  changedMentions: number;
}

/** True when an analysis was made with another engine version or another entity configuration. */
export function isStale(
  previous: Pick<Analysis, 'analyzerVersion' | 'configFingerprint'>,
  compiled: CompiledEntities,
): boolean {
  return previous.analyzerVersion !== ANALYZER_VERSION || previous.configFingerprint !== compiled.fingerprint;
}

/**
 * Re-analyses stored texts with the current configuration. Current analyses are kept unless `force` is set.
 * Accepts either compiled entities (preferred for batches) or raw entities.
 */
export function reanalyze(
  items: Iterable<StoredText>,
  config: CompiledEntities | readonly TrackedEntity[],
  options: AnalyzerOptions & { force?: boolean } = {},
): { items: ReanalysisItem[]; summary: ReanalysisSummary } {
  const compiled = Array.isArray(config) ? compileEntities(config, options) : (config as CompiledEntities);
  const out: ReanalysisItem[] = [];
  let recomputed = 0;
  let changedMentions = 0;
  for (const item of items) {
    const prev = item.previous ?? null;
    if (prev && !options.force && !isStale(prev, compiled) && 'mentions' in prev) {
      out.push({ id: item.id, analysis: prev as Analysis, recomputed: false, addedEntities: [], removedEntities: [] });
      continue;
    }
    const analysis = analyzeText({ text: item.text, kind: item.kind ?? 'answer', citations: item.citations }, compiled);
    recomputed++;
    let addedEntities: string[] = [];
    let removedEntities: string[] = [];
    if (prev) {
      const before = new Set(prev.entities.filter((e) => e.mentioned).map((e) => e.entityId));
      const now = new Set(analysis.entities.filter((e) => e.mentioned).map((e) => e.entityId));
      addedEntities = [...now].filter((id) => !before.has(id));
      removedEntities = [...before].filter((id) => !now.has(id));
      if (addedEntities.length > 0 || removedEntities.length > 0) changedMentions++;
    }
    out.push({ id: item.id, analysis, recomputed: true, addedEntities, removedEntities });
  }
  return { items: out, summary: { total: out.length, recomputed, changedMentions } };
}
