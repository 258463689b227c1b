import type { Confidence } from '../contracts/actions.ts';

/**
 * Confidence of a finding in [0, 1]: a sample-size weight n/(n + 20) times the tightness of the interval the
 * finding rests on (1 - its width, widths of rates being in [0, 1]). Small samples and wide intervals both lower
 * it. Levels: high ≥ 0.55, medium ≥ 0.3, else low.
 */
export function confidenceOf(n: number, intervalWidth: number): Confidence {
  const sizeWeight = n > 0 ? n / (n + CONFIDENCE_N_HALF) : 0;
  const tightness = 1 - Math.min(1, Math.max(0, intervalWidth));
  const score = round3(sizeWeight * tightness);
  return { level: score >= 0.55 ? 'high' : score >= 0.3 ? 'medium' : 'low', score, n };
}

/** n at which the sample-size weight of the confidence is one half. */
export const CONFIDENCE_N_HALF = 20;

export const URGENCY_WEIGHT = { high: 1, medium: 0.5, low: 0 } as const;

/** Weights of the priority score (docs/actions.md). */
export const PRIORITY_WEIGHTS = { impact: 0.5, confidence: 0.3, urgency: 0.2 } as const;

/**
 * Priority score, 0-100: `100 × (0.5 × impact + 0.3 × confidence + 0.2 × urgency)` with impact and confidence in
 * [0, 1] and urgency high = 1, medium = 0.5, low = 0. One decimal.
 */
export function priorityScore(impact: number, confidence: number, urgency: keyof typeof URGENCY_WEIGHT): number {
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const raw =
    PRIORITY_WEIGHTS.impact * clamp(impact) +
    PRIORITY_WEIGHTS.confidence * clamp(confidence) +
    PRIORITY_WEIGHTS.urgency * URGENCY_WEIGHT[urgency];
  return Math.round(1000 * raw) / 10;
}

export const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** FNV-1a (32 bit) as hex: a stable, dependency-free fingerprint of evidence (not a security hash). */
export function fingerprint(parts: readonly (string | number | null)[]): string {
  let hash = 0x811c9dc5;
  const text = parts.map((p) => (p === null ? '∅' : String(p))).join('|');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
