// The state the popup shows, built from chrome.storage (never from globals),
// optionally verified against GET /api/v1/extension/status.

import { ERR } from '../lib/errors.js';
import { KEYS, createStore } from '../lib/storage.js';
import { ApiError, PATHS } from './api.js';

/** What pages see of a pairing: never the token. */
export function pairedView(pairing) {
  return {
    paired: true,
    apiUrl: pairing.apiUrl,
    email: pairing.email ?? null,
    pairedAt: pairing.pairedAt ?? null,
    lastSyncAt: pairing.lastSyncAt ?? null,
    expiresAt: pairing.expiresAt ?? null,
  };
}

/** What pages see while unpaired: never the poll secret. */
export function unpairedView(apiUrl, pending, now, extra = {}) {
  const usable = pending && pending.apiUrl === apiUrl && pending.expiresAt > now;
  return {
    paired: false,
    apiUrl,
    pending: usable ? { code: pending.code, expiresAt: pending.expiresAt } : null,
    ...extra,
  };
}

/**
 * @param {{chrome: object, api: ReturnType<import('./api.js').createApi>, now?: () => number}} deps
 */
export function createStatus({ chrome, api, now = Date.now }) {
  const store = createStore(chrome);

  /** Ask the backend who we are and store email / paired_at / last_sync_at. */
  async function refreshAccount() {
    const { data } = await api.request(PATHS.STATUS, { auth: true });
    const latest = await store.get(KEYS.PAIRING);
    if (!latest) throw new ApiError(ERR.NOT_PAIRED, 'Disconnected meanwhile');
    const updated = {
      ...latest,
      email: typeof data?.email === 'string' ? data.email : latest.email ?? null,
      pairedAt: data?.paired_at ?? latest.pairedAt ?? null,
      lastSyncAt: data?.last_sync_at ?? latest.lastSyncAt ?? null,
    };
    await store.set(KEYS.PAIRING, updated);
    return updated;
  }

  async function localView(extra) {
    const pairing = await store.get(KEYS.PAIRING);
    if (pairing) return { ...pairedView(pairing), ...extra };
    const [apiUrl, pending] = [await store.get(KEYS.API_URL), await store.get(KEYS.PENDING_CODE)];
    return unpairedView(apiUrl, pending, now(), extra);
  }

  /**
   * State for the popup. With `verify`, a paired state is checked against the
   * backend (which may renew the token, or clear a revoked pairing).
   */
  async function get({ verify = false } = {}) {
    const pairing = await store.get(KEYS.PAIRING);
    if (!pairing || !verify) return localView();
    try {
      return pairedView(await refreshAccount());
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // Revoked → the pairing is gone and the view is unpaired; other
      // failures (server down…) keep the pairing and carry a warning.
      return localView(err.code === ERR.PAIRING_REVOKED || err.code === ERR.NOT_PAIRED ? {} : { warning: err.toJSON() });
    }
  }

  return { get, refreshAccount };
}
