// Settings → Integrations → LinkedIn: this PingCRM's address (the extension
// asks for it first), pair the Chrome extension with a code, see the pairing
// and the last sync, disconnect.

import { ApiError, describeError, sentence } from '../api.js';
import { el, replace, timeEl } from '../dom.js';

/** What to tell the person when POST /extension/pair fails, by HTTP status. */
export function pairErrorMessage(error) {
  if (!(error instanceof ApiError)) return describeError(error);
  switch (error.status) {
    case 404:
      return 'No such code — check the code in the extension popup.';
    case 410:
      return 'This code expired — the extension shows a new one.';
    case 409:
      return 'This code was already used.';
    case 429:
      return `Too many attempts — try again in ${error.retryAfter ?? 5} s.`;
    case 422:
      return sentence(error.detail) || 'That does not look like a pairing code.';
    default:
      return describeError(error);
  }
}

/** The address the extension should use: where this web app is served from. */
export function ownAddress(location) {
  return location.origin + location.pathname.replace(/\/(index\.html)?$/, '');
}

/** The address, ready to copy (the popup's first question is "PingCRM URL"). */
function addressBox(address, signal) {
  const field = el('input', { id: 'pingcrm-address', className: 'address', readonly: true, value: address });
  const note = el('span', { id: 'pingcrm-address-note', className: 'muted', role: 'status' });
  let reset = null;
  async function copy() {
    field.select();
    try {
      await navigator.clipboard.writeText(address);
      note.textContent = 'Copied.';
    } catch {
      note.textContent = 'Press Ctrl+C (⌘C) to copy it.';
    }
    clearTimeout(reset);
    reset = setTimeout(() => {
      note.textContent = '';
    }, 4000);
  }
  signal.addEventListener('abort', () => clearTimeout(reset));
  return el(
    'div',
    { className: 'field address-box' },
    el('label', { for: 'pingcrm-address' }, 'This PingCRM’s address'),
    el(
      'div',
      { className: 'copy-row' },
      field,
      el('button', { id: 'copy-address', type: 'button', className: 'secondary', onClick: copy }, 'Copy'),
      note,
    ),
    el('p', { className: 'hint' }, 'The extension asks for it first, as “PingCRM URL”.'),
  );
}

