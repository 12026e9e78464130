// The node's public API, as any client reads it: Sentry's paths under /api/0/organizations/{org}/, a read token
// sent as Authorization: Bearer, errors as {"detail": …}. The token lives in this browser's localStorage only.

const TOKEN_KEY = 'crashfree.readToken';

/** The organization's slug, written into the page by the node. */
export const ORGANIZATION = document.querySelector('meta[name="crashfree-organization"]').content;

/** An API answer that is not 2xx. */
export class ApiError extends Error {
  constructor(status, detail, url) {
    super(`${status}: ${detail}`);
    this.status = status;
    this.detail = detail;
    this.url = url;
  }

  /** Whether the node refused the token (the page then asks to sign in again). */
  get refused() {
    return this.status === 401 || this.status === 403;
  }
}

/**
 * Moves a token given in the URL's fragment (#token=…, the link bin/crashfree run prints) into storage and removes it
 * from the address bar and history, so that it is neither shared with a copied link nor kept in the history.
 * The fragment is never sent to a server.
 */
export function takeTokenFromFragment() {
  if (!location.hash || location.hash.length < 2) {
    return;
  }
  const params = new URLSearchParams(location.hash.slice(1));
  if (!params.has('token')) {
    return;
  }
  const token = params.get('token').trim();
  params.delete('token');
  if (token) {
    localStorage.setItem(TOKEN_KEY, token);
  }
  const rest = params.toString();
  history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
}

export function token() {
  return localStorage.getItem(TOKEN_KEY);
}

export function signIn(value) {
  localStorage.setItem(TOKEN_KEY, value.trim());
}

export function signOut() {
  localStorage.removeItem(TOKEN_KEY);
}

/**
 * @param path under /api/0/organizations/{org}/, e.g. 'releases/'.
 * @param params [[name, value], …] (repeatable names) or an object; null and '' values are left out.
 */
export function apiUrl(path, params = []) {
  const query = new URLSearchParams();
  const entries = Array.isArray(params) ? params : Object.entries(params);
  for (const [name, value] of entries) {
    if (value !== null && value !== undefined && value !== '') {
      query.append(name, String(value));
    }
  }
  const qs = query.toString();
  return `/api/0/organizations/${encodeURIComponent(ORGANIZATION)}/${path}${qs ? `?${qs}` : ''}`;
}

/**
 * GETs a path of the API.
 * @returns {Promise<{json: *, link: object, url: string}>}
 * @throws ApiError for an answer that is not 2xx, with the node's detail.
 */
export async function get(path, params) {
  const url = apiUrl(path, params);
  let response;
  try {
    response = await fetch(url, {
      headers: { Authorization: `Bearer ${token() || ''}`, Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError(0, `the node did not answer (${e.message})`, url);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const detail = body && typeof body.detail === 'string' ? body.detail : response.statusText;
    throw new ApiError(response.status, detail, url);
  }
  return { json: body, link: parseLink(response.headers.get('Link')), url };
}

/**
 * Sentry's pagination header: <url>; rel="previous"; results="false"; cursor="…", <url>; rel="next"; …
 * @returns {{previous: {results: boolean, cursor: string}|null, next: {results: boolean, cursor: string}|null}}
 */
export function parseLink(header) {
  const link = { previous: null, next: null };
  if (!header) {
    return link;
  }
  const pattern = /<[^>]*>((?:\s*;\s*[a-zA-Z]+="[^"]*")*)/g;
  let m;
  while ((m = pattern.exec(header)) !== null) {
    const attrs = {};
    for (const a of m[1].matchAll(/([a-zA-Z]+)="([^"]*)"/g)) {
      attrs[a[1]] = a[2];
    }
    if (attrs.rel === 'previous' || attrs.rel === 'next') {
      link[attrs.rel] = { results: attrs.results === 'true', cursor: attrs.cursor || '' };
    }
  }
  return link;
}
