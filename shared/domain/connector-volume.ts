import type { ConnectorConfig } from '../contracts/connectors.ts';

/**
 * Posts X's plans let an app read a month (recent search), at the time of writing; X changes its plans, so the
 * figures are quoted as "at the time of writing" wherever they are shown.
 */
export const X_MONTHLY_POST_CAPS = { basic: 15_000, pro: 1_000_000 } as const;

export interface VolumeEstimate {
  /** Posts a day the query or source yields, from the newest items of the sample; null with fewer than 2. */
  postsPerDay: number | null;
  /** What the estimate rests on. */
  basis: string;
  /** X: the share of the plan's monthly cap this connector alone would read; null elsewhere. */
  capShare: number | null;
  /** Said to the user when the connector would spend much of a shared budget. */
  warning: string | null;
}

/**
 * A preview of what a connector will read: the newest items of a newest-first source arrive at about n / (now −
 * oldest of them) a day (the n most recent events of a steady stream), so a sample of the newest posts estimates
 * the daily volume; for X it is compared with the plan's monthly post cap, which every X connector of the app shares.
 */
export function estimateVolume(
  config: ConnectorConfig,
  publishedAt: readonly string[],
  now: Date,
  /** Posts read with the sample but not kept (X reposts, duplicates): X counts them against the cap too. */
  readButSkipped = 0,
): VolumeEstimate {
  const times = publishedAt.map((t) => Date.parse(t)).filter((t) => Number.isFinite(t) && t <= now.getTime());
  if (times.length < 2) {
    return {
      postsPerDay: null,
      basis: `${times.length} dated item${times.length === 1 ? '' : 's'}`,
      capShare: null,
      warning: null,
    };
  }
  const oldest = Math.min(...times);
  const days = Math.max(now.getTime() - oldest, 3600_000) / 86_400_000;
  const postsPerDay = times.length / days;
  const hours = Math.round(days * 24);
  const basis = `the newest ${times.length} items, the oldest ${hours >= 48 ? `${Math.round(hours / 24)} days` : `${hours} h`} old`;
  if (config.source !== 'x') return { postsPerDay: round(postsPerDay), basis, capShare: null, warning: null };
  const tier = config.tier ?? 'basic';
  const cap = X_MONTHLY_POST_CAPS[tier];
  const month = postsPerDay * ((times.length + readButSkipped) / times.length) * 30;
  const capShare = month / cap;
  const plan = tier === 'pro' ? 'Pro' : 'Basic';
  const warning =
    capShare >= 0.5
      ? `≈${Math.round(month).toLocaleString('en')} posts a month: ${Math.round(capShare * 100)}% of the X ${plan} plan's ${cap.toLocaleString('en')}-post monthly cap (at the time of writing), which every X connector shares — narrow the query (exclude reposts and replies, add terms) or expect the connector to pause when the cap is used up`
      : null;
  return { postsPerDay: round(postsPerDay), basis, capShare: Math.round(capShare * 1000) / 1000, warning };
}

const round = (n: number) => (n >= 10 ? Math.round(n) : Math.round(n * 10) / 10);
