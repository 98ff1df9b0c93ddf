// Suggestions: whom to write to and a drafted message, newest first.
//
// GET /api/v1/suggestions?status=pending lists them (keyset pages through
// next_cursor, with the user's pending_count for the navigation);
// POST …/generate asks for new ones now; POST …/{id}/regenerate redrafts one
// (rate-limited: 429 with Retry-After); PATCH …/{id} dismisses, snoozes or
// marks one sent, which takes it off this list. Coming back to the tab
// reloads the list (the extension may have changed it meanwhile).

import { ApiError, describeError } from '../api.js';
import { createAvatars } from '../avatar.js';
import { el, newTabLink, replace, timeEl } from '../dom.js';
import { createLoadMore } from '../load-more.js';

const PAGE_SIZE = 20;
const COPIED_FEEDBACK_MS = 2000;
const NOTICE_MS = 4000;
const DAY_MS = 24 * 60 * 60 * 1000;
const SNOOZE_HOUR = 9; // a custom snooze date brings the suggestion back at 9:00 local time

// What to do about each rule's reason (the reason's own text says why).
const KIND_LABEL = {
  unanswered: 'Reply',
  going_quiet: 'Catch up',
  job_change: 'Congratulate',
  new_connection: 'Say hello',
};

/** The answer of a service that is down or missing: the page says so instead of a generic error. */
export function isUnavailable(error) {
  return error instanceof ApiError && [0, 501, 502, 503, 504].includes(error.status);
}

/** The suggestion is gone or closed (another tab, the extension, or the sync dismissed it): 404 / 410. */
export function isClosed(error) {
  return error instanceof ApiError && (error.status === 404 || error.status === 410);
}

/** What a refused regenerate says, with when to try again. */
export function regenerateErrorMessage(error, now = Date.now()) {
  if (error instanceof ApiError && error.status === 429) {
    if (error.retryAfter == null) return 'Too many new drafts — try again in a moment.';
    return `Too many new drafts — try again in ${waitText(error.retryAfter)} (at ${clockTime(now + error.retryAfter * 1000)}).`;
  }
  return describeError(error);
}

/** 42 → "42 s", 90 → "2 min", 7200 → "2 h". */
export function waitText(seconds) {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}

function clockTime(ms) {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** The ISO instant a custom snooze date ("2026-12-24") means: that day at 9:00 local time. */
export function snoozeInstant(day) {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year, month - 1, date, SNOOZE_HOUR).toISOString();
}

/**
 * Where the draft is sent from, in LinkedIn (P pastes it there): the contact's newest conversation; with
 * none yet (a new connection, or one synced before conversations were named), their profile, whose
 * Message button opens a composer.
 */
function linkedInLink(contact, name) {
  const attrs = { className: 'button secondary-button' };
  if (contact?.conversation_url) {
    return newTabLink(contact.conversation_url, 'Open in LinkedIn', `Open the conversation with ${name} in LinkedIn`, {
      ...attrs,
      dataset: { action: 'open-conversation' },
    });
  }
  if (contact?.profile_url) {
    return newTabLink(contact.profile_url, 'Open in LinkedIn', `Open the LinkedIn profile of ${name}`, {
      ...attrs,
      title: 'No conversation yet: Message on the profile starts one',
      dataset: { action: 'open-profile' },
    });
  }
  return null;
}

