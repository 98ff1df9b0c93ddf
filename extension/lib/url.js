// Helpers for the user-configurable PingCRM URL (pure, no chrome.*).

/**
 * Normalise a user-typed PingCRM URL to `scheme://host[:port][/path]` without
 * a trailing slash, query or fragment. Returns null when it is not http(s).
 */
export function normalizeApiUrl(input) {
  if (typeof input !== 'string') return null;
  let url;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) return null;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

/**
 * Host-permission match pattern covering an API URL. Chrome match patterns
 * ignore the port, so `http://10.0.0.5:8000` → `http://10.0.0.5/*`.
 */
export function hostPermissionPattern(apiUrl) {
  const url = new URL(apiUrl);
  return `${url.protocol}//${url.hostname}/*`;
}

/** Join a base API URL and an absolute path (`/api/...`); refuses anything else. */
export function joinUrl(apiUrl, path) {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
    throw new TypeError(`API path must be absolute (start with one "/"): ${path}`);
  }
  const url = new URL(apiUrl + path);
  if (url.origin !== new URL(apiUrl).origin) {
    throw new TypeError(`API path escapes the API origin: ${path}`);
  }
  return url.toString();
}
