// Putting a suggestion into LinkedIn's text box the way a user's paste does,
// so LinkedIn's own editor takes it (its model, its send button) — never by
// writing the DOM behind its back, and never sending.
//
// A synthetic ClipboardEvent carrying a DataTransfer reaches the editor's
// paste handler, which inserts the text itself and cancels the event. A
// plain contenteditable ignores a synthetic paste (the browser does not act
// on untrusted ones): when nobody cancelled it, execCommand('insertText')
// inserts the text as typing would, input events included.
(function (ns) {
  'use strict';

  /** The editor's text as the user sees it, whitespace trimmed. */
  function editorText(editor) {
    return String(editor.innerText ?? editor.textContent ?? '')
      .replace(/\u00a0/g, ' ')
      .trim();
  }

  function selectIn(editor, document, replace) {
    const selection = document.getSelection?.();
    if (!selection) return;
    selection.selectAllChildren(editor);
    if (!replace) selection.collapseToEnd();
  }

  /**
   * Insert `text` into `editor`, replacing its content (`replace`) or after
   * it. Returns how: 'paste' (the editor's paste handler took it),
   * 'insert_text' (the fallback), or 'none' (neither worked).
   */
  function insertText(editor, text, { document, window, replace }) {
    editor.focus();
    selectIn(editor, document, replace);
    const clipboardData = new window.DataTransfer();
    clipboardData.setData('text/plain', text);
    const paste = new window.ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true, composed: true });
    if (!editor.dispatchEvent(paste)) return 'paste';
    return document.execCommand('insertText', false, text) ? 'insert_text' : 'none';
  }

  ns.insert = Object.freeze({ insertText, editorText });
})((globalThis.pingcrmComposer ??= {}));
