import { createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { DemoCorpus } from './corpus.ts';
import { clampInt, decodeToken, encodeToken, safeEqual, send } from './replay-http.ts';

/**
 * The Meta Graph API part of the replay (`/meta/v{n}/...`): a Page's posts with nested comments, and a post's comments
 * edge. As Graph behaves with a Page token: the token reads its own Page only (another Page is code 100 subcode 33),
 * apps requiring it refuse calls without `appsecret_proof`, the Page throttle is code 80001 with
 * `X-Business-Use-Case-Usage`, and a nested `comments.limit(n)` answers at most n comments with `paging.next` when
 * the thread has more (read on through `/{post-id}/comments`). Comments show once their time has come.
 */

/** The Page the replay Page token belongs to. */
export const REPLAY_META_PAGE_ID = '104857600000001';
/** Pages that exist (username or id → id): the demo brand's and a competitor's the token cannot read. */
const META_PAGES = new Map([
  ['acmeanalytics', REPLAY_META_PAGE_ID],
  [REPLAY_META_PAGE_ID, REPLAY_META_PAGE_ID],
  ['rivalco', '104857600000002'],
  ['104857600000002', '104857600000002'],
]);

export const graphError = (code: number, message: string, type: string, subcode?: number) => ({
  error: { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'AReplayTrace' },
});

const missingPermissions = (id: string) =>
  graphError(
    100,
    `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    'GraphMethodException',
    33,
  );

export interface MetaGraphFault {
  unauthorized?: boolean;
  remaining?: number;
  pageThrottleMinutes?: number;
}

interface RawComment {
  id: string;
  created_time: string;
  [field: string]: unknown;
}

const commentMs = (c: RawComment) => Date.parse(c.created_time.replace('+0000', 'Z'));

export function metaGraph(deps: {
  corpus: DemoCorpus;
  now: () => number;
  accessToken: string;
  appSecret?: string | undefined;
  /** Ids removed by their author or the Page (gone from the posts list; their comments edge answers code 100). */
  removed: ReadonlySet<string>;
}) {
  const { corpus, now } = deps;

  /** A post's comments shown now, newest first when asked (Graph's default order is chronological). */
  function commentsOf(postId: string, reverse: boolean): RawComment[] | null {
    const post = corpus.pagePosts.find((p) => p.raw.id === postId && p.createdMs <= now() && !deps.removed.has(postId));
    if (!post) return null;
    const all = (post.raw.comments as { data: RawComment[] }).data.filter((c) => commentMs(c) <= now());
    return [...all].sort((a, b) => (reverse ? commentMs(b) - commentMs(a) : commentMs(a) - commentMs(b)));
  }

  /** One page of a list with Graph's cursor paging; `next` is there only when there is more. */
  function paged<T>(all: T[], start: number, limit: number, url: URL) {
    const data = all.slice(start, start + limit);
    const cursors = { before: encodeToken(start), after: encodeToken(start + data.length) };
    const next = new URL(url.toString());
    next.searchParams.set('after', cursors.after);
    const more = start + limit < all.length;
    return {
      data,
      paging: {
        cursors,
        ...(more ? { next: `https://graph.facebook.com${next.pathname.slice('/meta'.length)}${next.search}` } : {}),
      },
    };
  }

  return function meta(res: ServerResponse, url: URL, fault?: MetaGraphFault) {
    const match = url.pathname.match(/^\/meta\/v\d+\.\d+\/([A-Za-z0-9._]+)\/(posts|comments)$/);
    if (!match) return send(res, 400, graphError(100, 'Unknown path components', 'GraphMethodException'));
    const token = url.searchParams.get('access_token') ?? '';
    if (fault?.unauthorized || !safeEqual(token, deps.accessToken)) {
      return send(
        res,
        400,
        graphError(
          190,
          'Error validating access token: Session has expired on Friday, 04-Dec-26 10:00:00 PST.',
          'OAuthException',
          463,
        ),
      );
    }
    // Apps with "Require app secret" on refuse calls without appsecret_proof = HMAC-SHA256(app secret, token).
    if (deps.appSecret) {
      const proof = url.searchParams.get('appsecret_proof');
      if (!proof) {
        return send(
          res,
          400,
          graphError(100, 'API calls from the server require an appsecret_proof argument', 'GraphMethodException'),
        );
      }
      const expected = createHmac('sha256', deps.appSecret).update(token).digest('hex');
      if (!safeEqual(proof, expected)) {
        return send(
          res,
          400,
          graphError(100, 'Invalid appsecret_proof provided in the API argument', 'GraphMethodException'),
        );
      }
    }
    const object = match[1] ?? '';
    const edge = match[2];
    if (edge === 'posts' && !META_PAGES.has(object)) {
      return send(
        res,
        400,
        graphError(803, `Some of the aliases you requested do not exist: ${object}`, 'OAuthException'),
      );
    }
    // A Page token reads its own Page (and its posts, `{page-id}_{post}`) only: anything else is "missing permissions".
    const owner = edge === 'posts' ? META_PAGES.get(object) : object.split('_')[0];
    if (owner !== REPLAY_META_PAGE_ID) return send(res, 400, missingPermissions(object));
    if (fault?.pageThrottleMinutes) {
      return send(
        res,
        400,
        graphError(
          80001,
          'There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
          'OAuthException',
        ),
        {
          'x-business-use-case-usage': JSON.stringify({
            [REPLAY_META_PAGE_ID]: [
              {
                type: 'pages',
                call_count: 100,
                total_cputime: 20,
                total_time: 35,
                estimated_time_to_regain_access: fault.pageThrottleMinutes,
              },
            ],
          }),
        },
      );
    }
    const usage = JSON.stringify({ call_count: fault?.remaining === 0 ? 100 : 12, total_cputime: 5, total_time: 7 });
    if (fault?.remaining === 0) {
      return send(res, 400, graphError(4, 'Application request limit reached', 'OAuthException'), {
        'x-app-usage': usage,
      });
    }
    const limit = clampInt(url.searchParams.get('limit'), 1, 100, 25);
    const start = decodeToken(url.searchParams.get('after'));
    if (edge === 'comments') {
      const comments = commentsOf(object, url.searchParams.get('order') === 'reverse_chronological');
      if (!comments) return send(res, 400, missingPermissions(object));
      return send(
        res,
        200,
        { ...paged(comments, start, limit, url), summary: { total_count: comments.length } },
        { 'x-app-usage': usage },
      );
    }
    const fields = url.searchParams.get('fields') ?? '';
    const nested = fields.match(
      /comments\.order\(reverse_chronological\)(?:\.filter\((?:stream|toplevel)\))?\.limit\((\d+)\)/,
    );
    const nestedLimit = nested ? Math.min(100, Number(nested[1])) : 0;
    const visible = corpus.pagePosts.filter((p) => p.createdMs <= now() && !deps.removed.has(String(p.raw.id)));
    const since = Number(url.searchParams.get('since') ?? '');
    const inWindow = Number.isFinite(since) && since > 0 ? visible.filter((p) => p.createdMs >= since * 1000) : visible;
    const page = paged(inWindow, start, limit, url);
    const data = page.data.map((p) => {
      const shown = commentsOf(String(p.raw.id), true) ?? [];
      const edgeUrl = new URL(url.toString());
      edgeUrl.pathname = url.pathname.replace(/[^/]+\/posts$/, `${String(p.raw.id)}/comments`);
      edgeUrl.search = '';
      edgeUrl.searchParams.set('order', 'reverse_chronological');
      edgeUrl.searchParams.set('limit', String(nestedLimit || 25));
      return {
        ...p.raw,
        comments: nestedLimit
          ? { ...paged(shown, 0, nestedLimit, edgeUrl), summary: { total_count: shown.length } }
          : { data: [], summary: { total_count: shown.length } },
      };
    });
    return send(res, 200, { data, paging: page.paging }, { 'x-app-usage': usage });
  };
}
