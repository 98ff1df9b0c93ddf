// PingCRM service worker (ES module). Listeners are registered at top level on
// every start; no state lives in globals — everything is in chrome.storage,
// because Chrome stops this worker after about 30 s without events.

import { createHandlers } from './handlers.js';
import { dispatch } from './router.js';

function deps() {
  return {
    chrome,
    // Wrapped: calling a bare reference to fetch with another `this` throws.
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
  };
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  dispatch(createHandlers(deps()), message, sender, chrome.runtime.id).then(sendResponse);
  return true; // answer asynchronously
});
