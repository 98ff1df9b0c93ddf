// One GET to LinkedIn → the plain answer both routes hand to answers.js:
// `{status, url, redirected, contentType, retryAfter, text}`, or
// `{status: 0, error}` when no HTTP answer came.
//
// The worker calls it directly; the in-tab route (in-tab.js) injects it into
// a LinkedIn page with chrome.scripting, which sends its source, not a
// closure: it must stay self-contained (no imports, no outer names) and
// never throw.

/**
 * @param {string} url absolute https://www.linkedin.com/… address
 * @param {Record<string, string>} headers
 * @param {number} timeoutMs
 * @param {number} maxChars characters of the body kept at most
 * @param {string|null} requiredOrigin when set, only run on a page of this origin (the in-tab route)
 * @param {Function} fetchImpl the worker passes its (injectable) fetch; in a page, the page's own
 */
export async function fetchAnswer(url, headers, timeoutMs, maxChars, requiredOrigin = null, fetchImpl = fetch) {
  if (requiredOrigin !== null && location.origin !== requiredOrigin) {
    return { status: 0, error: `the tab left ${requiredOrigin}`, left: true };
  }
  try {
    const res = await fetchImpl(url, {
      method: 'GET',
      headers,
      credentials: 'include',
      cache: 'no-store',
      // 'follow' rather than 'manual': a manual redirect is an opaque
      // answer whose target cannot be read, and the target is what tells a
      // security challenge (/checkpoint/ → back off) from the login page
      // (→ session expired). Healthy API calls never redirect.
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return {
      status: res.status,
      url: res.url,
      redirected: res.redirected,
      contentType: res.headers.get('Content-Type') ?? '',
      retryAfter: res.headers.get('Retry-After'),
      text: text.length > maxChars ? text.slice(0, maxChars) : text,
    };
  } catch (err) {
    return { status: 0, error: err && err.name === 'TimeoutError' ? 'timed out' : String((err && err.message) || err) };
  }
}
