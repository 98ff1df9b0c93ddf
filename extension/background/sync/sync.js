// Message sync: when a trigger starts a sync, the lock around it, and the
// outcome in KEYS.SYNC_STATUS (what the popup shows) and KEYS.SYNC_BACKOFF.
//
// Triggers are events only, no alarms: a LinkedIn page load (the content
// script) and the popup's Sync Now. Both are answered as soon as the sync
// has started; it then continues in the worker and reports through storage,
// which the popup follows with chrome.storage.onChanged.

import { ERR } from '../../lib/errors.js';
import { KEYS, createStore } from '../../lib/storage.js';
import { SYNC_STATE } from '../../lib/sync-state.js';
import { ApiError, createApi } from '../api.js';
import { nextBackoff } from './backoff.js';
import { SyncLockLost, createSyncLock } from './lock.js';
import { runSync } from './run.js';
import { createVoyager } from '../linkedin/voyager.js';

/** A page load syncs only when the last successful sync is older than this. */
export const AUTO_SYNC_AFTER_MS = 2 * 60 * 60_000;
/**
 * After a sync that failed in a way retrying soon cannot fix (a query
 * LinkedIn rejects, PingCRM down), page loads wait this long before trying
 * again, instead of repeating the same LinkedIn calls on every page.
 */
export const AUTO_RETRY_AFTER_FAILURE_MS = 15 * 60_000;
const RETRY_LATER = new Set([SYNC_STATE.FORMAT_CHANGED, SYNC_STATE.ERROR]);

/** `reason` of a trigger answer `{started: false, reason}`. */
export const NOT_STARTED = Object.freeze({
  RUNNING: 'running',
  BACKOFF: 'backoff',
  RECENT: 'recent',
  RECENT_FAILURE: 'recent_failure',
  NOT_PAIRED: 'not_paired',
});

const TRIGGER = Object.freeze({ PAGE_LOAD: 'page_load', NOW: 'now' });

const STATE_OF_ERROR = {
  [ERR.LINKEDIN_SESSION_EXPIRED]: SYNC_STATE.SESSION_EXPIRED,
  [ERR.LINKEDIN_SLOW_DOWN]: SYNC_STATE.BACKOFF,
  [ERR.LINKEDIN_FORMAT_CHANGED]: SYNC_STATE.FORMAT_CHANGED,
  [ERR.LINKEDIN_NEEDS_TAB]: SYNC_STATE.NEEDS_TAB,
};

const EMPTY_STATUS = Object.freeze({
  state: SYNC_STATE.IDLE,
  progress: null,
  lastSuccessAt: null,
  lastRun: null,
  mailbox: null,
  history: null,
  backoffUntil: null,
  message: null,
  failedQuery: null,
  finishedAt: null,
});

/**
 * @param {{chrome: object, fetch: Function, now?: () => number, random?: () => number,
 *          sleep?: (ms: number) => Promise<void>, voyagerDelayMs?: {min: number, max: number},
 *          pacingOverride?: boolean, api?: ReturnType<typeof createApi>, log?: {error?: Function}}} deps
 *   `sleep`, `voyagerDelayMs` and `pacingOverride` pace the Voyager calls
 *   (Node tests pass a no-op sleep; see voyager.js for the override).
 */
