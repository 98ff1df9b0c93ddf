// Contacts: GET /api/v1/contacts, newest activity first, with search, a
// source filter (`#/contacts?source=connections_import`) and "Load more"
// (keyset pages through next_cursor). While this server has no contacts API
// (404/501) the page says where contacts come from instead of showing
// invented data.

import { ApiError, describeError } from '../api.js';
import { el, replace } from '../dom.js';

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

export const SOURCES = [
  { value: '', label: 'All sources' },
  { value: 'linkedin_dm', label: 'LinkedIn DM' },
  { value: 'connections_import', label: 'Connections import' },
  { value: 'messages_import', label: 'Messages import' },
];
const SOURCE_BADGE = { linkedin_dm: 'DM', connections_import: 'Connection', messages_import: 'Messages' };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", else a date. */
export function relativeTime(iso, now = Date.now()) {
  const when = Date.parse(iso);
  if (Number.isNaN(when)) return '';
  const ago = now - when;
  if (ago < MINUTE) return 'just now';
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  if (ago < 2 * DAY) return 'yesterday';
  if (ago < 7 * DAY) return `${Math.floor(ago / DAY)} days ago`;
  const date = new Date(when);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleDateString(undefined, sameYear ? { month: 'short', day: 'numeric' } : { dateStyle: 'medium' });
}

function waitingForSync() {
  return el(
    'div',
    { className: 'card empty', id: 'contacts-unavailable' },
    el('h2', {}, 'Contacts arrive with the LinkedIn sync'),
    el(
      'p',
      { className: 'muted' },
      'Once the PingCRM extension is connected, the people you message on LinkedIn appear here.',
    ),
    el('a', { className: 'button', href: '#/settings/integrations/linkedin' }, 'Connect LinkedIn'),
  );
}

function noContactsYet() {
  return el(
    'div',
    { className: 'card empty', id: 'contacts-empty' },
    el('h2', {}, 'No contacts yet'),
    el(
      'p',
      { className: 'muted' },
      'The people you message on LinkedIn appear here after the extension’s first sync. ',
      'Your whole network comes in with an import of LinkedIn’s data export.',
    ),
    el(
      'div',
      { className: 'actions center' },
      el('a', { className: 'button', href: '#/settings/integrations/linkedin' }, 'LinkedIn settings'),
      el('a', { className: 'button secondary-button', href: '#/contacts/import' }, 'Import from LinkedIn'),
    ),
  );
}

function noMatches(query, source) {
  const label = SOURCES.find((s) => s.value === source)?.label;
  const why = query ? `Nobody’s name or company contains “${query}”` : 'Nobody came from there yet';
  return el(
    'div',
    { className: 'card empty', id: 'contacts-no-match' },
    el('h2', {}, 'No matching contacts'),
    el('p', { className: 'muted' }, source ? `${why} (${label}).` : `${why}.`),
  );
}

/** "Connected Mar 5, 2024" from a YYYY-MM-DD date, read as that calendar day wherever the browser is. */
export function connectedLine(day) {
  const [year, month, date] = day.split('-').map(Number);
  const when = new Date(year, month - 1, date);
  return `Connected ${when.toLocaleDateString(undefined, { dateStyle: 'medium' })}`;
}

function lastMessageLine(message) {
  if (!message) return el('p', { className: 'contact-last muted' }, 'No messages yet');
  const text = message.text || '(no text)';
  return el(
    'p',
    { className: 'contact-last' },
    message.from_self ? el('span', { className: 'muted' }, 'You: ') : null,
    text,
  );
}

function contactRow(contact) {
  const role = [contact.title || contact.headline, contact.company].filter(Boolean).join(' · ');
  const at = contact.last_interaction_at;
  const sources = contact.sources ?? [];
  return el(
    'li',
    { className: 'contact', dataset: { id: contact.id } },
    el(
      'div',
      { className: 'contact-head' },
      el('strong', { className: 'contact-name' }, contact.full_name || 'Unnamed contact'),
      sources.map((source) => el('span', { className: `badge badge-${source}` }, SOURCE_BADGE[source] ?? source)),
      at
        ? el(
            'time',
            { className: 'contact-time muted', datetime: at, title: new Date(at).toLocaleString() },
            relativeTime(at),
          )
        : null,
    ),
    role ? el('p', { className: 'contact-role muted' }, role) : null,
    contact.connected_on ? el('p', { className: 'contact-connected muted' }, connectedLine(contact.connected_on)) : null,
    lastMessageLine(contact.last_message),
  );
}

