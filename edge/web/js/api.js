// The web app's one backend client: fetch + problem-details errors + the web token.
//
// Where the web token lives: sessionStorage, not localStorage. It is scoped to
// this tab and disappears when the tab closes, so a token is never left behind
// on a shared machine and a token stolen by an XSS bug does not outlive the
// tab. The price is signing in again in a new tab, which is acceptable for a
// settings-style app whose token is short-lived anyway. The stored expiry lets
// us treat an expired token as "signed out" without a round-trip.

const SESSION_KEY = 'pingcrm.session';

export const session = {
  /** @returns {{token: string, expiresAt: number, email: string} | null} */
  get() {
    try {
      const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
      if (!stored?.token || (stored.expiresAt && Date.now() >= stored.expiresAt)) return null;
      return stored;
    } catch {
      return null;
    }
  },
  set({ token, expiresIn, email }) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : 0;
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token, expiresAt, email }));
  },
  clear() {
    sessionStorage.removeItem(SESSION_KEY);
  },
};

/** A failed API call; `status` 0 means no HTTP answer at all. */
export class ApiError extends Error {
  constructor({ status, code, detail, retryAfter = null }) {
    super(detail || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    /** Seconds to wait, from the Retry-After header (429), or null. */
    this.retryAfter = retryAfter;
  }
}

let onUnauthorized = () => {};

/** Called with the ApiError whenever an authenticated call answers 401. */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value, now = Date.now()) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - now) / 1000));
}

async function problemFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML error page, say): fall back to the status line.
  }
  return new ApiError({
    status: response.status,
    code: typeof body?.code === 'string' ? body.code : 'http_error',
    detail: typeof body?.detail === 'string' ? body.detail : response.statusText,
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
  });
}

/**
 * Call the API. `auth` (default true) sends the web token and turns a 401
 * into "signed out". Resolves to the parsed JSON body, or null for 204.
 * @param {string} path absolute path such as `/api/v1/me`
 * @param {{method?: string, body?: unknown, auth?: boolean, signal?: AbortSignal}} options
 */
export async function api(path, { method = 'GET', body, auth = true, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth) {
    const current = session.get();
    if (!current) {
      const error = new ApiError({ status: 401, code: 'signed_out', detail: 'You are signed out.' });
      onUnauthorized(error);
      throw error;
    }
    headers.Authorization = `Bearer ${current.token}`;
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', // the bearer token is the only credential
      signal,
    });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'network_error', detail: 'PingCRM cannot be reached.' });
  }
  if (!response.ok) {
    const error = await problemFrom(response);
    if (response.status === 401 && auth) {
      session.clear();
      onUnauthorized(error);
    }
    throw error;
  }
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') ?? '';
  return type.includes('json') ? response.json() : null;
}

/**
 * Upload one file as multipart/form-data (field `file`) with the web token.
 * XMLHttpRequest rather than fetch: only it reports upload progress.
 * Resolves to the parsed JSON answer; rejects with an ApiError like `api`.
 * @param {string} path
 * @param {File} file
 * @param {{onProgress?: (sent: number, total: number) => void, signal?: AbortSignal}} options
 */
export function upload(path, file, { onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    const current = session.get();
    if (!current) {
      const error = new ApiError({ status: 401, code: 'signed_out', detail: 'You are signed out.' });
      onUnauthorized(error);
      reject(error);
      return;
    }
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.setRequestHeader('Authorization', `Bearer ${current.token}`);
    request.setRequestHeader('Accept', 'application/json');
    request.responseType = 'text';
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded, event.total);
    });
    request.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // Not JSON: fall back to the status line.
      }
      if (request.status >= 200 && request.status < 300) {
        resolve(body);
        return;
      }
      const error = new ApiError({
        status: request.status,
        code: typeof body?.code === 'string' ? body.code : 'http_error',
        detail: typeof body?.detail === 'string' ? body.detail : request.statusText,
        retryAfter: parseRetryAfter(request.getResponseHeader('Retry-After')),
      });
      if (request.status === 401) {
        session.clear();
        onUnauthorized(error);
      }
      reject(error);
    });
    request.addEventListener('error', () =>
      reject(new ApiError({ status: 0, code: 'network_error', detail: 'PingCRM cannot be reached.' })),
    );
    request.addEventListener('abort', () => reject(new DOMException('The upload was cancelled.', 'AbortError')));
    signal?.addEventListener('abort', () => request.abort());
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

/** A sentence a person can act on, for any failed call. */
export function describeError(error) {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (error.status) {
    case 0:
      return 'PingCRM cannot be reached. Check your connection and try again.';
    case 429:
      return error.retryAfter != null
        ? `Too many attempts — try again in ${error.retryAfter} s.`
        : 'Too many attempts — try again in a moment.';
    case 501:
      return 'This part of PingCRM is not available on this server yet.';
    case 502:
    case 503:
      return 'A PingCRM service is unavailable right now. Try again in a moment.';
    case 504:
      return 'PingCRM took too long to answer. Try again in a moment.';
    default:
      if (error.status >= 500) return 'PingCRM hit an internal error. Try again in a moment.';
      return sentence(error.detail) || `The request failed (HTTP ${error.status}).`;
  }
}

/** Capitalise and end with a full stop: "email is not a valid address" → "Email is not a valid address." */
export function sentence(text) {
  if (!text) return '';
  const trimmed = String(text).trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