/** YYYY-MM-DD of a local date, for <input type="date"> min/value. */
function dayValue(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

export function render(container, { api, signal, setPendingCount }) {
  const avatar = createAvatars(signal);
  const status = el('p', { id: 'suggestions-status', className: 'muted status-line', role: 'status' });
  const generate = el(
    'button',
    { id: 'suggestions-generate', type: 'button', onClick: () => generateNow() },
    'Generate now',
  );
  const body = el('div', { id: 'suggestions-body' }, el('p', { className: 'muted' }, 'Loading suggestions…'));
  const list = el('ul', { className: 'suggestions', id: 'suggestions-list', 'aria-label': 'Suggestions' });
  const more = createLoadMore({
    id: 'suggestions-more',
    signal,
    list,
    async fetchMore(cursor) {
      const page = await fetchPage(cursor);
      if (signal.aborted) return undefined;
      const shown = new Set([...list.children].map((li) => li.dataset.id));
      list.append(...page.items.filter((item) => !shown.has(item.id)).map(card));
      return page.next_cursor;
    },
  });
  let pending = null; // the user's pending count, as the server last said

  function say(message) {
    status.textContent = message ?? '';
  }

  function setCount(n) {
    pending = Math.max(0, n);
    setPendingCount?.(pending);
  }

  function later(ms, fn) {
    const timer = setTimeout(fn, ms);
    signal.addEventListener('abort', () => clearTimeout(timer));
  }

  // ---- the list
  async function fetchPage(after) {
    const query = new URLSearchParams({ status: 'pending', limit: String(PAGE_SIZE) });
    if (after) query.set('cursor', after);
    return api(`/api/v1/suggestions?${query}`, { signal });
  }

  async function load() {
    try {
      const page = await fetchPage(null);
      if (signal.aborted) return;
      setCount(page.pending_count ?? page.items.length);
      if (page.items.length === 0) {
        showEmpty();
        return;
      }
      replace(list, page.items.map(card));
      more.reset(page.next_cursor);
      replace(body, list, more.element);
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      showError(err);
    }
  }

  function showEmpty() {
    replace(
      body,
      el(
        'div',
        { className: 'card empty', id: 'suggestions-empty' },
        el('h2', {}, 'No suggestions — you’re all caught up'),
        el(
          'p',
          { className: 'muted' },
          'PingCRM suggests a message when someone waits for your reply, a relationship goes quiet, ',
          'or a contact changes jobs. New ones appear as your LinkedIn messages sync.',
        ),
      ),
    );
  }

  function showError(err) {
    if (err instanceof ApiError && err.status === 401) return; // the router signs out
    const unavailable = isUnavailable(err);
    const retry = el('button', { type: 'button', className: 'secondary', onClick: () => retryLoad() }, 'Try again');
    replace(
      body,
      el(
        'div',
        { className: 'card empty', id: 'suggestions-error', role: 'alert' },
        el('h2', {}, unavailable ? 'Suggestions are unavailable right now' : 'Suggestions could not be loaded'),
        el(
          'p',
          { className: 'muted' },
          unavailable
            ? 'Your contacts and messages are safe; suggestions come back when the service does.'
            : describeError(err),
        ),
        el('div', { className: 'actions center' }, retry),
      ),
    );
    generate.disabled = unavailable;
  }

  function retryLoad() {
    generate.disabled = false;
    replace(body, el('p', { className: 'muted' }, 'Loading suggestions…'));
    load();
  }

  // ---- one suggestion
  function card(item) {
    const name = item.contact?.full_name || 'Unnamed contact';
    const headingId = `suggestion-${item.id}-name`;
    const draft = el('p', { className: 'suggestion-draft' }, item.message);
    const notice = el('p', { className: 'suggestion-notice', role: 'status' });
    const noticeError = el('p', { className: 'error', role: 'alert', hidden: true });
    const drafter = el('span', { className: 'suggestion-drafter muted' }, drafterLabel(item.drafter));
    const created = item.created_at ? timeEl(item.created_at, { className: 'suggestion-time muted' }) : null;
    const closedMessage = `The suggestion for ${name} was already closed elsewhere.`;
    const li = el('li', { className: 'card suggestion', dataset: { id: item.id }, 'aria-labelledby': headingId });

    function showError(message) {
      noticeError.textContent = message ?? '';
      noticeError.hidden = !message;
      if (message) notice.textContent = '';
    }

    // A short confirmation that goes by itself (a later one restarts the wait).
    let flashed = 0;
    function flash(message) {
      const mine = ++flashed;
      notice.textContent = message;
      later(NOTICE_MS, () => {
        if (mine === flashed) notice.textContent = '';
      });
    }

    // Regenerate: busy while drafting; a 429 disables it until the server says to try again.
    const regenerate = el('button', { type: 'button', className: 'secondary', dataset: { action: 'regenerate' } }, 'Regenerate');
    regenerate.addEventListener('click', async () => {
      regenerate.disabled = true;
      regenerate.textContent = 'Regenerating…';
      li.setAttribute('aria-busy', 'true');
      showError(null);
      try {
        const fresh = await api(`/api/v1/suggestions/${encodeURIComponent(item.id)}/regenerate`, {
          method: 'POST',
          signal,
        });
        if (signal.aborted) return;
        item = fresh;
        draft.textContent = fresh.message;
        drafter.textContent = drafterLabel(fresh.drafter);
        flash('New draft.');
        regenerate.disabled = false;
      } catch (err) {
        if (signal.aborted || err?.name === 'AbortError') return;
        if (isClosed(err)) {
          remove(li, closedMessage);
          return;
        }
        showError(regenerateErrorMessage(err));
        const wait = err instanceof ApiError && err.status === 429 ? err.retryAfter : null;
        if (wait != null) {
          later(wait * 1000, () => {
            regenerate.disabled = false;
            showError(null);
          });
        } else {
          regenerate.disabled = false;
        }
      } finally {
        regenerate.textContent = 'Regenerate';
        li.removeAttribute('aria-busy');
      }
    });

    const copy = el('button', { type: 'button', className: 'secondary', dataset: { action: 'copy' } }, 'Copy');
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(item.message);
        copy.textContent = 'Copied ✓';
        flash('The draft is on your clipboard.');
        later(COPIED_FEEDBACK_MS, () => {
          copy.textContent = 'Copy';
        });
      } catch {
        // No clipboard access (permission refused, insecure origin): select the text for Ctrl+C.
        getSelection()?.selectAllChildren(draft);
        flash('Copying was refused by the browser: the draft is selected, press Ctrl+C (⌘C).');
      }
    });

    async function update(body, done) {
      for (const button of li.querySelectorAll('button')) button.disabled = true;
      showError(null);
      try {
        await api(`/api/v1/suggestions/${encodeURIComponent(item.id)}`, { method: 'PATCH', body, signal });
        if (signal.aborted) return;
        remove(li, done);
      } catch (err) {
        if (signal.aborted || err?.name === 'AbortError') return;
        if (isClosed(err)) {
          remove(li, closedMessage);
          return;
        }
        showError(describeError(err));
        for (const button of li.querySelectorAll('button')) button.disabled = false;
      }
    }

    const dismiss = el('button', { type: 'button', className: 'secondary', dataset: { action: 'dismiss' } }, 'Dismiss');
    dismiss.addEventListener('click', () => update({ status: 'dismissed' }, `Dismissed the suggestion for ${name}.`));
    const sent = el('button', { type: 'button', dataset: { action: 'sent' } }, 'Mark sent');
    sent.addEventListener('click', () => update({ status: 'sent' }, `Marked the message to ${name} as sent.`));

    const snooze = snoozePicker(name, (until, label) =>
      update({ status: 'snoozed', snooze_until: until }, `Snoozed the suggestion for ${name} until ${label}.`),
    );

    const kind = KIND_LABEL[item.reason?.kind];
    li.append(
      el(
        'div',
        { className: 'suggestion-head' },
        // The contact's own name, not 'Unnamed contact': a nameless contact's initials are '?', as on Contacts.
        avatar({ full_name: item.contact?.full_name ?? '', avatar_url: item.contact?.avatar_url ?? null }),
        el(
          'div',
          { className: 'suggestion-who' },
          el(
            'h2',
            { id: headingId },
            item.contact?.id
              ? el('a', { href: `#/contacts/${encodeURIComponent(item.contact.id)}` }, name)
              : name,
          ),
          el(
            'p',
            { className: 'suggestion-reason' },
            kind ? el('span', { className: `badge badge-reason badge-${item.reason.kind}` }, kind) : null,
            item.reason?.text ?? '',
          ),
        ),
        created,
      ),
      draft,
      el(
        'div',
        { className: 'suggestion-actions' },
        regenerate,
        copy,
        linkedInLink(item.contact, name),
        snooze.button,
        dismiss,
        el('span', { className: 'grow' }),
        drafter,
        sent,
      ),
      snooze.panel,
      noticeError,
      notice,
    );
    return li;
  }

  // Snooze: a disclosure with "Tomorrow", "In a week" and a date of one's own.
  function snoozePicker(name, choose) {
    const button = el(
      'button',
      { type: 'button', className: 'secondary', 'aria-expanded': 'false', dataset: { action: 'snooze' } },
      'Snooze',
      el('span', { className: 'caret', 'aria-hidden': 'true' }, '▾'),
    );
    const now = Date.now();
    const dateInput = el('input', {
      type: 'date',
      min: dayValue(now + DAY_MS),
      value: dayValue(now + 3 * DAY_MS),
      'aria-label': `Snooze ${name} until this date`,
      required: true,
    });
    const dateError = el('span', { className: 'snooze-error', role: 'alert' });
    const pick = (until, label) => {
      close(false);
      choose(until, label);
    };
    const panel = el(
      'div',
      { className: 'snooze-panel', role: 'group', 'aria-label': `Snooze ${name}`, hidden: true },
      el('span', { className: 'snooze-title' }, 'Bring it back'),
      el(
        'button',
        {
          type: 'button',
          className: 'secondary',
          onClick: () => pick(new Date(Date.now() + DAY_MS).toISOString(), 'tomorrow'),
        },
        'In 1 day',
      ),
      el(
        'button',
        {
          type: 'button',
          className: 'secondary',
          onClick: () => pick(new Date(Date.now() + 7 * DAY_MS).toISOString(), 'next week'),
        },
        'In 1 week',
      ),
      el(
        'form',
        {
          className: 'snooze-custom',
          onSubmit: (event) => {
            event.preventDefault();
            if (!dateInput.value || dateInput.value < dayValue(Date.now() + DAY_MS)) {
              dateError.textContent = 'Choose a day from tomorrow on.';
              return;
            }
            const until = snoozeInstant(dateInput.value);
            pick(until, new Date(until).toLocaleDateString(undefined, { dateStyle: 'medium' }));
          },
        },
        el('label', {}, 'On ', dateInput),
        el('button', { type: 'submit', className: 'secondary' }, 'Snooze until then'),
        dateError,
      ),
    );

    function close(returnFocus) {
      panel.hidden = true;
      button.setAttribute('aria-expanded', 'false');
      dateError.textContent = '';
      if (returnFocus) button.focus();
    }

    button.addEventListener('click', () => {
      if (panel.hidden) {
        panel.hidden = false;
        button.setAttribute('aria-expanded', 'true');
        panel.querySelector('button').focus();
      } else {
        close(false);
      }
    });
    panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        close(true);
      }
    });
    return { button, panel };
  }

  // A card leaves: the count drops, and focus moves to the next card (or the page's action).
  function remove(li, message) {
    const next = li.nextElementSibling ?? li.previousElementSibling;
    li.remove();
    setCount((pending ?? 1) - 1);
    say(message);
    if (list.children.length === 0 && !more.hasMore()) {
      showEmpty();
      generate.focus();
    } else {
      (next?.querySelector('h2 a') ?? generate).focus();
    }
  }

  // ---- Generate now
  async function generateNow() {
    generate.disabled = true;
    generate.textContent = 'Generating…';
    say('');
    try {
      const { items } = await api('/api/v1/suggestions/generate', { method: 'POST', signal });
      if (signal.aborted) return;
      say(items.length ? `${plural(items.length, 'new suggestion', 'new suggestions')}.` : 'Nobody is due for a follow-up right now.');
      await load();
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      if (isUnavailable(err)) showError(err);
      else say(describeError(err));
    } finally {
      generate.textContent = 'Generate now';
      if (!document.getElementById('suggestions-error')) generate.disabled = false;
    }
  }

  container.append(
    el(
      'div',
      { className: 'page-header suggestions-header' },
      el(
        'div',
        {},
        el('h1', {}, 'Suggestions'),
        el('p', { className: 'muted' }, 'Whom to write to, and a draft to start from. Nothing is sent for you.'),
      ),
      generate,
    ),
    status,
    body,
  );
  load();

  // Back from LinkedIn (where P / R may have sent or redrafted some): show the list as it is now,
  // unless the user is in the middle of something here.
  function onVisible() {
    if (document.visibilityState !== 'visible' || !list.isConnected) return;
    if (list.querySelector('[aria-busy="true"], .snooze-panel:not([hidden]), button:disabled')) return;
    load();
  }
  document.addEventListener('visibilitychange', onVisible);
  signal.addEventListener('abort', () => document.removeEventListener('visibilitychange', onVisible));
}

function drafterLabel(drafter) {
  if (!drafter) return '';
  return drafter === 'embedded' ? 'Drafted by PingCRM' : `Drafted by ${drafter}`;
}