export function render(container, { api, signal }) {
  const body = el('div', { id: 'linkedin-body', 'aria-live': 'polite' }, el('p', { className: 'muted' }, 'Loading…'));
  const pageError = el('p', { className: 'error', role: 'alert', hidden: true });

  // ---- the pairing modal (native <dialog>: focus trap, Esc and backdrop for free)
  const codeInput = el('input', {
    id: 'pair-code',
    name: 'code',
    className: 'code-input',
    placeholder: 'PING-XXXXXX',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    maxlength: '32',
    required: true,
    'aria-describedby': 'pair-code-hint',
  });
  const pairError = el('p', { id: 'pair-error', className: 'error', role: 'alert', hidden: true });
  const pairSubmit = el('button', { id: 'pair-submit', type: 'submit' }, 'Pair');
  const cancel = el('button', { id: 'pair-cancel', type: 'button', className: 'secondary' }, 'Cancel');
  const modal = el(
    'dialog',
    { id: 'pair-modal', 'aria-labelledby': 'pair-title' },
    el(
      'form',
      { novalidate: true, onSubmit: onPair },
      el('h2', { id: 'pair-title' }, 'Connect the PingCRM extension'),
      el(
        'ol',
        { className: 'steps' },
        el('li', {}, 'Click the PingCRM icon in your browser toolbar.'),
        el('li', {}, 'Type the code the popup shows below.'),
      ),
      pairError,
      el(
        'div',
        { className: 'field' },
        el('label', { for: 'pair-code' }, 'Pairing code'),
        codeInput,
        el('p', { id: 'pair-code-hint', className: 'hint' }, 'Codes last 10 minutes and work once.'),
      ),
      el('div', { className: 'actions' }, cancel, pairSubmit),
    ),
  );
  cancel.addEventListener('click', () => modal.close());

  let retryTimer = null;
  function stopRetryTimer() {
    if (retryTimer !== null) clearInterval(retryTimer);
    retryTimer = null;
  }

  function showPairError(message) {
    pairError.textContent = message ?? '';
    pairError.hidden = !message;
  }

  function showPageError(message) {
    pageError.textContent = message ?? '';
    pageError.hidden = !message;
  }

  // While rate-limited, keep Pair disabled and count down in the message.
  function waitBeforeRetry(error) {
    stopRetryTimer();
    let left = error.retryAfter ?? 5;
    showPairError(pairErrorMessage(error));
    pairSubmit.disabled = true;
    retryTimer = setInterval(() => {
      left -= 1;
      if (left <= 0 || signal.aborted) {
        stopRetryTimer();
        pairSubmit.disabled = false;
        showPairError(null);
        return;
      }
      showPairError(pairErrorMessage(new ApiError({ status: 429, retryAfter: left })));
    }, 1000);
  }

  async function onPair(event) {
    event.preventDefault();
    const code = codeInput.value.trim();
    if (!code) {
      showPairError('Type the code the extension shows, for example PING-X7K3M2.');
      codeInput.focus();
      return;
    }
    showPairError(null);
    pairSubmit.disabled = true;
    pairSubmit.textContent = 'Pairing…';
    let waiting = false;
    try {
      await api('/api/v1/extension/pair', { method: 'POST', body: { code }, signal });
      if (signal.aborted) return;
      modal.close();
      await load();
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      if (err instanceof ApiError && err.status === 429) {
        waitBeforeRetry(err);
        waiting = true;
      } else {
        showPairError(pairErrorMessage(err));
      }
      codeInput.focus();
      codeInput.select();
    } finally {
      pairSubmit.textContent = 'Pair';
      if (!waiting) pairSubmit.disabled = false;
    }
  }

  function openModal() {
    codeInput.value = '';
    if (retryTimer === null) showPairError(null);
    modal.showModal();
    codeInput.focus();
  }

  async function onDisconnect(event) {
    const button = event.currentTarget;
    button.disabled = true;
    showPageError(null);
    try {
      await api('/api/v1/extension/pair', { method: 'DELETE', signal });
      if (signal.aborted) return;
      await load();
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      showPageError(`Could not disconnect: ${describeError(err)}`);
      button.disabled = false;
    }
  }

  // ---- the two states
  function pairedView(me) {
    const { paired_at: pairedAt, last_sync_at: lastSyncAt } = me.linkedin;
    return [
      el(
        'p',
        { id: 'linkedin-status', className: 'status', dataset: { state: 'paired' } },
        'Connected',
        pairedAt ? [' since ', timeEl(pairedAt, { id: 'linkedin-paired-at' })] : null,
      ),
      el(
        'dl',
        { className: 'facts' },
        el('dt', {}, 'Account'),
        el('dd', {}, me.email),
        el('dt', {}, 'Last sync'),
        el(
          'dd',
          { id: 'linkedin-last-sync' },
          lastSyncAt ? timeEl(lastSyncAt) : 'Not yet — visit linkedin.com in the connected browser to start syncing.',
        ),
      ),
      el(
        'div',
        { className: 'actions' },
        el('p', { className: 'muted grow' }, 'Disconnecting signs the extension out in every browser.'),
        el('button', { id: 'linkedin-disconnect', type: 'button', className: 'danger', onClick: onDisconnect }, 'Disconnect'),
      ),
    ];
  }

  function unpairedView() {
    return [
      el('p', { id: 'linkedin-status', className: 'status', dataset: { state: 'unpaired' } }, 'Not paired'),
      el(
        'ol',
        { className: 'steps' },
        el('li', {}, 'Install the PingCRM extension in Chrome.'),
        el('li', {}, 'Open it from the toolbar and enter this PingCRM’s address (above): it then shows a code like PING-X7K3M2.'),
        el('li', {}, 'Click Connect and type that code.'),
      ),
      el('button', { id: 'linkedin-connect', type: 'button', onClick: openModal }, 'Connect'),
    ];
  }

  async function load() {
    try {
      const me = await api('/api/v1/me', { signal });
      if (signal.aborted) return;
      showPageError(null);
      replace(body, me.linkedin?.paired ? pairedView(me) : unpairedView());
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      if (err instanceof ApiError && err.status === 401) return; // the router shows sign-in
      replace(
        body,
        el('p', { className: 'muted' }, 'The LinkedIn connection could not be loaded.'),
        el('button', { type: 'button', className: 'secondary', onClick: load }, 'Try again'),
      );
      showPageError(describeError(err));
    }
  }

  // The extension can disconnect itself; look again when the tab comes back.
  function onVisible() {
    if (document.visibilityState === 'visible' && !modal.open) load();
  }
  document.addEventListener('visibilitychange', onVisible);
  signal.addEventListener('abort', () => {
    document.removeEventListener('visibilitychange', onVisible);
    stopRetryTimer();
    if (modal.open) modal.close();
  });

  container.append(
    el('div', { className: 'page-header' }, el('h1', {}, 'Settings')),
    el(
      'div',
      { className: 'settings' },
      el(
        'nav',
        { className: 'subnav', 'aria-label': 'Settings' },
        el('h2', {}, 'Integrations'),
        el('ul', {}, el('li', {}, el('a', { href: '#/settings/integrations/linkedin', 'aria-current': 'page' }, 'LinkedIn'))),
      ),
      el(
        'section',
        { className: 'card', 'aria-labelledby': 'linkedin-heading' },
        el(
          'div',
          { className: 'integration-head' },
          el('div', { className: 'integration-logo', 'aria-hidden': 'true' }, 'in'),
          el(
            'div',
            {},
            el('h2', { id: 'linkedin-heading' }, 'LinkedIn'),
            el('p', { className: 'muted' }, 'The PingCRM Chrome extension keeps your LinkedIn conversations in PingCRM.'),
          ),
        ),
        pageError,
        addressBox(ownAddress(window.location), signal),
        body,
      ),
    ),
    modal,
  );
  load();
}
