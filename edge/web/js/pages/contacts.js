// Contacts: lists what GET /api/v1/contacts returns. Until the contacts API
// exists (404/501) it says so plainly instead of showing invented data.

import { ApiError, describeError } from '../api.js';
import { el, replace } from '../dom.js';

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

function contactName(contact) {
  return contact.full_name || contact.name || [contact.first_name, contact.last_name].filter(Boolean).join(' ') || 'Unnamed contact';
}

function contactList(items) {
  if (items.length === 0) {
    return el(
      'div',
      { className: 'card empty' },
      el('h2', {}, 'No contacts yet'),
      el('p', { className: 'muted' }, 'They appear after the first LinkedIn sync.'),
    );
  }
  return el(
    'ul',
    { className: 'card contacts', id: 'contacts-list' },
    items.map((contact) =>
      el(
        'li',
        {},
        el('strong', {}, contactName(contact)),
        contact.title || contact.company
          ? el('div', { className: 'muted' }, [contact.title, contact.company].filter(Boolean).join(' · '))
          : null,
      ),
    ),
  );
}

export async function render(container, { api, signal }) {
  const body = el('div', { 'aria-live': 'polite' }, el('p', { className: 'muted' }, 'Loading contacts…'));
  container.append(el('div', { className: 'page-header' }, el('h1', {}, 'Contacts')), body);
  try {
    const data = await api('/api/v1/contacts', { signal });
    if (signal.aborted) return;
    const items = Array.isArray(data) ? data : (data?.items ?? data?.contacts ?? []);
    replace(body, contactList(items));
  } catch (err) {
    if (signal.aborted || err?.name === 'AbortError') return;
    if (err instanceof ApiError && (err.status === 404 || err.status === 501)) {
      replace(body, waitingForSync());
    } else if (!(err instanceof ApiError && err.status === 401)) {
      replace(body, el('p', { className: 'error', role: 'alert' }, describeError(err)));
    }
  }
}