export function createSync(deps) {
  const { chrome, fetch, now = Date.now, random = Math.random, sleep, log = console } = deps;
  const store = createStore(chrome);
  const api = deps.api ?? createApi(deps);
  const lock = createSyncLock({ chrome, now, random });
  const voyager = createVoyager({
    chrome,
    fetch,
    now,
    random,
    sleep,
    delayMs: deps.voyagerDelayMs,
    pacingOverride: deps.pacingOverride,
  });
  // The in-memory guard: this worker instance's trigger-and-run, or null.
  // The storage lock alone cannot stop two triggers of the same instance
  // that both read "unlocked" before either writes.
  let active = null;

  async function writeStatus(patch) {
    const current = (await store.get(KEYS.SYNC_STATUS)) ?? EMPTY_STATUS;
    await store.set(KEYS.SYNC_STATUS, { ...current, ...patch, updatedAt: now() });
  }

  async function decide(trigger) {
    if (!(await store.get(KEYS.PAIRING))) {
      if (trigger === TRIGGER.NOW) throw new ApiError(ERR.NOT_PAIRED, 'This browser is not paired with PingCRM');
      return { started: false, reason: NOT_STARTED.NOT_PAIRED };
    }
    const backoff = await store.get(KEYS.SYNC_BACKOFF);
    if (backoff && now() < backoff.until) {
      return { started: false, reason: NOT_STARTED.BACKOFF, backoffUntil: backoff.until };
    }
    // After "open linkedin.com to sync", the page the user opened syncs at once.
    const status = await store.get(KEYS.SYNC_STATUS);
    if (trigger === TRIGGER.PAGE_LOAD && status?.state !== SYNC_STATE.NEEDS_TAB) {
      if (status?.lastSuccessAt && now() - status.lastSuccessAt < AUTO_SYNC_AFTER_MS) {
        return { started: false, reason: NOT_STARTED.RECENT };
      }
      if (RETRY_LATER.has(status?.state) && now() - (status.finishedAt ?? 0) < AUTO_RETRY_AFTER_FAILURE_MS) {
        return { started: false, reason: NOT_STARTED.RECENT_FAILURE };
      }
    }
    const runId = await lock.acquire();
    if (!runId) return { started: false, reason: NOT_STARTED.RUNNING };
    await writeStatus({
      state: SYNC_STATE.RUNNING,
      progress: { done: 0, total: 0 },
      message: null,
      failedQuery: null,
      backoffUntil: null,
    });
    return { started: true, runId };
  }

  async function recordFailure(err) {
    const finishedAt = now();
    if (!(err instanceof ApiError)) {
      log.error?.('PingCRM: sync failed', err);
      await writeStatus({ state: SYNC_STATE.ERROR, message: 'Internal error in the extension', finishedAt });
      return;
    }
    if (err.code === ERR.LINKEDIN_SLOW_DOWN) {
      const backoff = nextBackoff(await store.get(KEYS.SYNC_BACKOFF), err.retryAfterMs, finishedAt);
      await store.set(KEYS.SYNC_BACKOFF, backoff);
      await writeStatus({ state: SYNC_STATE.BACKOFF, backoffUntil: backoff.until, message: err.message, finishedAt });
      return;
    }
    await writeStatus({
      state: STATE_OF_ERROR[err.code] ?? SYNC_STATE.ERROR,
      message: err.message,
      failedQuery: err.query,
      finishedAt,
    });
  }

  async function run(runId) {
    let reported = null;
    const checkpoint = async (progress) => {
      await lock.heartbeat(runId);
      if (progress && JSON.stringify(progress) !== JSON.stringify(reported)) {
        reported = progress;
        await writeStatus({ progress });
      }
    };
    try {
      const session = await voyager.openSession();
      const { counts, mailbox, history } = await runSync({ session, api, chrome, checkpoint });
      await store.remove(KEYS.SYNC_BACKOFF);
      await writeStatus({
        state: SYNC_STATE.IDLE,
        lastSuccessAt: now(),
        finishedAt: now(),
        lastRun: counts,
        mailbox,
        // A first sync walks no history: what an earlier sync learned stays.
        ...(history ? { history } : {}),
        message: null,
        failedQuery: null,
        backoffUntil: null,
      });
    } catch (err) {
      // A run whose lock was taken over stops without a word: the run that
      // took over owns the status now.
      if (!(err instanceof SyncLockLost)) await recordFailure(err);
    } finally {
      await lock.release(runId);
    }
  }

  function trigger(kind) {
    if (active) return Promise.resolve({ started: false, reason: NOT_STARTED.RUNNING });
    let finished;
    active = new Promise((resolve) => {
      finished = () => {
        active = null;
        resolve();
      };
    });
    return decide(kind).then(
      ({ runId, ...answer }) => {
        if (!answer.started) {
          finished();
          return answer;
        }
        // Not awaited: the trigger is answered now, the sync runs on.
        run(runId)
          .catch((err) => log.error?.('PingCRM: sync failed', err)) // storage failed; nobody else to tell
          .finally(finished);
        return answer;
      },
      (err) => {
        finished();
        throw err;
      },
    );
  }

  return {
    /** A LinkedIn page loaded. → {started, reason?, backoffUntil?} */
    pageLoaded: () => trigger(TRIGGER.PAGE_LOAD),
    /** Popup "Sync now": ignores the 2 h rule, not the lock or a backoff. Throws not_paired. */
    syncNow: () => trigger(TRIGGER.NOW),
    /** Resolves once this instance's current sync (if any) has finished. */
    settled: () => active ?? Promise.resolve(),
  };
}
