// PingCRM service worker (ES module). Listeners are registered at top level on
// every start; no state lives in globals (beyond the sync engine's in-flight
// guard below) — everything is in chrome.storage, because Chrome stops this
// worker after about 30 s without events.

import { createHandlers } from './handlers.js';
import { dispatch } from './router.js';
import { createSync } from './sync/sync.js';

function deps() {
  return {
    chrome,
    // Wrapped: calling a bare reference to fetch with another `this` throws.
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    random: () => Math.random(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // Only an unpacked (development) extension lets storage change the pause
    // between LinkedIn calls (KEYS.VOYAGER_PACING); a store install has an
    // update_url and keeps 400–1200 ms.
    pacingOverride: !('update_url' in chrome.runtime.getManifest()),
  };
}

// One per worker instance. It keeps in memory only the guard against two
// syncs started by this same instance; the cursor, lock and status live in
// chrome.storage, so a restarted worker carries on from there.
const sync = createSync(deps());

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  dispatch(createHandlers({ ...deps(), sync }), message, sender, chrome.runtime.id).then(sendResponse);
  return true; // answer asynchronously
});
