/** A post from the social or news web, normalised across sources. */
export interface RawSignal {
  source: string;
  externalId: string;
  url: string | null;
  author: string | null;
  text: string;
  language: string | null;
  publishedAt: string;
}

export interface PollResult {
  signals: RawSignal[];
  /** Opaque cursor to resume from; persisted only after the signals are published. */
  nextCursor: string | null;
  caughtUp: boolean;
}

/** A pull connector (Reddit, RSS, X, Meta...). */
export interface SignalConnector {
  readonly kind: string;
  poll(config: unknown, cursor: string | null, signal?: AbortSignal): Promise<PollResult>;
}
