// Content script on https://www.linkedin.com/*: tells the worker that the
// user is on LinkedIn; the worker decides whether that warrants a sync
// (paired, not backing off, last success over 2 h ago).
//
// It asks when the page loads, and again on LinkedIn's in-app navigation and
// when the tab is shown again: LinkedIn is a single-page app, so a user who
// keeps one LinkedIn tab open all day loads a page rarely. The worker's
// answer to an ask within the 2 h is a few storage reads, so asking often is
// cheap; history.replaceState (LinkedIn rewriting the address of the same
// view) does not ask.
//
// A classic script (content scripts cannot be ES modules without a dynamic
// import), so it spells the message type that lib/messages.js declares as
// MSG.SYNC_PAGE_LOADED; tests/extension checks the two match.
(() => {
  const ask = () => {
    try {
      chrome.runtime.sendMessage({ type: 'sync/page-loaded', payload: {} }).catch(() => {
        // No answer (worker busy starting, extension updating): the next page asks again.
      });
    } catch {
      // The extension was reloaded and this page still runs the old copy, which can no longer reach it.
    }
  };

  ask();
  // The Navigation API (Chrome 102+) reports pushState and back/forward
  // within the page, which no other event does for a content script.
  globalThis.navigation?.addEventListener('currententrychange', (event) => {
    if (event.navigationType !== 'replace') ask();
  });
  globalThis.document?.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') ask();
  });
})();
