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
});

const SPEC = Object.freeze({
  [KEYS.API_URL]: { area: 'local', default: DEFAULT_API_URL },
  [KEYS.PAIRING]: { area: 'local', default: null },
  [KEYS.PENDING_CODE]: { area: 'session', default: null },
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
