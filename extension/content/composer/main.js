// Starts P and R on a LinkedIn page: the one place the composer scripts
// touch the globals (document, window, location, chrome); every other file
// takes them as parameters, so Node tests can pass fakes.
(function (ns) {
  'use strict';

  function send(type, payload) {
    // chrome.runtime throws once the extension was reloaded under this page:
    // the controller then says it cannot reach PingCRM.
    return chrome.runtime.sendMessage({ type, payload });
  }

  const timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id) };
  ns.watcher.watchPage({ document, window, location, send, timers });
})(globalThis.pingcrmComposer);
