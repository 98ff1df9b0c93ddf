// Message types exchanged between extension pages and the service worker.
// Declared once here; every sender and the worker's handler map import them.
//
// Every message is `{type, payload}`. The worker always answers
// `{ok: true, data}` or `{ok: false, error: {code, message}}` (see errors.js).

export const MSG = Object.freeze({
  /** Popup opened: get (or reuse) a pairing code. payload: {} → PairingView */
  PAIRING_START: 'pairing/start',
  /** Popup tick (about every 2 s): ask the backend whether the code was paired. payload: {} → PairingView */
  PAIRING_POLL: 'pairing/poll',
  /** Current state for the popup. payload: {verify?: boolean} → StatusView */
  STATUS_GET: 'status/get',
  /** Forget the token here and revoke it on the backend. payload: {} → {serverConfirmed: boolean} */
  PAIRING_DISCONNECT: 'pairing/disconnect',
  /** Change the PingCRM URL (only while unpaired). payload: {apiUrl: string} → PairingView */
  SETTINGS_SET_API_URL: 'settings/set-api-url',
  /**
   * A LinkedIn page loaded (sent by content/linkedin-page.js, which spells
   * the type itself: classic content scripts cannot import this module).
   * Syncs when paired, not backing off and the last success is over 2 h old.
   * payload: {} → SyncTriggerAnswer
   */
  SYNC_PAGE_LOADED: 'sync/page-loaded',
  /** Popup "Sync now": sync at once unless running or backing off. payload: {} → SyncTriggerAnswer */
  SYNC_NOW: 'sync/now',
  /**
   * P in a LinkedIn composer (sent by content/composer/, which spells the
   * type itself): the pending suggestions for the conversation's partner.
   * payload: {threadId?, profile?: {memberId} | {slug}, name?} → {partner, suggestions}
   */
  SUGGESTIONS_FOR_CONVERSATION: 'suggestions/for-conversation',
  /** R in a LinkedIn composer: a fresh draft of one suggestion. payload: {id} → Suggestion */
  SUGGESTIONS_REGENERATE: 'suggestions/regenerate',
  /** The user sent an inserted suggestion from a LinkedIn composer. payload: {id} → Suggestion */
  SUGGESTIONS_MARK_SENT: 'suggestions/mark-sent',
});

const KNOWN = new Set(Object.values(MSG));

/** True when `type` is one of the declared message types. */
export function isKnownType(type) {
  return KNOWN.has(type);
}

/** Build a message envelope. */
export function message(type, payload = {}) {
  if (!isKnownType(type)) throw new Error(`unknown message type: ${type}`);
  return { type, payload };
}
