// One contact (`#/contacts/<id>`, reloadable): GET /api/v1/contacts/{id}
// shows the photo, name, title, company, location, headline, the LinkedIn
// links (the newest synced conversation, the profile), the job changes sync
// has seen, the note, and the message history newest first ("Older
// messages" follows next_interactions_cursor). Name,
// title, company and the note are edited in place (PATCH); a field the user
// edited carries an "edited" badge, and sync never overwrites it.

import { ApiError, describeError } from '../api.js';
import { createAvatars } from '../avatar.js';
import { el, newTabLink, replace, timeEl } from '../dom.js';
import { linkedInLink } from './contacts.js';

/** What the edit form changes; `edited_fields` names them the same way. */
const EDITABLE = [
  { name: 'full_name', label: 'Name', maxlength: 300 },
  { name: 'title', label: 'Title', maxlength: 300 },
  { name: 'company', label: 'Company', maxlength: 300 },
];
const NOTE_MAX = 10_000;

function editedSet(contact) {
  const fields = contact.edited_fields;
  return new Set(Array.isArray(fields) ? fields : Object.keys(fields ?? {}));
}

function editedBadge(edited, field) {
  return edited.has(field)
    ? el('span', { className: 'badge badge-edited', title: 'You edited this; sync keeps it' }, 'edited')
    : null;
}

/** "COO at Acme", with the edited badges next to what they mark. */
function roleLine(contact, edited) {
  if (!contact.title && !contact.company) return null;
  return el(
    'p',
    { className: 'contact-page-role', id: 'contact-role' },
    contact.title ? el('span', { id: 'contact-title' }, contact.title) : null,
    editedBadge(edited, 'title'),
    contact.title && contact.company ? ' at ' : null,
    contact.company ? el('span', { id: 'contact-company' }, contact.company) : null,
    editedBadge(edited, 'company'),
  );
}

function positionText(title, company) {
  if (title && company) return `${title} at ${company}`;
  return title || company || 'no position';
}

/** Opens the newest synced conversation in LinkedIn's messaging, where P and R draft the reply. */
function messageLink(contact) {
  if (!contact.conversation_url) return null;
  return newTabLink(
    contact.conversation_url,
    'Message on LinkedIn',
    `Message ${contact.full_name || 'this contact'} on LinkedIn`,
    { className: 'button', id: 'contact-message-link' },
  );
}

function jobChanges(changes) {
  if (!Array.isArray(changes) || changes.length === 0) return null;
  return el(
    'section',
    { className: 'card contact-section', id: 'contact-job-changes', 'aria-labelledby': 'job-changes-title' },
    el('h2', { id: 'job-changes-title' }, 'Job changes'),
    el(
      'ul',
      { className: 'job-changes' },
      changes.map((change) =>
        el(
          'li',
          {},
          el('span', { className: 'job-new' }, positionText(change.new_title, change.new_company)),
          el(
            'span',
            { className: 'muted' },
            change.old_title || change.old_company ? ` — was ${positionText(change.old_title, change.old_company)}` : '',
          ),
          change.seen_at ? el('span', { className: 'muted job-seen' }, ' · seen ', timeEl(change.seen_at)) : null,
        ),
      ),
    ),
  );
}

function messageItem(item, contact) {
  const who = item.from_self ? 'You' : contact.full_name.split(/\s+/)[0] || 'Them';
  return el(
    'li',
    { className: item.from_self ? 'message from-self' : 'message', dataset: { id: item.id } },
    el('div', { className: 'message-head' }, el('strong', {}, who), item.at ? timeEl(item.at, { className: 'muted' }) : null),
    el('p', { className: 'message-text' }, item.text || '(no text)'),
  );
}

function field({ name, label, maxlength }, value) {
  const id = `edit-${name}`;
  return el(
    'div',
    { className: 'field' },
    el('label', { for: id }, label),
    el('input', { id, name, value: value ?? '', maxlength: String(maxlength), autocomplete: 'off' }),
  );
}

