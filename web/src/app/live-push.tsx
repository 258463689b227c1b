import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import type { UserManager } from 'oidc-client-ts';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { type PushMessage, PushMessageSchema } from '../../../shared/contracts/index.ts';
import { webSocketProtocols } from '../../../shared/contracts/websocket-auth.ts';
import { applyRunSummary, queryKeys } from '../api/queries.ts';
import { applyActionsPush } from '../features/actions/actions-api.ts';
import { applyReanalysisPush } from '../features/reanalysis/reanalysis-api.ts';
import { applySignalPush } from '../features/signals/signals-api.ts';
import { useRuntime } from './runtime.tsx';

/**
 * State of the push channel:
 * - `unavailable`: `/config.json` has no `websocketUrl` — pages poll;
 * - `connecting` / `disconnected` (retrying with backoff) — pages poll meanwhile;
 * - `connected`: pushed run updates land in the query caches; pages only keep a slow safety poll.
 */
export type PushStatus = 'unavailable' | 'connecting' | 'connected' | 'disconnected';

/** API Gateway drops WebSocket connections idle for 10 minutes; a ping every 5 keeps it open. */
export const PING_INTERVAL_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
/** Push frames are at most 32 KB; anything much larger is not ours. */
const MAX_FRAME_CHARS = 64 * 1024;

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s … capped at 30 s. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * `websocketUrl` as a ws(s) URL; relative paths use this origin. The access token never goes in the URL (proxies
 * and access logs keep URLs): it is offered as a subprotocol ({@link webSocketProtocols}).
 */
export function socketUrl(base: string, location: Location = window.location): string {
  const url = new URL(base, location.href);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.toString();
}

/**
 * The current access token, or null when there is none or it is (about to be) expired. Renewal is left to
 * oidc-client-ts' automatic silent renew and the API client, so two refreshes never race with one refresh token;
 * a renewed token (`userLoaded`) triggers a reconnect at once.
 */
async function currentToken(userManager: UserManager): Promise<string | null> {
  try {
    const user = await userManager.getUser();
    return user && !user.expired && (user.expires_in ?? 60) > 5 ? user.access_token : null;
  } catch {
    return null;
  }
}

/** Applies one pushed frame to the caches. Anything that is not a valid {@link PushMessage} is ignored. */
export function handlePushFrame(queryClient: QueryClient, raw: string): PushMessage | null {
  if (raw.length > MAX_FRAME_CHARS) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = PushMessageSchema.safeParse(json);
  if (!parsed.success) return null;
  const message = parsed.data;
  if (message.type === 'run.progressed' || message.type === 'run.completed') {
    applyRunSummary(queryClient, message.run);
    if (message.type === 'run.completed') {
      // Final per-provider counts, errors and items: fetched when next looked at (open pages refresh themselves).
      void queryClient.invalidateQueries({ queryKey: queryKeys.run(message.run.id), refetchType: 'none' });
      void queryClient.invalidateQueries({ queryKey: queryKeys.runItemsAll(message.run.id), refetchType: 'none' });
    }
  }
  // Signals: new signals and swing alerts (web/src/features/signals).
  applySignalPush(queryClient, message);
  // Action Hub: new or refreshed actions (web/src/features/actions).
  applyActionsPush(queryClient, message);
  // Re-analysis: the re-scoring banner and the Admin list (web/src/features/reanalysis).
  applyReanalysisPush(queryClient, message);
  return message;
}

/**
 * Owns the app's one WebSocket to the push endpoint for as long as the signed-in shell is mounted: connects
 * with the current access token (a fresh one on every reconnect), pings every 5 minutes, reconnects with backoff (and at once when the browser comes
 * back online), folds `run.progressed` / `run.completed` into the TanStack Query caches, and after every
 * (re)connect refreshes the run queries on screen to catch up on anything missed while disconnected.
 */
export function useLivePush(): PushStatus {
  const { config, userManager } = useRuntime();
  const queryClient = useQueryClient();
  const base = config.websocketUrl;
  const [status, setStatus] = useState<PushStatus>(base ? 'connecting' : 'unavailable');

  useEffect(() => {
    if (!base) {
      setStatus('unavailable');
      return;
    }
    let stopped = false;
    let socket: WebSocket | null = null;
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;

    const scheduleReconnect = () => {
      if (stopped) return;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void connect(), reconnectDelay(attempt));
      attempt += 1;
    };

    const connect = async () => {
      if (stopped || socket) return;
      setStatus(attempt === 0 ? 'connecting' : 'disconnected');
      const token = await currentToken(userManager);
      if (stopped || socket) return;
      if (!token) {
        scheduleReconnect();
        return;
      }
      let url: string;
      try {
        url = socketUrl(base);
      } catch {
        setStatus('unavailable');
        return;
      }
      const ws = new WebSocket(url, webSocketProtocols(token));
      socket = ws;
      ws.onopen = () => {
        if (stopped) return;
        attempt = 0;
        setStatus('connected');
        clearInterval(pingTimer);
        pingTimer = setInterval(() => {
          if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ action: 'ping' }));
        }, PING_INTERVAL_MS);
        void queryClient.invalidateQueries({ queryKey: queryKeys.runs, refetchType: 'active' });
      };
      ws.onmessage = (event: MessageEvent) => {
        if (typeof event.data === 'string') handlePushFrame(queryClient, event.data);
        else if (event.data instanceof Blob) void event.data.text().then((text) => handlePushFrame(queryClient, text));
      };
      ws.onclose = () => {
        clearInterval(pingTimer);
        if (socket === ws) socket = null;
        if (stopped) return;
        setStatus('disconnected');
        scheduleReconnect();
      };
      // An error is always followed by close, which reconnects.
      ws.onerror = () => {};
    };

    const connectNow = () => {
      if (socket || stopped) return;
      clearTimeout(retryTimer);
      attempt = 0;
      void connect();
    };
    window.addEventListener('online', connectNow);
    userManager.events.addUserLoaded(connectNow);
    void connect();

    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      window.removeEventListener('online', connectNow);
      userManager.events.removeUserLoaded(connectNow);
      const ws = socket;
      socket = null;
      if (ws) {
        ws.onclose = null;
        ws.onmessage = null;
        if (ws.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close(1000, 'leaving');
        else ws.close(1000, 'leaving');
      }
    };
  }, [base, userManager, queryClient]);

  return status;
}

const PushStatusContext = createContext<PushStatus>('unavailable');

/** Mounts {@link useLivePush} once for the signed-in app and shares its status with the pages. */
export function LivePushProvider({ children }: { children: ReactNode }) {
  const status = useLivePush();
  return <PushStatusContext value={status}>{children}</PushStatusContext>;
}

export function usePushStatus(): PushStatus {
  return useContext(PushStatusContext);
}

/** While a run is going: every 3 s without a push channel; with one, a slow safety net only. */
export const RUN_POLL_MS = 3_000;
export const RUN_SAFETY_POLL_MS = 30_000;

export function runPollInterval(status: PushStatus, active: boolean): number | false {
  if (!active) return false;
  return status === 'connected' ? RUN_SAFETY_POLL_MS : RUN_POLL_MS;
}
