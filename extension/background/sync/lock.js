// The sync lock (KEYS.SYNC_LOCK): at most one sync at a time, also across a
// worker restart. Chrome stops an idle worker (and may stop a busy one, e.g.
// on browser exit) without running any cleanup, so the lock carries a
// heartbeat; one not renewed for SYNC_STALE_MS is taken over.
//
// Read-then-write is enough here: only one service worker instance exists at
// a time, and sync.js serialises triggers within it (an in-memory guard).

import { KEYS, createStore } from '../../lib/storage.js';
import { SYNC_STALE_MS } from '../../lib/sync-state.js';

/** Thrown by heartbeat() once another run took the lock over: this run must stop quietly. */
export class SyncLockLost extends Error {
  constructor() {
    super('Another sync took over the lock');
    this.name = 'SyncLockLost';
  }
}

/**
 * @param {{chrome: object, now?: () => number, random?: () => number}} deps
 */
export function createSyncLock({ chrome, now = Date.now, random = Math.random }) {
  const store = createStore(chrome);

  /** Take the lock unless a live run holds it. Returns the new run id, or null. */
  async function acquire() {
    const held = await store.get(KEYS.SYNC_LOCK);
    if (held && now() - held.heartbeatAt < SYNC_STALE_MS) return null;
    const runId = `${now().toString(36)}-${Math.floor(random() * 2 ** 32).toString(36)}`;
    await store.set(KEYS.SYNC_LOCK, { runId, heartbeatAt: now() });
    return runId;
  }

  /** Renew the heartbeat of `runId`; throws SyncLockLost when it is no longer ours. */
  async function heartbeat(runId) {
    const held = await store.get(KEYS.SYNC_LOCK);
    if (held?.runId !== runId) throw new SyncLockLost();
    await store.set(KEYS.SYNC_LOCK, { runId, heartbeatAt: now() });
  }

  /** Drop the lock if it is still ours. */
  async function release(runId) {
    const held = await store.get(KEYS.SYNC_LOCK);
    if (held?.runId === runId) await store.remove(KEYS.SYNC_LOCK);
  }

  return { acquire, heartbeat, release };
}
