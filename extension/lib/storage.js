// Every chrome.storage key the extension uses, with its area and default.
// Declared once here; nothing else names a key as a string literal.
//
// local   survives browser restarts; readable by every extension context.
// session in memory until the browser closes; by default only trusted
//         contexts (worker, popup) can read it, never content scripts —
//         so short-lived secrets such as the pairing poll secret live here.

export const DEFAULT_API_URL = 'http://127.0.0.1:8000';

export const KEYS = Object.freeze({
  /** string: the PingCRM base URL the user configured. */
  API_URL: 'apiUrl',
  /**
   * null | {token, expiresAt, apiUrl, email, pairedAt, lastSyncAt}
   * Present ⇔ paired. `apiUrl` is the URL the token was issued by; the token
   * is only ever sent there.
   */
  PAIRING: 'pairing',
  /**
   * null | {code, pollSecret, expiresAt (epoch ms), apiUrl, nextPollAt (epoch ms)}
   * The pairing code currently shown in the popup.
   */
  PENDING_CODE: 'pendingCode',
  /**
   * null | {memberId, watermark, gaps: [{before, after, initial?, pushed?}],
   *         mailbox: {synced, newestAt, oldestAt}}
   * How far LinkedIn message sync got (docs/linkedin-sync.md §3). `memberId`
   * is the LinkedIn account it belongs to. Written only after the backend
   * acknowledged the pushes it covers.
   */
  SYNC_CURSOR: 'syncCursor',
  /**
   * null | {runId, heartbeatAt (epoch ms)}
   * The one running sync. A heartbeat older than SYNC_STALE_MS belongs to a
   * worker Chrome stopped, and is taken over.
   */
  SYNC_LOCK: 'syncLock',
  /**
   * null | {state, progress: {done, total}, lastSuccessAt, lastRun, backoffUntil,
   *         message, failedQuery, mailbox, history, updatedAt, finishedAt}
   * What the popup shows about message sync (states in lib/sync-state.js).
   */
  SYNC_STATUS: 'syncStatus',
  /**
   * null | {until (epoch ms), level}
   * LinkedIn asked us to slow down: no sync before `until`. `level` counts
   * the backoffs in a row (the wait doubles with each); a successful sync
   * removes it.
   */
  SYNC_BACKOFF: 'syncBackoff',
  /**
   * null | {ids: {conversations?, messages?}, foundAt, triedAt, unfixed: [queryId]}
   * LinkedIn's GraphQL query ids found in its web app (linkedin/query-ids.js):
   * `ids` replace the built-in ones; `triedAt` is the last discovery and
   * `unfixed` the failing ids it found no replacement for.
   */
  QUERY_IDS: 'voyagerQueryIds',
  /**
   * null | {min, max} (ms): the pause between two Voyager calls, replacing
   * 400–1200 ms. Read only by an unpacked (development) extension, so the
   * real-browser tests can sync 1,200 conversations in seconds; a store
   * install ignores it.
   */
  VOYAGER_PACING: 'voyagerPacing',
  /**
   * null | {[threadId]: {memberId, slug, name, at (epoch ms)}}
   * Who each 1:1 LinkedIn conversation is with, recorded by the sync as it
   * parses conversations (at most MAX_THREAD_PARTNERS, newest activity
   * kept), so P in a composer can name the partner of /messaging/thread/<id>/.
   */
  THREAD_PARTNERS: 'threadPartners',
});

const SPEC = Object.freeze({
  [KEYS.API_URL]: { area: 'local', default: DEFAULT_API_URL },
  [KEYS.PAIRING]: { area: 'local', default: null },
  [KEYS.PENDING_CODE]: { area: 'session', default: null },
  // local: a sync resumes after a browser restart, and a lock left by a
  // killed worker must outlive it to be recognised as stale.
  [KEYS.SYNC_CURSOR]: { area: 'local', default: null },
  [KEYS.SYNC_LOCK]: { area: 'local', default: null },
  [KEYS.SYNC_STATUS]: { area: 'local', default: null },
  [KEYS.SYNC_BACKOFF]: { area: 'local', default: null },
  [KEYS.QUERY_IDS]: { area: 'local', default: null },
  [KEYS.VOYAGER_PACING]: { area: 'local', default: null },
  [KEYS.THREAD_PARTNERS]: { area: 'local', default: null },
});

function spec(key) {
  const s = SPEC[key];
  if (!s) throw new Error(`undeclared storage key: ${key}`);
  return s;
}

/** Storage area name ('local' | 'session') of a declared key. */
export function areaOf(key) {
  return spec(key).area;
}

/**
 * A small typed facade over chrome.storage for the declared keys.
 * `chrome` is passed in so tests can hand a fake.
 */
export function createStore(chrome) {
  const area = (key) => chrome.storage[spec(key).area];
  return {
    async get(key) {
      const s = spec(key);
      const got = await area(key).get(key);
      return got[key] === undefined ? structuredClone(s.default) : got[key];
    },
    async set(key, value) {
      await area(key).set({ [key]: value });
    },
    async remove(key) {
      await area(key).remove(key);
    },
  };
}

/**
 * Call `callback(key, newValue)` whenever one of `keys` changes in its own
 * area. Returns a function that removes the listener.
 */
export function onKeysChanged(chrome, keys, callback) {
  const wanted = new Set(keys);
  const listener = (changes, areaName) => {
    for (const [key, change] of Object.entries(changes)) {
      if (wanted.has(key) && SPEC[key].area === areaName) {
        callback(key, change.newValue === undefined ? SPEC[key].default : change.newValue);
      }
    }
  };
  chrome.storage.onChanged.addListener(listener);
  return () => chrome.storage.onChanged.removeListener(listener);
}
