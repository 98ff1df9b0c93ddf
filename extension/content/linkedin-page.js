// Content script on https://www.linkedin.com/*: tells the worker that a
// LinkedIn page loaded; the worker decides whether that warrants a sync
// (paired, not backing off, last success over 2 h ago).
//
// A classic script (content scripts cannot be ES modules without a dynamic
// import), so it spells the message type that lib/messages.js declares as
// MSG.SYNC_PAGE_LOADED; tests/extension checks the two match. Runs on full
// page loads only: LinkedIn's in-app navigation does not reload it, which is
// plenty for a sync every 2 hours.
(() => {
  try {
    chrome.runtime.sendMessage({ type: 'sync/page-loaded', payload: {} }).catch(() => {
      // No answer (worker busy starting, extension updating): the next page load asks again.
    });
  } catch {
    // The extension was reloaded and this page still runs the old copy, which can no longer reach it.
  }
})();
