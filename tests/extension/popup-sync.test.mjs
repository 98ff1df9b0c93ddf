// The popup's sync part: the status line for every state, progress, counts,
// and Sync Now driving a real sync (fake LinkedIn, fake edge) live.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, it } from 'node:test';

import { createHandlers } from '../../extension/background/handlers.js';
import { dispatch } from '../../extension/background/router.js';
import { startPopup } from '../../extension/popup/controller.js';
import { KEYS } from '../../extension/lib/storage.js';
import { createFakeDocument, createFakeTimers } from './helpers/fake-dom.mjs';
import { createWorld, settle } from './helpers/sync-world.mjs';

const POPUP_HTML = fileURLToPath(new URL('../../extension/popup/popup.html', import.meta.url));

describe('popup: message sync', () => {
  let w, sync, document, popup;
  const el = (id) => document.getElementById(id);
  const text = (id) => el(id).textContent;
  const setStatus = async (status) => {
    await w.chrome.storage.local.set({ [KEYS.SYNC_STATUS]: status });
    await settle();
  };

  beforeEach(async () => {
    w = await createWorld();
    sync = w.newSync();
    w.chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
      dispatch(createHandlers({ chrome: w.chrome, fetch: w.fetch, now: w.now, sync }), msg, sender, w.chrome.runtime.id).then(sendResponse);
      return true;
    });
    document = createFakeDocument(POPUP_HTML);
    popup = startPopup({ document, chrome: w.chrome, timers: createFakeTimers(), now: w.now });
    await popup.ready;
    await settle();
  });

  it('has the stable ids other tests drive: #sync-now, #sync-progress, #sync-state, #last-sync', () => {
    for (const id of ['sync-now', 'sync-progress', 'sync-state', 'last-sync', 'sync-counts']) assert.ok(el(id), `#${id}`);
    assert.equal(el('sync-now').tagName, 'BUTTON');
    assert.equal(el('paired-view').hidden, false);
    popup.stop();
  });

  it('before any sync: not synced yet, nothing counted, Sync Now enabled', () => {
    assert.match(text('sync-state'), /Not synced yet/);
    assert.equal(text('last-sync'), 'Never');
    assert.equal(text('sync-counts'), 'Nothing yet');
    assert.equal(el('sync-progress').hidden, true);
    assert.equal(el('sync-now').disabled, false);
    popup.stop();
  });

  it('names each state distinctly, following storage live', async () => {
    const now = w.now();
    const shown = {};
    const lastRun = { conversations: 12, messages: 40, contactsCreated: 3, contactsUpdated: 9, interactionsCreated: 40, skippedGroupChats: 2, skippedNoPartner: 0, rejected: 1 };

    await setStatus({ state: 'running', progress: { done: 42, total: 180 }, updatedAt: now, lastSuccessAt: null, lastRun: null });
    shown.running = text('sync-state');
    assert.equal(text('sync-progress'), '42 / 180 conversations');
    assert.equal(el('sync-progress').hidden, false);
    assert.equal(el('sync-now').disabled, true);

    await setStatus({ state: 'running', progress: { done: 0, total: 0 }, updatedAt: now });
    assert.match(text('sync-progress'), /Looking for new conversations/);

    await setStatus({ state: 'running', progress: { done: 42, total: 180 }, updatedAt: now - 61_000 });
    shown.stalled = text('sync-state');
    assert.match(shown.stalled, /stopped midway/);
    assert.equal(el('sync-progress').hidden, true);
    assert.equal(el('sync-now').disabled, false, 'a run whose worker died does not block Sync Now');

    await setStatus({ state: 'session_expired', message: 'LinkedIn answered HTTP 401', updatedAt: now });
    shown.session_expired = text('sync-state');
    assert.match(shown.session_expired, /Visit linkedin\.com to sync/);
    const link = el('sync-state').children.find((child) => typeof child !== 'string');
    assert.equal(link.tagName, 'A');
    assert.equal(link.href, 'https://www.linkedin.com/');
    assert.equal(link.textContent, 'linkedin.com');
    assert.equal(el('sync-now').disabled, false);

    const until = now + 15 * 60_000;
    await setStatus({ state: 'backoff', backoffUntil: until, updatedAt: now });
    shown.backoff = text('sync-state');
    assert.equal(shown.backoff, `LinkedIn asked PingCRM to slow down; next try after ${new Date(until).toLocaleString()}.`);

    await setStatus({ state: 'format_changed', message: 'LinkedIn answered HTTP 400', updatedAt: now });
    shown.format_changed = text('sync-state');
    assert.match(shown.format_changed, /LinkedIn changed its format/);

    await setStatus({ state: 'format_changed', failedQuery: 'messages', message: 'LinkedIn no longer answers…', updatedAt: now });
    shown.format_changed_query = text('sync-state');
    assert.equal(shown.format_changed_query, 'LinkedIn changed its messages query; PingCRM needs an update.');

    await setStatus({ state: 'needs_tab', message: 'LinkedIn refused…', updatedAt: now });
    shown.needs_tab = text('sync-state');
    assert.equal(shown.needs_tab, 'Open linkedin.com to sync: LinkedIn answers PingCRM only from its own tab.');
    const open = el('sync-state').children.find((child) => typeof child !== 'string');
    assert.deepEqual([open.tagName, open.href, open.textContent], ['A', 'https://www.linkedin.com/', 'linkedin.com']);
    assert.equal(el('sync-state').className, 'sync-state problem');
    assert.equal(el('sync-now').disabled, false);

    await setStatus({ state: 'running', progress: { done: 3, total: 30, phase: 'history' }, updatedAt: now });
    assert.equal(text('sync-progress'), 'Older messages: page 4 of at most 30');

    await setStatus({ state: 'error', message: 'contacts service unavailable', updatedAt: now });
    shown.error = text('sync-state');
    assert.match(shown.error, /contacts service unavailable/);
    assert.equal(el('sync-state').className, 'sync-state problem');

    await setStatus({ state: 'idle', lastSuccessAt: now, lastRun, updatedAt: now });
    shown.idle = text('sync-state');
    assert.equal(el('sync-state').className, 'sync-state');
    assert.equal(text('last-sync'), new Date(now).toLocaleString());
    assert.equal(text('sync-counts'), '12 conversations, 40 messages; 3 new contacts; 2 group chats skipped; 1 rejected by PingCRM');
    await setStatus({ state: 'idle', lastSuccessAt: now, lastRun: { ...lastRun, profiles: 1, profilesGone: 1 }, updatedAt: now });
    assert.equal(text('sync-counts'), '12 conversations, 40 messages; 3 new contacts; 1 profile read; 2 group chats skipped; 1 rejected by PingCRM');

    assert.equal(new Set(Object.values(shown)).size, Object.keys(shown).length, JSON.stringify(shown, null, 1));
    popup.stop();
  });

  it('shows how much of the mailbox and of the older messages is synced', async () => {
    const now = w.now();
    for (const id of ['sync-mailbox', 'sync-mailbox-label', 'sync-history', 'sync-history-label']) {
      assert.equal(el(id).hidden, true, `#${id} before a first sync`);
    }
    const idle = { state: 'idle', lastSuccessAt: now, updatedAt: now, lastRun: null };
    await setStatus({ ...idle, mailbox: { synced: 500, estimate: 1200, complete: false }, history: null });
    assert.equal(text('sync-mailbox'), '500 of about 1,200 conversations synced');
    assert.equal(el('sync-mailbox').hidden, false);
    assert.equal(el('sync-history-label').hidden, false);
    assert.equal(text('sync-history'), 'From the next sync on');
    await setStatus({ ...idle, mailbox: { synced: 500, estimate: null, complete: false }, history: { pages: 30, messages: 600, pending: 12 } });
    assert.equal(text('sync-mailbox'), '500 conversations synced; older ones follow');
    assert.equal(text('sync-history'), '12 conversations still to fetch');
    await setStatus({ ...idle, mailbox: { synced: 1200, estimate: 1200, complete: true }, history: { pages: 3, messages: 41, pending: 0 } });
    assert.equal(text('sync-mailbox'), 'All 1,200 conversations synced');
    assert.equal(text('sync-history'), 'All synced');
    popup.stop();
  });

  it('Sync Now runs a sync; the popup shows its progress and result', async () => {
    const progress = [];
    w.chrome.storage.onChanged.addListener(() => progress.push(text('sync-progress')));
    await el('sync-now').dispatch('click');
    await sync.settled();
    await settle();
    assert.ok(progress.includes('6 / 12 conversations'), progress.join(' | '));
    assert.match(text('sync-state'), /Up to date/);
    assert.match(text('sync-counts'), /^10 conversations, \d+ messages; 10 new contacts; 2 group chats skipped$/);
    assert.equal(text('last-sync'), new Date(w.now()).toLocaleString());
    assert.equal(el('sync-now').disabled, false);
    assert.equal(w.backend.state.contacts.size, 10);
    popup.stop();
  });

  it('Sync Now while a sync runs says so; while backing off it shows the backoff and calls nobody', async () => {
    const held = w.voyager.hold('conversations');
    await sync.syncNow();
    await held.arrived;
    await el('sync-now').dispatch('click');
    await settle();
    assert.equal(text('notice'), 'A sync is already running.');
    held.release();
    await sync.settled();

    const until = w.now() + 60 * 60_000;
    await w.chrome.storage.local.set({ [KEYS.SYNC_BACKOFF]: { until, level: 2 } });
    const calls = w.voyager.calls.length;
    await el('sync-now').dispatch('click');
    await settle();
    assert.equal(w.voyager.calls.length, calls);
    await setStatus({ ...(await w.local(KEYS.SYNC_STATUS)), state: 'backoff', backoffUntil: until });
    assert.match(text('sync-state'), /slow down/);
    popup.stop();
  });

  it('Sync Now without a LinkedIn session asks the user to visit linkedin.com', async () => {
    w.chrome.cookies.jar.clear();
    await el('sync-now').dispatch('click');
    await sync.settled();
    await settle();
    assert.match(text('sync-state'), /Visit linkedin\.com to sync/);
    assert.equal(el('error').hidden, true);
    popup.stop();
  });
});
