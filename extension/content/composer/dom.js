// Shadow-aware DOM helpers for the composer content scripts.
//
// LinkedIn renders some of its messaging UI inside (open) shadow roots, and
// MutationObserver, querySelector and closest() all stop at a shadow
// boundary. These helpers cross it: up from a node to its shadow root's host,
// and down into the open shadow roots below a node.
//
// Content scripts are classic scripts sharing one isolated world, so the
// composer files publish onto one namespace object instead of exporting
// (an ES module would need a dynamic import of a web-accessible file, which
// any LinkedIn page could then probe for). Node tests run these files in a
// vm context with a fake DOM.
(function (ns) {
  'use strict';

  const ELEMENT_NODE = 1;
  const DOCUMENT_FRAGMENT_NODE = 11;

  /** The parent element of `node`, stepping from a shadow root to its host; null at the top. */
  function composedParent(node) {
    const parent = node?.parentNode;
    if (!parent) return null;
    if (parent.nodeType === ELEMENT_NODE) return parent;
    if (parent.nodeType === DOCUMENT_FRAGMENT_NODE && parent.host) return parent.host;
    return null;
  }

  /** `node` and its composed ancestors, nearest first. */
  function* composedAncestors(node) {
    for (let current = node; current; current = composedParent(current)) yield current;
  }

  /** The open shadow roots of `root`'s descendants (not nested ones: callers recurse). */
  function shadowRootsIn(root) {
    const found = [];
    if (root.nodeType === ELEMENT_NODE && root.shadowRoot) found.push(root.shadowRoot);
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) found.push(element.shadowRoot);
    }
    return found;
  }

  /**
   * Elements matching `selector` in `root` (an element, shadow root or
   * document; `root` itself included) and in every open shadow root below
   * it, however deeply nested.
   */
  function deepQueryAll(root, selector) {
    const found = [];
    const visit = (node) => {
      if (node.nodeType === ELEMENT_NODE && node.matches(selector)) found.push(node);
      found.push(...node.querySelectorAll(selector));
      for (const shadow of shadowRootsIn(node)) visit(shadow);
    };
    visit(root);
    return found;
  }

  /** Whether `element` scrolls its content vertically (a message list does). */
  function scrollsVertically(element, window) {
    return /^(auto|scroll)$/.test(window.getComputedStyle(element).overflowY);
  }

  /**
   * The height free above `form`, in CSS pixels: up to the top of the
   * nearest scrolling element laid out before it (the conversation's
   * message list, whatever LinkedIn calls it), else up to the viewport's
   * top. Whatever sits above that element — a bubble's header with its
   * close and expand buttons — stays uncovered. Infinity when the page
   * cannot be measured.
   */
  function roomAbove(form, window) {
    if (typeof form.getBoundingClientRect !== 'function' || typeof window?.getComputedStyle !== 'function') {
      return Infinity;
    }
    const formTop = form.getBoundingClientRect().top;
    for (const node of composedAncestors(form)) {
      for (let before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (scrollsVertically(before, window)) return formTop - Math.max(0, before.getBoundingClientRect().top);
      }
    }
    return formTop;
  }

  ns.dom = Object.freeze({ composedParent, composedAncestors, shadowRootsIn, deepQueryAll, roomAbove, ELEMENT_NODE });
})((globalThis.pingcrmComposer ??= {}));
