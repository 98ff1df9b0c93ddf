// How long to leave LinkedIn alone after it asked us to slow down (429, 999,
// a challenge page): 15 min, doubling with each backoff in a row, at most
// 24 h. A longer Retry-After wins, within the same 24 h cap (a broken header
// must not stop syncing for weeks).

export const BACKOFF_BASE_MS = 15 * 60_000;
export const BACKOFF_MAX_MS = 24 * 60 * 60_000;

/**
 * The backoff (KEYS.SYNC_BACKOFF value) after one more slow-down.
 * @param {{until: number, level: number} | null} previous the stored backoff; null after a success
 * @param {number | null} retryAfterMs LinkedIn's Retry-After, if any
 * @param {number} now
 */
export function nextBackoff(previous, retryAfterMs, now) {
  const level = previous ? previous.level + 1 : 0;
  const doubled = Math.min(BACKOFF_BASE_MS * 2 ** level, BACKOFF_MAX_MS);
  const wait = Math.min(Math.max(doubled, retryAfterMs ?? 0), BACKOFF_MAX_MS);
  return { until: now + wait, level };
}
