// Contacts: GET /api/v1/contacts with search (name, company, title,
// headline), a sort (`#/contacts?sort=name`), a source filter
// (`?source=connections_import`), the count of matches, and "Load more"
// (keyset pages through next_cursor). Each row shows the photo (initials
// without one), title and company, a link to the LinkedIn profile, and opens
// the contact's own page (`#/contacts/<id>`, pages/contact.js). While this
// server has no contacts API (404/501) the page says where contacts come
// from instead of showing invented data.

import { ApiError, describeError } from '../api.js';
import { createAvatars } from '../avatar.js';
import { el, newTabLink, replace } from '../dom.js';
import { createLoadMore } from '../load-more.js';

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

export const SOURCES = [
  { value: '', label: 'All sources' },
  { value: 'linkedin_dm', label: 'LinkedIn DM' },
  { value: 'connections_import', label: 'Connections import' },
  { value: 'messages_import', label: 'Messages import' },
];
export const SORTS = [
  { value: 'last_interaction', label: 'Last interaction' },
  { value: 'name', label: 'Name' },
  { value: 'quiet_longest', label: 'Not contacted for longest' },
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

// A pasted LinkedIn profile address finds that contact by its ids, not as text (the API does the same).
const PROFILE_LINK = /^\S*linkedin\.com\/in\/\S+$/i;

function noMatches(query, source) {
  const label = SOURCES.find((s) => s.value === source)?.label;
  let why = 'Nobody came from there yet';
  if (PROFILE_LINK.test(query)) why = `None of your contacts has the LinkedIn address “${query}”`;
  else if (query) why = `Nobody’s name, company, title, headline or email contains “${query}”`;
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

/** "Staff Engineer · Initech"; the headline when neither is known. */
export function roleLine(contact) {
  const role = [contact.title, contact.company].filter(Boolean).join(' · ');
  return role || contact.headline || '';
}

/** "1 contact", "1,234 contacts". */
export function countLabel(total) {
  return `${total.toLocaleString()} contact${total === 1 ? '' : 's'}`;
}

export function linkedInLink(contact, label = 'LinkedIn') {
  const url = contact.linkedin?.url || contact.linkedin?.profile_url;
  if (!url) return null;
  return newTabLink(url, label, `${contact.full_name || 'This contact'} on LinkedIn`, { className: 'linkedin-link' });
}

function contactRow(contact, avatar, navigate) {
  const role = roleLine(contact);
  const at = contact.last_interaction_at;
  const sources = contact.sources ?? [];
  const href = `#/contacts/${encodeURIComponent(contact.id)}`;
  return el(
    'li',
    {
      className: 'contact',
      dataset: { id: contact.id },
      // The whole row opens the contact for a mouse; keyboards and screen readers use the name's link.
      onClick: (event) => {
        if (event.target.closest('a, button')) return;
        navigate(`/contacts/${encodeURIComponent(contact.id)}`);
      },
    },
    avatar(contact),
    el(
      'div',
      { className: 'contact-main' },
      el(
        'div',
        { className: 'contact-head' },
        el('a', { className: 'contact-name', href }, contact.full_name || 'Unnamed contact'),
        sources.map((source) => el('span', { className: `badge badge-${source}` }, SOURCE_BADGE[source] ?? source)),
        linkedInLink(contact),
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
    ),
  );
}

export function render(container, { api, signal, navigate, query: params }) {
  let source = SOURCES.some((s) => s.value === params?.get('source')) ? params.get('source') : '';
  let sort = SORTS.some((s) => s.value === params?.get('sort')) ? params.get('sort') : SORTS[0].value;
  const avatar = createAvatars(signal);
  const sourceSelect = el(
    'select',
    { id: 'contacts-source', name: 'source' },
    SOURCES.map((s) => el('option', { value: s.value, selected: s.value === source }, s.label)),
  );
  const sortSelect = el(
    'select',
    { id: 'contacts-sort', name: 'sort' },
    SORTS.map((s) => el('option', { value: s.value, selected: s.value === sort }, s.label)),
  );
  const search = el('input', {
    id: 'contacts-search',
    type: 'search',
    name: 'q',
    placeholder: 'Name, company, email or LinkedIn link',
    autocomplete: 'off',
    maxlength: '200',
  });
  const count = el('p', { id: 'contacts-count', className: 'muted', 'aria-live': 'polite' });
  const body = el('div', { id: 'contacts-body', 'aria-live': 'polite' }, el('p', { className: 'muted' }, 'Loading contacts…'));
  const list = el('ul', { className: 'card contacts', id: 'contacts-list' });
  let query = '';
  let loading = null; // AbortController of the request in flight
  let timer = null;

  async function fetchPage(q, after) {
    loading?.abort();
    const controller = new AbortController();
    loading = controller;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (q) query.set('q', q);
    if (source) query.set('source', source);
    if (sort !== SORTS[0].value) query.set('sort', sort);
    if (after) query.set('cursor', after);
    try {
      return await api(`/api/v1/contacts?${query}`, { signal: controller.signal });
    } finally {
      if (loading === controller) loading = null;
    }
  }

  const more = createLoadMore({
    id: 'contacts-more',
    signal,
    list,
    async fetchMore(cursor) {
      const q = query;
      const page = await fetchPage(q, cursor);
      if (signal.aborted || q !== query) return undefined; // another search replaced the list meanwhile
      list.append(...page.items.map((contact) => contactRow(contact, avatar, navigate)));
      return page.next_cursor;
    },
  });

  async function load(q) {
    query = q;
    try {
      const page = await fetchPage(q, null);
      if (signal.aborted || q !== query) return;
      count.textContent = typeof page.total === 'number' ? countLabel(page.total) : '';
      if (page.items.length === 0) {
        replace(body, q || source ? noMatches(q, source) : noContactsYet());
        return;
      }
      replace(list, page.items.map((contact) => contactRow(contact, avatar, navigate)));
      more.reset(page.next_cursor);
      replace(body, list, more.element);
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      count.textContent = '';
      if (err instanceof ApiError && (err.status === 404 || err.status === 501)) {
        search.disabled = true;
        replace(body, waitingForSync());
      } else if (!(err instanceof ApiError && err.status === 401)) {
        replace(body, el('p', { className: 'error', role: 'alert' }, describeError(err)));
      }
    }
  }

  function onSearchInput() {
    clearTimeout(timer);
    timer = setTimeout(() => load(search.value.trim()), SEARCH_DELAY_MS);
  }

  function onFilterChange() {
    source = sourceSelect.value;
    sort = sortSelect.value;
    // The filter and the order live in the address (shareable, kept on reload) without re-rendering the page.
    const address = new URLSearchParams();
    if (source) address.set('source', source);
    if (sort !== SORTS[0].value) address.set('sort', sort);
    history.replaceState(null, '', address.size ? `#/contacts?${address}` : '#/contacts');
    clearTimeout(timer);
    load(search.value.trim());
  }

  search.addEventListener('input', onSearchInput);
  sourceSelect.addEventListener('change', onFilterChange);
  sortSelect.addEventListener('change', onFilterChange);
  signal.addEventListener('abort', () => {
    clearTimeout(timer);
    loading?.abort();
  });

  const searchForm = el(
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
    el('label', { for: 'contacts-sort', className: 'sort-label muted' }, 'Sort by'),
    sortSelect,
  );
  container.append(
    el(
      'div',
      { className: 'page-header contacts-header' },
      el('div', { className: 'contacts-title' }, el('h1', {}, 'Contacts'), count),
      el('a', { id: 'contacts-import', className: 'button secondary-button', href: '#/contacts/import' }, 'Import'),
    ),
    searchForm,
    body,
  );
  load('');
}
