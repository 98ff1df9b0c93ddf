// The ONE backend client. Every feature (pairing, message sync) talks to
// PingCRM through `createApi(deps).request(...)`; nothing else calls fetch.
//
// - JSON in, JSON out; errors are problem details {type,title,status,detail,code}.
// - `auth: true` sends `Authorization: Bearer <token>` to the URL the token
//   was issued by (pairing.apiUrl) and nowhere else.
// - On a 401 it exchanges the token once at /extension/refresh, stores the new
//   token and retries once. A declined refresh (401) clears the pairing, which
//   flips the popup to the unpaired view through chrome.storage.onChanged.
// - A fetch that never gets an HTTP answer becomes `server_unreachable`.

import { ERR } from '../lib/errors.js';
import { KEYS, createStore } from '../lib/storage.js';
import { hostPermissionPattern, joinUrl } from '../lib/url.js';

export const PATHS = Object.freeze({
  CODES: '/api/v1/extension/codes',
  PAIR: '/api/v1/extension/pair',
  REFRESH: '/api/v1/extension/refresh',
  STATUS: '/api/v1/extension/status',
  LINKEDIN_PUSH: '/api/v1/linkedin/push',
  LINKEDIN_HISTORY: '/api/v1/linkedin/history',
  LINKEDIN_BACKFILL: '/api/v1/linkedin/backfill',
  SUGGESTIONS: '/api/v1/suggestions',
});