export function render(container, { api, signal, query: params }) {
  let source = SOURCES.some((s) => s.value === params?.get('source')) ? params.get('source') : '';
  const sourceSelect = el(
    'select',
    { id: 'contacts-source', name: 'source' },
    SOURCES.map((s) => el('option', { value: s.value, selected: s.value === source }, s.label)),
  );
  const search = el('input', {
    id: 'contacts-search',
    type: 'search',
    name: 'q',
    placeholder: 'Name or company',
    autocomplete: 'off',
    maxlength: '200',
  });
  const body = el('div', { id: 'contacts-body', 'aria-live': 'polite' }, el('p', { className: 'muted' }, 'Loading contacts…'));
  const list = el('ul', { className: 'card contacts', id: 'contacts-list' });
  const more = el('button', { id: 'contacts-more', type: 'button', className: 'secondary' }, 'Load more');
  const moreError = el('p', { className: 'error', role: 'alert', hidden: true });
  let query = '';
  let cursor = null;
  let loading = null; // AbortController of the request in flight
  let timer = null;

  async function fetchPage(q, after) {
    loading?.abort();
    const controller = new AbortController();
    loading = controller;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (q) query.set('q', q);
    if (source) query.set('source', source);
    if (after) query.set('cursor', after);
    try {
      return await api(`/api/v1/contacts?${query}`, { signal: controller.signal });
    } finally {
      if (loading === controller) loading = null;
    }
  }

  function showMore(nextCursor) {
    cursor = nextCursor ?? null;
    more.hidden = !cursor;
    more.disabled = false;
    more.textContent = 'Load more';
  }

  async function load(q) {
    query = q;
    try {
      const page = await fetchPage(q, null);
      if (signal.aborted || q !== query) return;
      if (page.items.length === 0) {
        replace(body, q || source ? noMatches(q, source) : noContactsYet());
        return;
      }
      replace(list, page.items.map(contactRow));
      moreError.hidden = true;
      showMore(page.next_cursor);
      replace(body, list, el('div', { className: 'load-more' }, moreError, more));
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      if (err instanceof ApiError && (err.status === 404 || err.status === 501)) {
        search.disabled = true;
        replace(body, waitingForSync());
      } else if (!(err instanceof ApiError && err.status === 401)) {
        replace(body, el('p', { className: 'error', role: 'alert' }, describeError(err)));
      }
    }
  }

  async function loadMore() {
    if (!cursor) return;
    more.disabled = true;
    more.textContent = 'Loading…';
    const q = query;
    try {
      const page = await fetchPage(q, cursor);
      if (signal.aborted || q !== query) return;
      list.append(...page.items.map(contactRow));
      moreError.hidden = true;
      showMore(page.next_cursor);
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      moreError.textContent = describeError(err);
      moreError.hidden = false;
      more.disabled = false;
      more.textContent = 'Load more';
    }
  }

  function onSearchInput() {
    clearTimeout(timer);
    timer = setTimeout(() => load(search.value.trim()), SEARCH_DELAY_MS);
  }

  function onSourceChange() {
    source = sourceSelect.value;
    // The filter lives in the address (shareable, kept on reload) without re-rendering the page.
    history.replaceState(null, '', source ? `#/contacts?source=${source}` : '#/contacts');
    clearTimeout(timer);
    load(search.value.trim());
  }

  more.addEventListener('click', loadMore);
  search.addEventListener('input', onSearchInput);
  sourceSelect.addEventListener('change', onSourceChange);
  signal.addEventListener('abort', () => {
    clearTimeout(timer);
    loading?.abort();
  });

  container.append(
    el(
      'div',
      { className: 'page-header contacts-header' },
      el('h1', {}, 'Contacts'),
      el(
        'form',
        {
          role: 'search',
          className: 'contacts-search',
          onSubmit: (event) => {
            event.preventDefault();
            clearTimeout(timer);
            load(search.value.trim());
          },
        },
        el('label', { for: 'contacts-search', className: 'visually-hidden' }, 'Search contacts'),
        search,
        el('label', { for: 'contacts-source', className: 'visually-hidden' }, 'Source'),
        sourceSelect,
      ),
      el('a', { id: 'contacts-import', className: 'button secondary-button', href: '#/contacts/import' }, 'Import'),
    ),
    body,
  );
  load('');
}
