import type { TrackedEntity } from '../analysis/types.ts';
import type { RollupCell } from '../ports/rollups.ts';

/** A tracked entity as the engine needs it: its name and the domains that classify citations. */
export interface SnapshotEntity {
  id: string;
  name: string;
  ownedDomains: string[];
}

/** One recent analysed answer (from the latest runs), with what the engine checks and quotes. */
export interface SnapshotAnswer {
  answerId: string;
  promptId: string;
  provider: string;
  /** ISO time the answer was given. */
  answeredAt: string;
  text: string;
  mentionedEntityIds: string[];
  citedDomains: string[];
  /** Sentiment toward the brand in [-1, 1], null when it is not mentioned. */
  brandSentiment: number | null;
}

/** A tracked prompt of the current prompt set. */
export interface SnapshotPrompt {
  id: string;
  text: string;
  topicId: string | null;
  branded: boolean;
}

/**
 * A social swing reported by the signals pipeline (`promptpulse.metric.alert`): the metric moved below its
 * baseline outside the noise. Optional input; the engine works without it.
 */
export interface SignalAlert {
  alertId: string;
  metric: string;
  /** Observed value and baseline, and how many posts the observation rests on. */
  value: number;
  baseline: number;
  n: number;
  /**
   * The detector's baseline: signals it rests on, and the spread it judged the day with (volume: the day's
   * negative-binomial sd; sentiment: the standard error of the day's difference from the baseline). Absent for
   * alerts from before the spread was carried.
   */
  baselineN?: number;
  spread?: number;
  significant: boolean;
  direction: 'up' | 'down';
  observedAt: string;
  posts: { url: string; title: string; sentiment: number | null }[];
}

/**
 * Everything the engine looks at for one brand, read through ports (rollups, warehouse, runs) by the use case.
 * The engine itself is a pure function of this snapshot and its configuration.
 */
export interface ActionSnapshot {
  tenantId: string;
  now: string;
  brand: SnapshotEntity & { topics: { id: string; name: string }[] };
  competitors: SnapshotEntity[];
  /** Brand first, then competitors, with aliases: what the analysis matcher highlights in quoted answers. */
  trackedEntities: TrackedEntity[];
  prompts: SnapshotPrompt[];
  /** Rollup cells of the current window (e.g. the last 7 days) and of the baseline window just before it. */
  current: { from: string; to: string; cells: RollupCell[] };
  baseline: { from: string; to: string; cells: RollupCell[] };
  /** Recent analysed answers (the latest runs), newest first. */
  answers: SnapshotAnswer[];
  alerts: SignalAlert[];
}
