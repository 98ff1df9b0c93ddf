// Finding LinkedIn's message composers by structure and roles, never by
// English labels or LinkedIn's class names:
//
// - the text box is a contenteditable element (LinkedIn's also has
//   role="textbox"); the outermost one, not its paragraphs;
// - its composer is the <form> around it, its send button the form's submit
//   button (else its last button), and the toolbar the row holding that
//   button, where P and R go;
// - it is a MESSAGE composer (not a feed comment box, which is a form too)
//   when it sits in a complementary landmark (<aside>: the overlay bubbles)
//   or, on a /messaging/ page, in the main landmark (the full-page thread).
(function (ns) {
  'use strict';

  const { composedAncestors } = ns.dom;

  const EDITOR_SELECTOR = '[contenteditable], [role="textbox"]';
  const KIND = Object.freeze({ THREAD: 'thread', BUBBLE: 'bubble' });

  function isEditable(element) {
    const value = element.getAttribute('contenteditable');
    return value === '' || value === 'true' || value === 'plaintext-only';
  }

  /** The outermost editable element: LinkedIn's paragraphs inside the editor inherit editability. */
  function isEditorRoot(element) {
    if (!isEditable(element)) return false;
    const parent = element.parentElement;
    const outer = parent ? parent.closest('[contenteditable]') : null;
    return !outer || !isEditable(outer);
  }

  function isMessagingPage(location) {
    return /^\/messaging(\/|$)/.test(location.pathname);
  }

  /** 'bubble', 'thread', or null when the editor is not in a message composer's place. */
  function composerKind(editor, location) {
    for (const element of composedAncestors(editor)) {
      const tag = element.localName;
      const role = element.getAttribute('role');
      if (tag === 'aside' || role === 'complementary') return KIND.BUBBLE;
      if (tag === 'main' || role === 'main') return isMessagingPage(location) ? KIND.THREAD : null;
    }
    return null;
  }

  /** The form's send button: its submit button, else its last button; null without one. */
  function sendButtonOf(form) {
    const submit = form.querySelector('button[type="submit"]');
    if (submit) return submit;
    const buttons = form.querySelectorAll('button');
    return buttons.length > 0 ? buttons[buttons.length - 1] : null;
  }

  /**
   * The composer around `editor`, or null when it is not a message composer:
   * {editor, form, sendButton, toolbar, kind}.
   */
  function composerOf(editor, location) {
    if (!isEditorRoot(editor)) return null;
    const kind = composerKind(editor, location);
    if (!kind) return null;
    const form = editor.closest('form');
    if (!form) return null;
    const sendButton = sendButtonOf(form);
    if (!sendButton || !sendButton.parentElement) return null;
    return { editor, form, sendButton, toolbar: sendButton.parentElement, kind };
  }

  /** The editors in `root` (an element, shadow root or document), its own open shadow roots excluded. */
  function editorsIn(root) {
    const found = [...root.querySelectorAll(EDITOR_SELECTOR)];
    if (root.nodeType === ns.dom.ELEMENT_NODE && root.matches(EDITOR_SELECTOR)) found.unshift(root);
    return found.filter(isEditorRoot);
  }

  ns.find = Object.freeze({ KIND, EDITOR_SELECTOR, composerOf, editorsIn, isEditable, isMessagingPage });
})((globalThis.pingcrmComposer ??= {}));
