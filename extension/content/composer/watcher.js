// Watches a LinkedIn page for message composers, in the document and in
// every open shadow root, and keeps exactly one controller per composer:
// created when its text box appears, refreshed when LinkedIn re-renders
// around it, disposed (buttons, overlay, listeners) when it goes.
//
// One MutationObserver per tree (the document, each open shadow root seen),
// because observers do not see into shadow roots. A shadow root whose host
// left the page has its observer disconnected. A focus in a text box the
// observers missed (a shadow root attached after its host was inserted)
// is picked up through the focus event's composed path.
//
// stats() reports what is held: the measure of "no leaks" in the tests.
(function (ns) {
  'use strict';

  const { composedAncestors, shadowRootsIn, ELEMENT_NODE } = ns.dom;

  /**
   * @param {{document, window, location,
   *          createController: (composer) => {refresh(): boolean, dispose(): void}}} deps
   */
  function createWatcher({ document, window, location, createController }) {
    const observers = new Map(); // tree root (document or shadow root) → MutationObserver
    const controllers = new Map(); // editor → controller

    function isOurs(node) {
      for (const element of composedAncestors(node)) {
        if (element.nodeType === ELEMENT_NODE && element.hasAttribute(ns.ui.ATTR)) return true;
      }
      return false;
    }

    function adopt(editor) {
      if (controllers.has(editor) || isOurs(editor)) return;
      const composer = ns.find.composerOf(editor, location);
      if (!composer) return;
      for (const [, other] of controllers) if (other.composer.form === composer.form) return; // one per composer
      controllers.set(editor, createController(composer));
    }

    /** Every composer in `node` and in the open shadow roots below it; observe those roots. */
    function scan(node) {
      for (const editor of ns.find.editorsIn(node)) adopt(editor);
      for (const shadow of shadowRootsIn(node)) {
        if (observers.has(shadow) || isOurs(shadow.host)) continue;
        observe(shadow);
        scan(shadow);
      }
    }

    /** Drop what left the page; let the rest follow LinkedIn's re-renders. */
    function sweep() {
      for (const [editor, controller] of controllers) {
        if (!controller.refresh()) {
          controllers.delete(editor);
          controller.dispose();
        }
      }
      for (const [root, observer] of observers) {
        if (root !== document && !root.host.isConnected) {
          observer.disconnect();
          observers.delete(root);
        }
      }
    }

    function onMutations(records) {
      let removed = false;
      for (const record of records) {
        if (record.removedNodes.length > 0) removed = true;
        for (const node of record.addedNodes) {
          if (node.nodeType === ELEMENT_NODE && node.isConnected && !isOurs(node)) scan(node);
        }
      }
      if (removed || controllers.size > 0) sweep();
    }

    function observe(root) {
      const observer = new window.MutationObserver(onMutations);
      observer.observe(root, { childList: true, subtree: true });
      observers.set(root, observer);
    }

    function onFocusIn(event) {
      const target = event.composedPath?.()[0];
      if (!target || target.nodeType !== ELEMENT_NODE || controllers.has(target)) return;
      for (const element of composedAncestors(target)) {
        const root = element.getRootNode?.();
        if (root && root !== document && !observers.has(root)) {
          observe(root);
          scan(root);
        }
      }
      scan(target);
    }

    return {
      start() {
        observe(document);
        scan(document);
        document.addEventListener('focusin', onFocusIn, true);
      },
      stop() {
        document.removeEventListener('focusin', onFocusIn, true);
        for (const observer of observers.values()) observer.disconnect();
        observers.clear();
        for (const controller of controllers.values()) controller.dispose();
        controllers.clear();
      },
      /** What is held now: observed trees and live composers. */
      stats() {
        return { observers: observers.size, composers: controllers.size };
      },
      /** The controllers, for tests. */
      controllers() {
        return [...controllers.values()];
      },
    };
  }

  /**
   * Watch a page: one controller per composer, talking to the worker through
   * `send`, timing with `timers` ({setTimeout, clearTimeout}). Returns the started watcher.
   */
  function watchPage({ document, window, location, send, timers }) {
    const watcher = createWatcher({
      document,
      window,
      location,
      createController: (composer) => ns.controller.createController({ composer, document, window, location, send, timers }),
    });
    watcher.start();
    return watcher;
  }

  ns.watcher = Object.freeze({ createWatcher, watchPage });
})((globalThis.pingcrmComposer ??= {}));