/** A contact's photo as the browser fetched it (PUT, raw image bytes; `source_url` names where it came from). */
export function contactPhotoPath(contactId, sourceUrl) {
  return `/api/v1/contacts/${encodeURIComponent(contactId)}/photo?source_url=${encodeURIComponent(sourceUrl)}`;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * An error with a stable `code` (see lib/errors.js or the server's problem `code`).
 * `query`: for LinkedIn errors, the Voyager query that failed ('conversations', 'messages').
 */
export class ApiError extends Error {
  constructor(code, message, { status = 0, retryAfterMs = null, problem = null, query = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.problem = problem;
    this.query = query;
  }

  /** The `{code, message}` shape used in worker answers (+ `retryAfterMs` when the server asked to wait). */
  toJSON() {
    const json = { code: this.code, message: this.message };
    if (this.retryAfterMs != null) json.retryAfterMs = this.retryAfterMs;
    return json;
  }
}

const STATUS_CODES = {
  401: ERR.UNAUTHORIZED,
  429: ERR.RATE_LIMITED,
};

/** Parse a Retry-After header (delta seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value, now) {
  if (value == null || value === '') return null;
  const trimmed = String(value).trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

async function readBody(res) {
  if (res.status === 204 || res.status === 205) return null;
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not JSON
  }
}

function errorFromResponse(res, body, now) {
  const problem = body && typeof body === 'object' ? body : null;
  const code =
    (problem && typeof problem.code === 'string' && problem.code) ||
    STATUS_CODES[res.status] ||
    (res.status >= 500 ? ERR.SERVER_ERROR : ERR.HTTP_ERROR);
  const message =
    (problem && (problem.detail || problem.title)) || `PingCRM answered HTTP ${res.status}`;
  return new ApiError(code, String(message), {
    status: res.status,
    retryAfterMs: parseRetryAfter(res.headers.get('Retry-After'), now()),
    problem,
  });
}

/**
 * Build the backend client.
 * @param {{chrome: object, fetch: Function, now?: () => number, timeoutMs?: number}} deps
 */
export function createApi({ chrome, fetch, now = Date.now, timeoutMs = DEFAULT_TIMEOUT_MS }) {
  const store = createStore(chrome);

  async function ensureHostPermission(baseUrl) {
    const contains = chrome.permissions?.contains;
    if (!contains) return;
    const granted = await chrome.permissions.contains({ origins: [hostPermissionPattern(baseUrl)] });
    if (!granted) {
      throw new ApiError(
        ERR.HOST_PERMISSION_REQUIRED,
        `The extension has no permission to reach ${new URL(baseUrl).origin}`,
      );
    }
  }

  async function send(baseUrl, path, { method = 'GET', body, bytes, headers = {} } = {}) {
    const url = joinUrl(baseUrl, path);
    await ensureHostPermission(baseUrl);
    const init = {
      method,
      headers: { Accept: 'application/json', ...headers },
      credentials: 'omit', // never send browser cookies to the backend
      cache: 'no-store',
      redirect: 'error', // a redirect could carry the token to another host
      signal: AbortSignal.timeout(timeoutMs),
    };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    } else if (bytes !== undefined) {
      init.headers['Content-Type'] = bytes.contentType;
      init.body = bytes.data;
    }
    let res;
    try {
      res = await fetch(url, init);
    } catch (err) {
      throw new ApiError(
        ERR.SERVER_UNREACHABLE,
        `Cannot reach ${new URL(baseUrl).origin} (${err?.name === 'TimeoutError' ? 'timed out' : err?.message ?? err})`,
      );
    }
    let parsed;
    try {
      parsed = await readBody(res);
    } catch (err) {
      throw new ApiError(ERR.SERVER_UNREACHABLE, `Connection lost while reading the answer (${err?.message ?? err})`);
    }
    if (!res.ok) throw errorFromResponse(res, parsed, now);
    if (parsed === undefined) {
      throw new ApiError(ERR.BAD_RESPONSE, `Expected JSON from ${path} (HTTP ${res.status})`, { status: res.status });
    }
    return { status: res.status, data: parsed, headers: res.headers };
  }

  /**
   * Exchange the token of `failed` for a fresh one. Returns the updated pairing.
   * Clears the pairing when the backend declines (401).
   */
  async function refresh(failed) {
    const current = await store.get(KEYS.PAIRING);
    if (!current) throw new ApiError(ERR.NOT_PAIRED, 'Not paired');
    if (current.token !== failed.token) return current; // someone refreshed meanwhile
    let answer;
    try {
      answer = await send(current.apiUrl, PATHS.REFRESH, { method: 'POST', body: { token: current.token } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        const latest = await store.get(KEYS.PAIRING);
        if (latest && latest.token === current.token) await store.remove(KEYS.PAIRING);
        throw new ApiError(ERR.PAIRING_REVOKED, 'PingCRM no longer accepts this browser; pair it again', {
          status: 401,
          problem: err.problem,
        });
      }
      throw err;
    }
    const { token, expires_at: expiresAt } = answer.data ?? {};
    if (typeof token !== 'string' || token === '') {
      throw new ApiError(ERR.BAD_RESPONSE, 'Refresh answer has no token', { status: answer.status });
    }
    const latest = await store.get(KEYS.PAIRING);
    if (!latest) throw new ApiError(ERR.NOT_PAIRED, 'Disconnected while refreshing');
    if (latest.token !== current.token) return latest;
    const updated = { ...latest, token, expiresAt: expiresAt ?? null };
    await store.set(KEYS.PAIRING, updated);
    return updated;
  }

  /**
   * Call the backend.
   * @param {string} path absolute path such as '/api/v1/extension/status'
   * @param {{method?: string, body?: any, bytes?: {data: ArrayBuffer, contentType: string}, auth?: boolean,
   *          baseUrl?: string, headers?: object}} options
   *   `body` is sent as JSON, `bytes` as they are; `baseUrl` (unauthenticated calls only) overrides the
   *   configured URL.
   * @returns {Promise<{status: number, data: any, headers: Headers}>}
   */
  async function request(path, { method = 'GET', body, bytes, auth = false, baseUrl, headers = {} } = {}) {
    if (!auth) {
      const base = baseUrl ?? (await store.get(KEYS.API_URL));
      return send(base, path, { method, body, bytes, headers });
    }
    if (baseUrl !== undefined) throw new TypeError('baseUrl is not allowed with auth: the token goes only to its own server');
    const pairing = await store.get(KEYS.PAIRING);
    if (!pairing?.token) throw new ApiError(ERR.NOT_PAIRED, 'This browser is not paired with PingCRM');
    const withToken = (p) => ({ method, body, bytes, headers: { ...headers, Authorization: `Bearer ${p.token}` } });
    try {
      return await send(pairing.apiUrl, path, withToken(pairing));
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
    }
    const renewed = await refresh(pairing);
    return send(renewed.apiUrl, path, withToken(renewed));
  }

  return { request, refresh };
}
