// Pairing: get a one-time code, poll until the user enters it in the web app,
// then store the extension token. The popup drives polling (about every 2 s
// while it is open); every step re-reads chrome.storage, so a restarted
// worker carries on where the last one stopped.

import { ERR } from '../lib/errors.js';
import { KEYS, createStore } from '../lib/storage.js';
import { normalizeApiUrl } from '../lib/url.js';
import { ApiError, PATHS } from './api.js';
import { createStatus, pairedView, unpairedView } from './status.js';

/** Backoff after a 429 without a usable Retry-After. */
export const DEFAULT_RETRY_AFTER_MS = 5_000;
/** A code this close to expiry is not shown again; a fresh one is requested. */
export const CODE_MIN_REMAINING_MS = 5_000;
/** Used when the backend omits expires_in. */
export const DEFAULT_CODE_TTL_S = 600;

/**
 * @param {{chrome: object, api: ReturnType<import('./api.js').createApi>, now?: () => number}} deps
 */
export function createPairing({ chrome, api, now = Date.now }) {
  const store = createStore(chrome);
  const status = createStatus({ chrome, api, now });

  async function newCode(apiUrl) {
    const { data } = await api.request(PATHS.CODES, { method: 'POST', baseUrl: apiUrl });
    const { code, poll_secret: pollSecret, expires_in: expiresIn } = data ?? {};
    if (typeof code !== 'string' || code === '' || typeof pollSecret !== 'string' || pollSecret === '') {
      throw new ApiError(ERR.BAD_RESPONSE, 'The pairing-code answer lacks code or poll_secret');
    }
    const ttl = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_CODE_TTL_S;
    const pending = { code, pollSecret, expiresAt: now() + ttl * 1000, apiUrl, nextPollAt: 0 };
    await store.set(KEYS.PENDING_CODE, pending);
    return pending;
  }

  /** Show a code: reuse the stored one while it is valid, else get a new one. */
  async function start({ force = false } = {}) {
    const pairing = await store.get(KEYS.PAIRING);
    if (pairing) return pairedView(pairing);
    const apiUrl = await store.get(KEYS.API_URL);
    let pending = await store.get(KEYS.PENDING_CODE);
    const reusable =
      !force && pending && pending.apiUrl === apiUrl && pending.expiresAt - now() > CODE_MIN_REMAINING_MS;
    if (!reusable) pending = await newCode(apiUrl);
    return unpairedView(apiUrl, pending, now());
  }

  async function renew(reason) {
    return { ...(await start({ force: true })), renewed: reason };
  }

  async function complete(pending, data) {
    const { token, expires_at: expiresAt } = data;
    if (typeof token !== 'string' || token === '') {
      throw new ApiError(ERR.BAD_RESPONSE, 'The pairing answer has no token');
    }
    // The token is bound to the URL that issued it. The answer's `api_url` is
    // informational only: following it would send the token to a host the
    // user never typed in.
    const pairing = {
      token,
      expiresAt: expiresAt ?? null,
      apiUrl: pending.apiUrl,
      email: null,
      pairedAt: new Date(now()).toISOString(),
      lastSyncAt: null,
    };
    await store.set(KEYS.PAIRING, pairing);
    await store.remove(KEYS.PENDING_CODE);
    // A new pairing may be another PingCRM account: its first sync starts
    // from scratch (re-pushing is harmless, skipping is not).
    await store.remove(KEYS.SYNC_CURSOR);
    await store.remove(KEYS.SYNC_STATUS);
    try {
      return pairedView(await status.refreshAccount());
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // Paired all the same; the email is filled in by the next status/get.
      const latest = await store.get(KEYS.PAIRING);
      return latest ? { ...pairedView(latest), warning: err.toJSON() } : status.get();
    }
  }

  /** One poll of GET /extension/pair. */
  async function poll() {
    const pairing = await store.get(KEYS.PAIRING);
    if (pairing) return pairedView(pairing);
    const apiUrl = await store.get(KEYS.API_URL);
    const pending = await store.get(KEYS.PENDING_CODE);
    if (!pending || pending.apiUrl !== apiUrl) return start({ force: true });
    if (now() >= pending.expiresAt) return renew(ERR.CODE_EXPIRED);
    if (now() < pending.nextPollAt) {
      return { ...unpairedView(apiUrl, pending, now()), retryAfterMs: pending.nextPollAt - now() };
    }
    let answer;
    try {
      answer = await api.request(`${PATHS.PAIR}?code=${encodeURIComponent(pending.code)}`, {
        baseUrl: pending.apiUrl,
        headers: { 'X-Pairing-Secret': pending.pollSecret },
      });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      switch (err.status) {
        case 410: // expired on the server
          return renew(ERR.CODE_EXPIRED);
        case 404: // the server does not know it (restarted, or already consumed)
          return renew(ERR.CODE_UNKNOWN);
        case 403: // our poll secret does not match: this code is useless to us
        case 409: // the token was already collected (its answer never reached us): start over
          return renew(ERR.CODE_REJECTED);
        case 429: {
          const wait = Math.max(err.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, 1000);
          const latest = await store.get(KEYS.PENDING_CODE);
          if (latest?.code === pending.code) {
            await store.set(KEYS.PENDING_CODE, { ...latest, nextPollAt: now() + wait });
          }
          return { ...unpairedView(apiUrl, pending, now()), retryAfterMs: wait };
        }
        default:
          throw err;
      }
    }
    const body = answer.data ?? {};
    if (answer.status === 200 && body.status === 'paired') return complete(pending, body);
    if (body.status === 'pending') return unpairedView(apiUrl, pending, now());
    throw new ApiError(ERR.BAD_RESPONSE, `Unexpected pairing answer (HTTP ${answer.status})`, {
      status: answer.status,
    });
  }

  /**
   * Revoke the token on the backend and forget it here. The local pairing is
   * cleared even when the backend cannot be told, so "Disconnect" always works.
   */
  async function disconnect() {
    const pairing = await store.get(KEYS.PAIRING);
    if (!pairing) return { serverConfirmed: false, wasPaired: false };
    let serverError = null;
    try {
      await api.request(PATHS.PAIR, { method: 'DELETE', auth: true });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code !== ERR.PAIRING_REVOKED && err.code !== ERR.NOT_PAIRED) serverError = err.toJSON();
    }
    await store.remove(KEYS.PAIRING);
    await store.remove(KEYS.PENDING_CODE);
    return { serverConfirmed: serverError === null, wasPaired: true, ...(serverError ? { warning: serverError } : {}) };
  }

  /** Change the PingCRM URL; only while unpaired. Returns the new pairing view. */
  async function setApiUrl(input) {
    const apiUrl = normalizeApiUrl(input);
    if (!apiUrl) throw new ApiError(ERR.INVALID_API_URL, `Not an http(s) URL: ${String(input)}`);
    if (await store.get(KEYS.PAIRING)) {
      throw new ApiError(ERR.ALREADY_PAIRED, 'Disconnect before changing the PingCRM URL');
    }
    const previous = await store.get(KEYS.API_URL);
    await store.set(KEYS.API_URL, apiUrl);
    if (previous !== apiUrl) await store.remove(KEYS.PENDING_CODE);
    return start({ force: previous !== apiUrl });
  }

  return { start, poll, disconnect, setApiUrl };
}