export function render(container, { api, signal, params }) {
  const id = params.id;
  const path = `/api/v1/contacts/${encodeURIComponent(id)}`;
  const avatar = createAvatars(signal);
  const body = el('div', { id: 'contact-body', 'aria-live': 'polite' }, el('p', { className: 'muted' }, 'Loading contact…'));
  container.append(el('p', { className: 'crumbs' }, el('a', { href: '#/contacts' }, '← Contacts')), body);

  let contact = null;

  function showError(err) {
    if (signal.aborted || err?.name === 'AbortError' || (err instanceof ApiError && err.status === 401)) return;
    if (err instanceof ApiError && err.status === 404) {
      replace(
        body,
        el(
          'div',
          { className: 'card empty', id: 'contact-missing' },
          el('h2', {}, 'This contact is not here'),
          el('p', { className: 'muted' }, 'It may have been merged into another contact, or the link is wrong.'),
          el('a', { className: 'button', href: '#/contacts' }, 'All contacts'),
        ),
      );
      return;
    }
    const retry = el('button', { type: 'button', className: 'secondary', onClick: () => load() }, 'Try again');
    replace(
      body,
      el('div', { className: 'card', id: 'contact-error' }, el('p', { className: 'error', role: 'alert' }, describeError(err)), retry),
    );
  }

  function messagesSection(detail) {
    const list = el('ol', { className: 'messages', id: 'contact-messages' });
    const more = el('button', { type: 'button', className: 'secondary', id: 'contact-older' }, 'Older messages');
    const moreError = el('p', { className: 'error', role: 'alert', hidden: true });
    let cursor = detail.next_interactions_cursor ?? null;
    const items = detail.recent_interactions ?? [];
    list.append(...items.map((item) => messageItem(item, detail)));
    more.hidden = !cursor;
    more.addEventListener('click', async () => {
      more.disabled = true;
      more.textContent = 'Loading…';
      try {
        const page = await api(`${path}?interactions_cursor=${encodeURIComponent(cursor)}`, { signal });
        list.append(...(page.recent_interactions ?? []).map((item) => messageItem(item, detail)));
        cursor = page.next_interactions_cursor ?? null;
        moreError.hidden = true;
      } catch (err) {
        if (signal.aborted || err?.name === 'AbortError') return;
        moreError.textContent = describeError(err);
        moreError.hidden = false;
      }
      more.hidden = !cursor;
      more.disabled = false;
      more.textContent = 'Older messages';
    });
    return el(
      'section',
      { className: 'card contact-section', 'aria-labelledby': 'messages-title' },
      el('h2', { id: 'messages-title' }, 'Messages'),
      items.length === 0 ? el('p', { className: 'muted', id: 'contact-no-messages' }, 'No messages with this contact yet.') : list,
      el('div', { className: 'load-more' }, moreError, more),
    );
  }

  function editForm(detail, done) {
    const inputs = EDITABLE.map((spec) => field(spec, detail[spec.name]));
    const note = el('textarea', { id: 'edit-notes', name: 'notes', rows: '4', maxlength: String(NOTE_MAX) }, detail.notes ?? '');
    const error = el('p', { className: 'error', role: 'alert', hidden: true });
    const save = el('button', { type: 'submit' }, 'Save');
    const form = el(
      'form',
      {
        className: 'card contact-edit',
        id: 'contact-edit',
        'aria-labelledby': 'contact-edit-heading',
        onSubmit: async (event) => {
          event.preventDefault();
          const changes = {};
          for (const { name } of EDITABLE) {
            const value = form.elements[name].value.trim();
            if (value !== (detail[name] ?? '')) changes[name] = value;
          }
          if (note.value !== (detail.notes ?? '')) changes.notes = note.value;
          if (Object.keys(changes).length === 0) {
            done(null);
            return;
          }
          if (changes.full_name === '') {
            error.textContent = 'A contact needs a name.';
            error.hidden = false;
            form.elements.full_name.focus();
            return;
          }
          save.disabled = true;
          save.textContent = 'Saving…';
          try {
            done(await api(path, { method: 'PATCH', body: changes, signal }));
          } catch (err) {
            if (signal.aborted || err?.name === 'AbortError') return;
            error.textContent = describeError(err);
            error.hidden = false;
            save.disabled = false;
            save.textContent = 'Save';
          }
        },
      },
      el('h2', { id: 'contact-edit-heading' }, 'Edit contact'),
      el('p', { className: 'muted' }, 'What you change here stays, whatever LinkedIn shows later.'),
      error,
      inputs,
      el('div', { className: 'field' }, el('label', { for: 'edit-notes' }, 'Note'), note),
      el(
        'div',
        { className: 'actions' },
        el('button', { type: 'button', className: 'secondary', onClick: () => done(null) }, 'Cancel'),
        save,
      ),
    );
    return form;
  }

  function show(detail, { focusEdit = false } = {}) {
    contact = detail;
    document.title = `${detail.full_name || 'Contact'} · PingCRM`;
    const edited = editedSet(detail);
    const editButton = el('button', { type: 'button', className: 'secondary', id: 'contact-edit-button' }, 'Edit');
    const profile = el(
      'section',
      { className: 'card contact-profile', id: 'contact-profile', 'aria-labelledby': 'contact-name' },
      avatar(detail, 'large'),
      el(
        'div',
        { className: 'contact-profile-text' },
        el('h1', { id: 'contact-name' }, detail.full_name || 'Unnamed contact', editedBadge(edited, 'full_name')),
        roleLine(detail, edited),
        detail.location ? el('p', { className: 'muted', id: 'contact-location' }, detail.location) : null,
        detail.headline ? el('p', { className: 'contact-headline', id: 'contact-headline' }, detail.headline) : null,
        el(
          'div',
          { className: 'actions start' },
          messageLink(detail),
          linkedInLink(detail, 'View on LinkedIn'),
          editButton,
        ),
      ),
    );
    const noteCard = detail.notes
      ? el(
          'section',
          { className: 'card contact-section', id: 'contact-note', 'aria-labelledby': 'note-title' },
          el('h2', { id: 'note-title' }, 'Note'),
          el('p', { className: 'note-text' }, detail.notes),
        )
      : null;
    const slot = el('div', {});
    editButton.addEventListener('click', () => {
      const form = editForm(contact, (updated) => {
        if (updated) show(updated, { focusEdit: true });
        else {
          replace(slot);
          editButton.hidden = false;
          editButton.focus();
        }
      });
      editButton.hidden = true;
      replace(slot, form);
      form.elements.full_name.focus();
    });
    replace(body, profile, slot, noteCard, jobChanges(detail.job_changes), messagesSection(detail));
    if (focusEdit) editButton.focus();
  }

  async function load() {
    replace(body, el('p', { className: 'muted' }, 'Loading contact…'));
    try {
      const detail = await api(path, { signal });
      if (!signal.aborted) show(detail);
    } catch (err) {
      showError(err);
    }
  }

  load();
}
