// The P / R buttons and the suggestions overlay. Each lives in its own small
// shadow root, so LinkedIn's styles cannot reach them and theirs cannot leak
// into LinkedIn; everything is built with createElement and textContent
// (fetched text never goes through innerHTML). Listeners sit on these
// elements only and are removed by dispose().
(function (ns) {
  'use strict';

  const ATTR = 'data-pingcrm';
  const ACCENT = '#0a66c2'; // LinkedIn's own blue: the buttons should look at home

  const BUTTON_CSS = `
    :host { display: inline-flex; align-items: center; margin: 0 4px 0 0; vertical-align: middle; }
    .group { display: inline-flex; gap: 2px; }
    button {
      all: unset; box-sizing: border-box; cursor: pointer;
      inline-size: 24px; block-size: 24px; border-radius: 50%;
      display: inline-grid; place-items: center;
      font: 600 12px/1 -apple-system, system-ui, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
      color: rgba(0, 0, 0, 0.6); background: transparent;
    }
    button:hover { background: rgba(0, 0, 0, 0.08); color: rgba(0, 0, 0, 0.9); }
    button:focus-visible { outline: 2px solid ${ACCENT}; outline-offset: 1px; }
    button[aria-expanded="true"] { color: ${ACCENT}; background: rgba(10, 102, 194, 0.1); }
    button[aria-busy="true"] { cursor: progress; opacity: 0.55; }
  `;

  // The overlay's height: at most MAX_PANEL_PX, and no higher than the room above the composer
  // (fit) less a gap, so a bubble's header stays visible; at least MIN_PANEL_PX in a tiny bubble.
  const MAX_PANEL_PX = 260;
  const MIN_PANEL_PX = 96;
  const PANEL_GAP_PX = 8;

  const OVERLAY_CSS = `
    :host { display: block; position: relative; block-size: 0; z-index: 10; }
    .panel {
      position: absolute; inset-inline: 8px; inset-block-end: 4px; max-block-size: ${MAX_PANEL_PX}px; overflow: auto;
      scroll-padding-block-start: 40px; /* a focused item scrolls into view below the sticky head, not under it */
      background: #fff; color: rgba(0, 0, 0, 0.9); border: 1px solid rgba(0, 0, 0, 0.15); border-radius: 8px;
      box-shadow: 0 4px 12px rgba(0, 0, 0, 0.15);
      font: 14px/1.4 -apple-system, system-ui, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
    }
    .head {
      display: flex; align-items: center; gap: 8px; padding: 6px 8px 6px 12px; border-block-end: 1px solid rgba(0, 0, 0, 0.08);
      position: sticky; inset-block-start: 0; background: #fff; /* title and × stay in view while a long draft scrolls */
    }
    .title { flex: 1; font-weight: 600; font-size: 13px; color: rgba(0, 0, 0, 0.75); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .brand { color: ${ACCENT}; }
    .close { all: unset; cursor: pointer; inline-size: 24px; block-size: 24px; border-radius: 50%; text-align: center; line-height: 24px; color: rgba(0, 0, 0, 0.6); }
    .close:hover { background: rgba(0, 0, 0, 0.08); }
    .close:focus-visible, .item:focus-visible { outline: 2px solid ${ACCENT}; outline-offset: -2px; }
    .status { margin: 0; padding: 10px 12px; color: rgba(0, 0, 0, 0.6); }
    .status[data-tone="error"] { color: #b24020; }
    .items { list-style: none; margin: 0; padding: 4px 0; }
    .item { all: unset; box-sizing: border-box; display: block; inline-size: 100%; padding: 8px 12px; cursor: pointer; }
    .item:hover { background: rgba(0, 0, 0, 0.05); }
    .item[aria-busy="true"] { opacity: 0.5; cursor: progress; }
    .reason { display: block; font-size: 12px; color: rgba(0, 0, 0, 0.6); margin-block-end: 2px; }
    .text { display: block; white-space: pre-wrap; overflow-wrap: anywhere; }
    .hint { display: block; font-size: 12px; color: ${ACCENT}; margin-block-start: 4px; }
  `;

  function el(document, tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  function shadowHost(document, tag, kind, css) {
    const host = document.createElement(tag);
    host.setAttribute(ATTR, kind);
    const root = host.attachShadow({ mode: 'open' });
    root.append(el(document, 'style', { text: css }));
    return { host, root };
  }

  /** A listener registry: every add is undone by removeAll(). */
  function listeners() {
    const added = [];
    return {
      on(target, type, fn, capture = false) {
        target.addEventListener(type, fn, capture);
        added.push([target, type, fn, capture]);
      },
      removeAll() {
        for (const [target, type, fn, capture] of added.splice(0)) target.removeEventListener(type, fn, capture);
      },
    };
  }

  /**
   * The P and R buttons: a <span> for the composer's toolbar.
   * onPull / onRegenerate run on click (and so on Enter and Space: they are real buttons).
   */
  function createButtons(document, { onPull, onRegenerate }) {
    const { host, root } = shadowHost(document, 'span', 'actions', BUTTON_CSS);
    const pull = el(document, 'button', {
      type: 'button',
      'aria-label': 'PingCRM: show suggestions',
      title: 'PingCRM: show suggestions for this conversation (P)',
      'aria-expanded': 'false',
      text: 'P',
    });
    const regenerate = el(document, 'button', {
      type: 'button',
      'aria-label': 'PingCRM: new draft',
      title: 'PingCRM: draft the suggestion anew (R)',
      text: 'R',
    });
    root.append(el(document, 'span', { class: 'group', role: 'group', 'aria-label': 'PingCRM' }, [pull, regenerate]));
    const events = listeners();
    events.on(pull, 'click', (event) => {
      event.preventDefault();
      onPull();
    });
    events.on(regenerate, 'click', (event) => {
      event.preventDefault();
      onRegenerate();
    });
    return {
      host,
      setExpanded(open) {
        pull.setAttribute('aria-expanded', String(open));
      },
      setBusy(busy) {
        if (busy) regenerate.setAttribute('aria-busy', 'true');
        else regenerate.removeAttribute('aria-busy');
      },
      /** True while P has the focus (it was just pressed, by key or click). */
      pullHasFocus() {
        return root.activeElement === pull;
      },
      dispose() {
        events.removeAll();
        host.remove();
      },
    };
  }

  /**
   * The overlay above a composer. render(view) shows
   * {title, status: {text, tone?} | null, items: [{id, reason, text, busy?, inserted?}]}.
   * onPick(id) when a suggestion is clicked; onClose on × or Escape.
   */
  function createOverlay(document, { onPick, onClose }) {
    const { host, root } = shadowHost(document, 'div', 'overlay', OVERLAY_CSS);
    const panel = el(document, 'section', { class: 'panel', role: 'region', 'aria-label': 'PingCRM suggestions' });
    root.append(panel);
    const events = listeners();
    events.on(panel, 'click', (event) => {
      const target = event.target.closest?.('button');
      if (!target) return;
      event.preventDefault();
      const id = target.getAttribute('data-id');
      if (id === null) onClose();
      else if (target.getAttribute('aria-busy') !== 'true') onPick(id);
    });
    events.on(panel, 'keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        onClose();
      }
    });

    function itemNode({ id, reason, text, busy, inserted }) {
      const button = el(document, 'button', { class: 'item', type: 'button', 'data-id': id }, [
        el(document, 'span', { class: 'reason', text: reason }),
        el(document, 'span', { class: 'text', text }),
        el(document, 'span', { class: 'hint', text: inserted ? 'Inserted — edit it, then send' : 'Click to insert' }),
      ]);
      if (busy) button.setAttribute('aria-busy', 'true');
      return el(document, 'li', {}, [button]);
    }

    return {
      host,
      /** At most `room` pixels tall (and 260 px), never less than MIN_PANEL_PX: it then scrolls inside. */
      fit(room) {
        const height = Math.max(MIN_PANEL_PX, Math.min(MAX_PANEL_PX, Math.floor(room) - PANEL_GAP_PX));
        panel.style.maxBlockSize = Number.isFinite(height) ? `${height}px` : '';
      },
      render({ title, status = null, items = [] }) {
        const focusedId = root.activeElement?.getAttribute('data-id') ?? null;
        const close = el(document, 'button', { class: 'close', type: 'button', 'aria-label': 'Close PingCRM suggestions', text: '×' });
        const head = el(document, 'div', { class: 'head' }, [
          el(document, 'span', { class: 'title' }, [el(document, 'span', { class: 'brand', text: 'PingCRM' }), ` · ${title}`]),
          close,
        ]);
        const parts = [head];
        if (status) parts.push(el(document, 'p', { class: 'status', role: 'status', 'data-tone': status.tone ?? 'info', text: status.text }));
        if (items.length > 0) parts.push(el(document, 'ul', { class: 'items' }, items.map(itemNode)));
        panel.setAttribute('aria-busy', String(items.some((item) => item.busy) || status?.tone === 'busy'));
        panel.replaceChildren(...parts);
        if (focusedId) [...panel.querySelectorAll('.item')].find((b) => b.getAttribute('data-id') === focusedId)?.focus();
      },
      focus() {
        (panel.querySelector('.item') ?? panel.querySelector('.close'))?.focus();
      },
      dispose() {
        events.removeAll();
        host.remove();
      },
    };
  }

  ns.ui = Object.freeze({ ATTR, createButtons, createOverlay, listeners });
})((globalThis.pingcrmComposer ??= {}));
