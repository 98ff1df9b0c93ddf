// One message composer's P and R: the buttons in its toolbar, the overlay
// above it, and the talk with the worker (which alone reaches PingCRM).
//
// P opens the overlay and lists the partner's pending suggestions (again:
// closes it). R drafts the shown suggestion anew, in place, with a busy
// state, and swaps it into the text box when that still holds our unedited
// insertion of it; with nothing listed yet (overlay closed, or showing an
// error) it lists first. Clicking a suggestion
// pastes it into the composer; nothing is ever sent from here. When the
// user then sends (their own click on Send, or Enter, after which LinkedIn
// empties the text box), the suggestion is marked sent in PingCRM.
(function (ns) {
  'use strict';

  // The worker's message types (lib/messages.js declares them; a classic
  // content script cannot import it, so tests/extension checks these match).
  const MSG = Object.freeze({
    SUGGESTIONS_FOR_CONVERSATION: 'suggestions/for-conversation',
    SUGGESTIONS_REGENERATE: 'suggestions/regenerate',
    SUGGESTIONS_MARK_SENT: 'suggestions/mark-sent',
  });

  /** How long after the user's send the text box must be empty for the message to count as sent. */
  const SENT_CHECK_MS = 1500;

  const TEXT = Object.freeze({
    LOADING: 'Looking for suggestions…',
    DRAFTING: 'Drafting a new message…',
    NOT_PAIRED: 'Not paired — open the PingCRM popup',
    UNREACHABLE: "Can't reach PingCRM",
    // PingCRM answered, but the part that makes suggestions is down (503): it comes back by itself.
    UNAVAILABLE: 'Suggestions are unavailable right now. Try again in a moment.',
    SERVER_ERROR: 'PingCRM answered with an error. Try again in a moment.',
    UNKNOWN_PARTNER: "Can't tell who this conversation is with",
    NOT_INSERTED: "This message box didn't take the text; copy it from here instead.",
    MARKED_SENT: 'Sent — marked as sent in PingCRM.',
  });

  const NOT_PAIRED = new Set(['not_paired', 'pairing_revoked']);
  const UNREACHABLE = new Set(['server_unreachable', 'extension_unavailable', 'host_permission_required']);

  /** "in 40 s" / "in 3 min" / "in 2 h" for a wait in milliseconds. */
  function waitText(ms) {
    const seconds = Math.max(1, Math.ceil((ms ?? 0) / 1000));
    if (seconds < 90) return `in ${seconds} s`;
    const minutes = Math.ceil(seconds / 60);
    return minutes < 90 ? `in ${minutes} min` : `in ${Math.ceil(minutes / 60)} h`;
  }

  /** The overlay's status line for a worker error {code, message, retryAfterMs?}. */
  function statusOf(error) {
    const code = error?.code;
    if (NOT_PAIRED.has(code)) return { text: TEXT.NOT_PAIRED, tone: 'error' };
    if (UNREACHABLE.has(code)) return { text: TEXT.UNREACHABLE, tone: 'error' };
    if (code === 'unavailable') return { text: TEXT.UNAVAILABLE, tone: 'error' };
    if (code === 'server_error') return { text: TEXT.SERVER_ERROR, tone: 'error' };
    if (code === 'partner_unknown') return { text: TEXT.UNKNOWN_PARTNER, tone: 'error' };
    if (code === 'rate_limited') {
      return { text: `Too many new drafts for now. Try again ${waitText(error.retryAfterMs)}.`, tone: 'error' };
    }
    return { text: `PingCRM: ${error?.message || 'something went wrong'}`, tone: 'error' };
  }

  const squash = (text) => String(text ?? '').replace(/\s+/g, ' ').trim();

  /**
   * @param {{composer: {editor, form, sendButton, toolbar, kind}, document, window, location,
   *          send: (type: string, payload: object) => Promise<{ok: boolean, data?: any, error?: any}>,
   *          timers: {setTimeout: Function, clearTimeout: Function}}} deps
   */
  function createController({ composer, document, window, location, send, timers }) {
    const { ui, find, partner, insert, dom } = ns;
    let current = composer;
    let overlay = null;
    let disposed = false;
    let generation = 0; // answers to an older load or a closed overlay are dropped
    const view = { title: '', status: null, items: [], busyId: null, insertedId: null };
    let lastInserted = null;
    // The suggestion the text box holds (as inserted, or edited since), until the user sends it
    // or empties the box.
    let composedId = null;
    let sentCheck = null;
    let sendingId = null; // the suggestion of the send being checked
    let watchedForm = null;
    const sendEvents = ui.listeners();

    const buttons = ui.createButtons(document, { onPull: () => (overlay ? close() : open()), onRegenerate: regenerate });

    function removeStale(parent, kind, own) {
      for (const node of [...parent.children]) {
        if (node !== own && node.getAttribute(ui.ATTR) === kind) node.remove(); // left by a reloaded extension
      }
    }

    function onSendClick(event) {
      if (event.isTrusted && event.composedPath().includes(current.sendButton)) sendIntent();
    }

    function onKeydown(event) {
      if (event.isTrusted && event.key === 'Enter' && !event.shiftKey && !event.isComposing) sendIntent();
    }

    function onInput() {
      // Emptied (by the user, or by LinkedIn after sending): the box no longer holds the suggestion.
      if (squash(insert.editorText(current.editor)) === '') composedId = null;
    }

    /** The user pressed Send (or Enter): if the box is empty shortly after, LinkedIn sent it. */
    function sendIntent() {
      if (composedId === null || squash(insert.editorText(current.editor)) === '') return;
      sendingId = composedId;
      timers.clearTimeout(sentCheck);
      sentCheck = timers.setTimeout(checkSent, SENT_CHECK_MS);
    }

    async function checkSent() {
      sentCheck = null;
      const id = sendingId;
      sendingId = null;
      if (disposed || squash(insert.editorText(current.editor)) !== '') return;
      composedId = null;
      lastInserted = null;
      view.insertedId = null;
      const answer = await ask(MSG.SUGGESTIONS_MARK_SENT, { id });
      if (disposed) return;
      if (answer.ok) {
        view.items = view.items.filter((s) => s.id !== id);
        view.status = { text: TEXT.MARKED_SENT, tone: 'info' };
      } else {
        view.status = statusOf(answer.error);
      }
      render();
    }

    /** Follow the user's sends on the current form and text box (again after a re-render replaced the form). */
    function watchSends() {
      if (watchedForm === current.form) return;
      sendEvents.removeAll();
      sendEvents.on(current.form, 'click', onSendClick, true);
      sendEvents.on(current.editor, 'keydown', onKeydown, true);
      sendEvents.on(current.editor, 'input', onInput);
      watchedForm = current.form;
    }

    function place() {
      watchSends();
      removeStale(current.toolbar, 'actions', buttons.host);
      if (buttons.host.parentNode !== current.toolbar || !buttons.host.isConnected) {
        current.toolbar.insertBefore(buttons.host, current.sendButton);
      }
      if (overlay && overlay.host.nextSibling !== current.form) current.form.before(overlay.host);
      if (current.form.parentNode) removeStale(current.form.parentNode, 'overlay', overlay?.host);
    }

    function render() {
      if (!overlay) return;
      overlay.fit(dom.roomAbove(current.form, window));
      overlay.render({
        title: view.title,
        status: view.status,
        items: view.items.map((s) => ({
          id: s.id,
          reason: s.reason?.text ?? '',
          text: s.message,
          busy: s.id === view.busyId,
          inserted: s.id === view.insertedId,
        })),
      });
      buttons.setBusy(view.busyId !== null);
    }

    async function ask(type, payload) {
      try {
        return (await send(type, payload)) ?? { ok: false, error: { code: 'extension_unavailable' } };
      } catch {
        return { ok: false, error: { code: 'extension_unavailable' } };
      }
    }

    async function load() {
      const mine = ++generation;
      const hints = partner.partnerHints(current, location);
      Object.assign(view, { title: hints.name || 'this conversation', status: { text: TEXT.LOADING, tone: 'busy' }, items: [], busyId: null });
      render();
      const answer = await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, hints);
      if (disposed || mine !== generation) return false;
      if (answer.ok) {
        const name = answer.data.partner?.name || hints.name;
        view.title = name || 'this conversation';
        view.items = answer.data.suggestions;
        view.status = view.items.length > 0 ? null : { text: `No suggestion for ${name || 'this person'}`, tone: 'info' };
      } else {
        view.status = statusOf(answer.error);
      }
      render();
      return answer.ok && view.items.length > 0;
    }

    async function open() {
      overlay = ui.createOverlay(document, { onPick: pick, onClose: () => close({ refocus: true }) });
      place();
      buttons.setExpanded(true);
      const listed = await load();
      // The overlay comes before the form, so Tab from P would skip it: a
      // keyboard user who pressed P is taken to the first suggestion.
      if (overlay && buttons.pullHasFocus()) overlay.focus();
      return listed;
    }

    function close({ refocus = false } = {}) {
      generation += 1;
      view.busyId = null;
      overlay?.dispose();
      overlay = null;
      buttons.setExpanded(false);
      buttons.setBusy(false);
      if (refocus) current.editor.focus();
    }

    async function regenerate() {
      if (view.busyId !== null) return;
      // Nothing listed yet (overlay closed, or showing an error): list first, then redraft.
      const listed = !overlay ? await open() : view.items.length > 0 || (await load());
      if (!listed || !overlay || view.items.length === 0) return;
      const target = view.items.find((s) => s.id === view.insertedId) ?? view.items[0];
      const mine = generation;
      Object.assign(view, { busyId: target.id, status: { text: TEXT.DRAFTING, tone: 'busy' } });
      render();
      const answer = await ask(MSG.SUGGESTIONS_REGENERATE, { id: target.id });
      if (disposed || mine !== generation) return;
      view.busyId = null;
      if (answer.ok) {
        view.items = view.items.map((s) => (s.id === target.id ? answer.data : s));
        view.status = null;
        if (view.insertedId === target.id) {
          // The box still holds our insertion, unedited: the new draft takes its place (the user
          // asked for a new draft of what they are about to send). Edited, it stays theirs.
          if (squash(insert.editorText(current.editor)) === lastInserted) insertDraft(answer.data);
          else view.insertedId = null;
        }
      } else {
        view.status = statusOf(answer.error);
      }
      render();
    }

    /** Put `suggestion` into the text box: replacing it when empty or our own last insertion, never the user's words. */
    function insertDraft(suggestion) {
      const before = squash(insert.editorText(current.editor));
      const replace = before === '' || before === lastInserted;
      const how = insert.insertText(current.editor, suggestion.message, { document, window, replace });
      if (how === 'none') {
        view.status = { text: TEXT.NOT_INSERTED, tone: 'error' };
        return false;
      }
      lastInserted = squash(insert.editorText(current.editor));
      view.insertedId = suggestion.id;
      composedId = suggestion.id;
      return true;
    }

    function pick(id) {
      const suggestion = view.items.find((s) => s.id === id);
      if (!suggestion) return;
      if (insertDraft(suggestion)) view.status = null;
      render();
    }

    /**
     * After the page changed: put the buttons (and the overlay) back if
     * LinkedIn re-rendered the toolbar. False when the editor is no longer
     * a message composer (the watcher then disposes this controller).
     */
    function refresh() {
      if (!current.editor.isConnected) return false;
      if (!current.toolbar.isConnected || !current.form.isConnected || !current.sendButton.isConnected) {
        const found = find.composerOf(current.editor, location);
        if (!found) return false;
        current = found;
      }
      place();
      return true;
    }

    function dispose() {
      disposed = true;
      timers.clearTimeout(sentCheck);
      sendEvents.removeAll();
      close();
      buttons.dispose();
    }

    place();
    return {
      get composer() {
        return current;
      },
      get overlayOpen() {
        return overlay !== null;
      },
      refresh,
      dispose,
    };
  }

  ns.controller = Object.freeze({ MSG, TEXT, SENT_CHECK_MS, createController, statusOf, waitText });
})((globalThis.pingcrmComposer ??= {}));
