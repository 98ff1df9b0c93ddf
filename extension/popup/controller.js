// Popup controller. Talks to the service worker only through messages and
// follows chrome.storage.onChanged to flip between the unpaired and paired
// views and to show a running sync live (it reads the sync status from
// storage; it never writes storage). Dependencies are parameters so it can
// run against fakes.
//
// Unpaired, it shows one step at a time: where PingCRM is (the URL form,
// with "Looking for PingCRM at …" or why it cannot be reached) until that
// address hands out a code; then the code to enter there.

import { ERR, describeError } from '../lib/errors.js';
import { MSG, message } from '../lib/messages.js';
import { KEYS, createStore, onKeysChanged } from '../lib/storage.js';
import { hostPermissionPattern, normalizeApiUrl } from '../lib/url.js';
import { syncView } from './sync-view.js';

export const POLL_INTERVAL_MS = 2_000;

/**
 * @param {{document: Document, chrome: object, timers?: {setTimeout: Function, clearTimeout: Function},
 *          now?: () => number, pollIntervalMs?: number}} deps
 */
export function startPopup({ document, chrome, timers = globalThis, now = Date.now, pollIntervalMs = POLL_INTERVAL_MS }) {
  const $ = (id) => document.getElementById(id);
  const store = createStore(chrome);
  // Page-lifetime UI state only (the popup page lives while it is open).
  let current = null;
  let pollTimer = null;
  let pollInFlight = false;
  let syncSeq = 0; // orders sync-status reads and live changes
  let editingServer = false; // "Change" pressed: the address step, although a code is there

  async function send(type, payload = {}) {
    try {
      const answer = await chrome.runtime.sendMessage(message(type, payload));
      return answer ?? { ok: false, error: { code: ERR.EXTENSION_INTERNAL, message: 'No answer from the extension worker' } };
    } catch (err) {
      return { ok: false, error: { code: ERR.EXTENSION_INTERNAL, message: String(err?.message ?? err) } };
    }
  }

  function showError(error) {
    const el = $('error');
    el.textContent = error ? describeError(error) : '';
    el.hidden = !error;
    if (error) showChecking(null);
  }

  /** "Looking for PingCRM at …" while an address is asked for its first code; null hides it. */
  function showChecking(apiUrl) {
    const el = $('server-checking');
    el.textContent = apiUrl ? `Looking for PingCRM at ${apiUrl}…` : '';
    el.hidden = !apiUrl;
  }

  function showNotice(text) {
    const el = $('notice');
    el.textContent = text ?? '';
    el.hidden = !text;
  }

  function stopPolling() {
    if (pollTimer !== null) timers.clearTimeout(pollTimer);
    pollTimer = null;
  }

  function schedulePoll(delay) {
    if (pollTimer !== null || pollInFlight || current?.paired || editingServer) return;
    pollTimer = timers.setTimeout(pollOnce, Math.max(delay ?? pollIntervalMs, 0));
  }

  async function pollOnce() {
    pollTimer = null;
    if (current?.paired) return;
    pollInFlight = true;
    try {
      handle(await send(MSG.PAIRING_POLL));
    } finally {
      pollInFlight = false;
    }
    if (!current?.paired) schedulePoll(Math.max(current?.retryAfterMs ?? 0, pollIntervalMs));
  }

  function renderExpiry(view) {
    const el = $('code-expiry');
    if (!view.pending) {
      el.textContent = '';
      return;
    }
    const minutes = Math.max(1, Math.ceil((view.pending.expiresAt - now()) / 60_000));
    el.textContent = `Expires in about ${minutes} min; a new code appears automatically.`;
  }

  function render(view) {
    current = view;
    $('loading').hidden = true;
    $('paired-view').hidden = !view.paired;
    $('unpaired-view').hidden = view.paired;
    if (view.paired) {
      stopPolling();
      showNotice(null);
      $('account-email').textContent = view.email ?? 'unknown';
      $('paired-api-url').textContent = view.apiUrl;
      loadSync();
      return;
    }
    const input = $('api-url');
    if (document.activeElement !== input) input.value = view.apiUrl;
    const codeShown = Boolean(view.pending) && !editingServer;
    $('server-step').hidden = codeShown;
    $('code-step').hidden = !codeShown;
    if (codeShown) showChecking(null);
    $('code-api-url').textContent = view.apiUrl;
    $('pairing-code').textContent = view.pending?.code ?? '…';
    renderExpiry(view);
    if (view.renewed) showNotice(describeError({ code: view.renewed }));
    schedulePoll(view.pending ? pollIntervalMs : 0);
  }

  function link({ text, href }) {
    const a = document.createElement('a');
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = text;
    return a;
  }

  /** Show the sync status (KEYS.SYNC_STATUS) in the paired view. */
  function renderSync(status) {
    const view = syncView(status, { now: now(), lastSyncAt: current?.lastSyncAt ?? null });
    $('last-sync').textContent = view.lastSync;
    $('sync-counts').textContent = view.counts;
    const line = $('sync-state');
    line.replaceChildren(...view.parts.map((part) => (typeof part === 'string' ? part : link(part))));
    line.className = view.problem ? 'sync-state problem' : 'sync-state';
    for (const [id, text] of [['sync-mailbox', view.mailbox], ['sync-history', view.history]]) {
      $(id).textContent = text ?? '';
      $(id).hidden = text === null;
      $(`${id}-label`).hidden = text === null;
    }
    const progress = $('sync-progress');
    progress.textContent = view.progress ?? '';
    progress.hidden = view.progress === null;
    $('sync-now').disabled = view.running;
  }

  async function loadSync() {
    const asked = ++syncSeq;
    const status = await store.get(KEYS.SYNC_STATUS);
    // A change that arrived while reading is newer than what was read.
    if (asked === syncSeq) renderSync(status);
  }

  async function onSyncNow() {
    $('sync-now').disabled = true;
    const answer = await send(MSG.SYNC_NOW);
    if (answer.ok) {
      showError(null);
      // A backoff shows in the status line; "running" would otherwise look like nothing happened.
      showNotice(answer.data?.reason === 'running' ? 'A sync is already running.' : null);
    } else {
      showError(answer.error);
    }
    await loadSync();
  }

  function handle(answer) {
    if (answer.ok) {
      showError(answer.data?.warning ?? null);
      if (answer.data && typeof answer.data.paired === 'boolean') render(answer.data);
    } else {
      showError(answer.error);
      if (!current) {
        $('loading').hidden = true;
        $('unpaired-view').hidden = false;
      }
    }
    return answer;
  }

  async function refreshFromStorage() {
    const answer = await send(MSG.STATUS_GET, { verify: false });
    if (answer.ok) render(answer.data);
  }

  function onSaveUrl(event) {
    event.preventDefault();
    const apiUrl = normalizeApiUrl($('api-url').value);
    if (!apiUrl) {
      showError({ code: ERR.INVALID_API_URL });
      return;
    }
    // permissions.request must run inside the user gesture: call it first.
    chrome.permissions.request({ origins: [hostPermissionPattern(apiUrl)] }).then(async (granted) => {
      if (!granted) {
        showError({ code: ERR.HOST_PERMISSION_REQUIRED });
        return;
      }
      showNotice(null);
      showError(null);
      stopPolling();
      editingServer = false;
      showChecking(apiUrl);
      handle(await send(MSG.SETTINGS_SET_API_URL, { apiUrl }));
      if (!current?.paired) schedulePoll(pollIntervalMs);
    });
  }

  function onChangeServer() {
    editingServer = true;
    stopPolling();
    if (current) render(current);
    $('api-url').focus?.();
  }

  async function onDisconnect() {
    const button = $('disconnect');
    button.disabled = true;
    try {
      const answer = await send(MSG.PAIRING_DISCONNECT);
      if (!answer.ok) {
        showError(answer.error);
        return;
      }
      showError(null);
      await refreshFromStorage();
      if (answer.data?.warning) {
        showNotice('Disconnected in this browser, but PingCRM could not be told. Remove this browser in PingCRM → Settings → Integrations.');
      }
    } finally {
      button.disabled = false;
    }
  }

  $('api-url-form').addEventListener('submit', onSaveUrl);
  $('disconnect').addEventListener('click', onDisconnect);
  $('change-server').addEventListener('click', onChangeServer);
  $('sync-now').addEventListener('click', onSyncNow);
  const unsubscribePairing = onKeysChanged(chrome, [KEYS.PAIRING, KEYS.PENDING_CODE], () => {
    refreshFromStorage();
  });
  // The worker reports a running sync through storage: follow it live.
  const unsubscribeSync = onKeysChanged(chrome, [KEYS.SYNC_STATUS], (_key, status) => {
    syncSeq += 1;
    if (current?.paired) renderSync(status);
  });

  const ready = (async () => {
    const first = handle(await send(MSG.STATUS_GET, { verify: true }));
    if (first.ok && !first.data.paired) {
      stopPolling();
      if (!first.data.pending) showChecking(first.data.apiUrl);
      handle(await send(MSG.PAIRING_START));
      if (!current?.paired) schedulePoll(pollIntervalMs);
    } else if (!first.ok) {
      schedulePoll(pollIntervalMs);
    }
  })();

  return {
    ready,
    stop() {
      stopPolling();
      unsubscribePairing();
      unsubscribeSync();
    },
  };
}
