/**
 * How a browser signs in to the WebSocket without putting its access token in the URL (where proxies and access
 * logs keep it): it offers two subprotocols, `promptpulse.v1` and `bearer.<access token>`, in the
 * `Sec-WebSocket-Protocol` header (the one header a browser lets a page set on a WebSocket). `$connect` verifies
 * the token and answers with `promptpulse.v1` as the selected subprotocol; a JWT is made of characters a
 * subprotocol token may hold (`A-Z a-z 0-9 - _ .`).
 */
export const WEBSOCKET_SUBPROTOCOL = 'promptpulse.v1';
const BEARER_PREFIX = 'bearer.';

/** The subprotocols to offer: `new WebSocket(url, webSocketProtocols(token))`. */
export function webSocketProtocols(accessToken: string): string[] {
  return [WEBSOCKET_SUBPROTOCOL, `${BEARER_PREFIX}${accessToken}`];
}

/** The access token from a `Sec-WebSocket-Protocol` request header, if the client offered one. */
export function accessTokenFromProtocols(header: string | null | undefined): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const value = part.trim();
    if (value.startsWith(BEARER_PREFIX) && value.length > BEARER_PREFIX.length)
      return value.slice(BEARER_PREFIX.length);
  }
  return undefined;
}
