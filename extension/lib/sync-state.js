// Message-sync states, shared by the worker (which writes KEYS.SYNC_STATUS)
// and the popup (which shows it).

export const SYNC_STATE = Object.freeze({
  IDLE: 'idle',
  RUNNING: 'running',
  /** No LinkedIn cookies, or LinkedIn answered 401/403. */
  SESSION_EXPIRED: 'session_expired',
  /** LinkedIn rate-limited or challenged us; see KEYS.SYNC_BACKOFF. */
  BACKOFF: 'backoff',
  /**
   * LinkedIn rejected a query (400) and its web app named no other query id,
   * or it answered JSON the parsers cannot read. `failedQuery` names the query.
   */
  FORMAT_CHANGED: 'format_changed',
  /** LinkedIn refused the worker's own requests and no LinkedIn tab is open to make them from. */
  NEEDS_TAB: 'needs_tab',
  /** PingCRM unreachable or rejected the push (or LinkedIn unreachable). */
  ERROR: 'error',
});

/**
 * A running sync updates its lock and status at least this often; one that
 * stopped longer ago belongs to a worker Chrome stopped.
 */
export const SYNC_STALE_MS = 60_000;

/** True when `status` says "running" but nobody has updated it for SYNC_STALE_MS. */
export function isStalledRun(status, now) {
  return status?.state === SYNC_STATE.RUNNING && !(now - (status.updatedAt ?? 0) < SYNC_STALE_MS);
}
