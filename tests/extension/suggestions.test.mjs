// P and R on the worker's side (extension/background/composer/): the thread →
// partner map the sync records, resolving a composer's partner, and the
// suggestions API through the one backend client, as the content script's
// messages reach it through the router.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MAX_THREAD_PARTNERS, partnerOfThread, rememberThreadPartners, threadIdOf } from '../../extension/background/composer/thread-partners.js';
import { createHandlers } from '../../extension/background/handlers.js';
import { CONTENT_SCRIPT_TYPES, dispatch } from '../../extension/background/router.js';
import { MSG, message } from '../../extension/lib/messages.js';
import { KEYS } from '../../extension/lib/storage.js';
import { API_URL, createFakeBackend } from './helpers/fake-backend.mjs';
import { createFakeChrome } from './helpers/fake-chrome.mjs';
import { loadComposerScripts } from './helpers/composer-scripts.mjs';
import { buildMessagingPage } from './helpers/fake-linkedin-dom.mjs';
import { createWorld } from './helpers/sync-world.mjs';
import { createDom } from './helpers/tree-dom.mjs';

const EXTENSION_ID = 'iphbonbehjlngbblihlgpdkcodehigec';
const LINKEDIN_TAB = { id: EXTENSION_ID, url: 'https://www.linkedin.com/messaging/thread/2-abc/', tab: { id: 7 } };
const ME = 'urn:li:fsd_profile:ACoAAMeMeMeMeMeMeMeMeMe';
const ADA_ID = 'ACoAAAdaAdaAdaAdaAdaAdaAda01';
const THREAD = '2-ZmE4YjQ1NWQtNWU1Yy00ZDFkLWE5YzYtMmZhNmM1YjU4OTcwXzAxMA==';

function adaSuggestion(overrides = {}) {
  return {
    id: 'f1b3c2d4-0000-4000-8000-000000000001',
    contact: { id: 'c-1', full_name: 'Ada Lovelace', member_id: ADA_ID, slug: 'ada-lovelace-1a2b', avatar_url: null },
    reason: { kind: 'unanswered_inbound', text: 'Ada wrote 5 days ago' },
    message: 'Hi Ada, sorry for the slow reply!',
    drafter: 'embedded',
    status: 'pending',
    created_at: '2026-03-01T10:00:00Z',
    updated_at: '2026-03-01T10:00:00Z',
    ...overrides,
  };
}

/** A paired worker (fake chrome + fake edge) answering content-script messages through the router. */
async function pairedWorker({ paired = true } = {}) {
  const chrome = createFakeChrome();
  const backend = createFakeBackend();
  if (paired) {
    backend.state.tokens.set('tok-1', { valid: true, renewable: true });
    await chrome.storage.local.set({
      [KEYS.PAIRING]: { token: 'tok-1', expiresAt: null, apiUrl: API_URL, email: 'ada@example.com', pairedAt: null, lastSyncAt: null },
    });
  }
  const handlers = createHandlers({ chrome, fetch: backend.fetch, now: () => Date.parse('2026-03-01T12:00:00Z') });
  const ask = (type, payload) => dispatch(handlers, message(type, payload), LINKEDIN_TAB, EXTENSION_ID, { error() {} });
  const suggestionCalls = () => backend.calls.filter((c) => c.path.startsWith('/api/v1/suggestions'));
  return { chrome, backend, ask, suggestionCalls };
}

const conversation = (threadId, partner, { isGroup = false, at = 1_000 } = {}) => ({
  urn: `urn:li:msg_conversation:(${ME},${threadId})`,
  lastActivityAt: at,
  isGroup,
  partner,
  embeddedMessages: [],
});
const ada = { memberId: ADA_ID, slug: 'ada-lovelace-1a2b', firstName: 'Ada', lastName: 'Lovelace', headline: '', profileUrl: null };

describe('thread → partner map', () => {
  it('takes the thread id from both conversation URN forms', () => {
    assert.equal(threadIdOf(`urn:li:msg_conversation:(${ME},${THREAD})`), THREAD);
    assert.equal(threadIdOf(`urn:li:messagingThread:${THREAD}`), THREAD);
    for (const urn of ['urn:li:msg_conversation:2-abc', 'urn:li:fsd_profile:ACoAA', '', null, 7]) assert.equal(threadIdOf(urn), null);
  });

  it('records 1:1 partners only, and keeps the newest MAX_THREAD_PARTNERS threads', async () => {
    const chrome = createFakeChrome();
    await rememberThreadPartners(chrome, [
      conversation(THREAD, ada, { at: 5 }),
      conversation('2-group', null, { isGroup: true }),
      conversation('2-nopartner', null),
    ]);
    assert.deepEqual(await partnerOfThread(chrome, THREAD), { memberId: ADA_ID, slug: 'ada-lovelace-1a2b', name: 'Ada Lovelace', at: 5 });
    assert.equal(await partnerOfThread(chrome, '2-group'), null);
    assert.equal(await partnerOfThread(chrome, '__proto__'), null);

    const many = Array.from({ length: MAX_THREAD_PARTNERS + 10 }, (_, i) => conversation(`2-t${i}`, { ...ada, memberId: `ACoAAMember${String(i).padStart(6, '0')}` }, { at: 100 + i }));
    await rememberThreadPartners(chrome, many);
    const stored = (await chrome.storage.local.get(KEYS.THREAD_PARTNERS))[KEYS.THREAD_PARTNERS];
    assert.equal(Object.keys(stored).length, MAX_THREAD_PARTNERS);
    assert.equal(await partnerOfThread(chrome, THREAD), null, 'the oldest activity went first');
    assert.equal((await partnerOfThread(chrome, `2-t${MAX_THREAD_PARTNERS + 9}`)).at, 100 + MAX_THREAD_PARTNERS + 9);
  });

  it('a sync records the partners of the conversations it walked', async () => {
    const world = await createWorld({ account: { oneToOne: 4, acoOnly: 1, groupChats: 2, unflaggedGroups: 1, longThreads: 0 } });
    await world.syncNow();
    for (const c of world.account.conversations) {
      const known = await partnerOfThread(world.chrome, c.threadId);
      if (c.isGroup) assert.equal(known, null);
      else assert.deepEqual({ ...known, at: 0 }, { memberId: c.others[0].memberId, slug: c.others[0].slug, name: `${c.others[0].firstName} ${c.others[0].lastName}`, at: 0 });
    }
  });
});

describe('suggestions for a conversation (P)', () => {
  it('a thread the sync saw: asked by member id with the extension token; the partner named by the sync', async () => {
    const { chrome, backend, ask, suggestionCalls } = await pairedWorker();
    backend.state.suggestions.push(adaSuggestion(), adaSuggestion({ id: 'other', status: 'dismissed' }));
    await rememberThreadPartners(chrome, [conversation(THREAD, ada)]);
    const answer = await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { threadId: THREAD, profile: { slug: 'stale-header-slug' }, name: 'Ada L.' });
    assert.deepEqual(answer, {
      ok: true,
      data: {
        partner: { name: 'Ada Lovelace', memberId: ADA_ID, slug: 'ada-lovelace-1a2b' },
        suggestions: [
          {
            id: 'f1b3c2d4-0000-4000-8000-000000000001',
            message: 'Hi Ada, sorry for the slow reply!',
            reason: { kind: 'unanswered_inbound', text: 'Ada wrote 5 days ago' },
            drafter: 'embedded',
            contactName: 'Ada Lovelace',
          },
        ],
      },
    });
    const [call] = suggestionCalls();
    assert.equal(call.url, `${API_URL}/api/v1/suggestions?status=pending&member_id=${ADA_ID}`);
    assert.equal(call.headers.get('authorization'), 'Bearer tok-1');
    assert.equal(call.init.credentials, 'omit');
  });

  it("a thread it did not see: the header's profile link, by slug or member id", async () => {
    const { backend, ask, suggestionCalls } = await pairedWorker();
    backend.state.suggestions.push(adaSuggestion());
    const bySlug = await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { threadId: '2-unknown', profile: { slug: 'ada-lovelace-1a2b' }, name: 'Ada Lovelace' });
    assert.equal(bySlug.data.suggestions.length, 1);
    const byId = await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { threadId: null, profile: { memberId: ADA_ID }, name: '' });
    assert.deepEqual(byId.data.partner, { name: 'Ada Lovelace', memberId: ADA_ID, slug: null }, 'named after the contact');
    assert.deepEqual(suggestionCalls().map((c) => new URL(c.url).search), ['?status=pending&slug=ada-lovelace-1a2b', `?status=pending&member_id=${ADA_ID}`]);
  });

  it('no suggestion: an empty list, the name from the page', async () => {
    const { ask } = await pairedWorker();
    const answer = await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { profile: { slug: 'grace-hopper' }, name: 'Grace Hopper' });
    assert.deepEqual(answer.data, { partner: { name: 'Grace Hopper', memberId: null, slug: 'grace-hopper' }, suggestions: [] });
  });

  it('drops items it cannot show rather than failing the list', async () => {
    const { backend, ask } = await pairedWorker();
    backend.state.suggestions.push(adaSuggestion({ id: 'empty', message: '' }), adaSuggestion({ id: 7 }), adaSuggestion());
    const answer = await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { profile: { memberId: ADA_ID } });
    assert.deepEqual(answer.data.suggestions.map((s) => s.id), ['f1b3c2d4-0000-4000-8000-000000000001']);
  });

  for (const [name, payload, code] of [
    ['names no thread it knows and no profile', { threadId: '2-unknown', name: 'Ada' }, 'partner_unknown'],
    ['sends a malformed thread id', { threadId: '2-a b' }, 'invalid_request'],
    ['sends a malformed member id', { profile: { memberId: 'ACo<script>' } }, 'invalid_request'],
    ['sends a slug with a slash', { profile: { slug: '../extension/pair' } }, 'invalid_request'],
    ['sends a name that is not text', { profile: { slug: 'ada' }, name: { toString: 1 } }, 'invalid_request'],
  ]) {
    it(`refuses a page that ${name} (${code}), asking PingCRM nothing`, async () => {
      const { ask, suggestionCalls } = await pairedWorker();
      const answer = await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, payload);
      assert.equal(answer.ok, false);
      assert.equal(answer.error.code, code);
      assert.deepEqual(suggestionCalls(), []);
    });
  }

  it('not paired → not_paired, and nothing is sent', async () => {
    const { ask, backend } = await pairedWorker({ paired: false });
    const answer = await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { profile: { slug: 'ada' } });
    assert.equal(answer.error.code, 'not_paired');
    assert.deepEqual(backend.calls, []);
  });

  it('a revoked extension token → pairing_revoked (the refresh was declined)', async () => {
    const { ask, backend, chrome } = await pairedWorker();
    backend.state.tokens.get('tok-1').valid = false;
    backend.state.tokens.get('tok-1').renewable = false;
    const answer = await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { profile: { slug: 'ada' } });
    assert.equal(answer.error.code, 'pairing_revoked');
    assert.equal((await chrome.storage.local.get(KEYS.PAIRING))[KEYS.PAIRING], undefined);
  });

  it('PingCRM down → server_unreachable; a service behind it down (503) → unavailable; any other 5xx → server_error', async () => {
    const { ask, backend } = await pairedWorker();
    backend.state.down = true;
    assert.equal((await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { profile: { slug: 'ada' } })).error.code, 'server_unreachable');
    backend.state.down = false;
    backend.override('GET', '/api/v1/suggestions', 503, { status: 503, code: 'suggestions_db_down', detail: 'the suggestions service is unavailable' });
    assert.deepEqual((await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { profile: { slug: 'ada' } })).error, {
      code: 'unavailable',
      message: 'the suggestions service is unavailable',
    });
    backend.override('GET', '/api/v1/suggestions', 500, { status: 500, code: 'internal', detail: 'internal error' });
    assert.deepEqual((await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { profile: { slug: 'ada' } })).error, {
      code: 'server_error',
      message: 'internal error',
    });
  });

  it('an answer without an items list → bad_response', async () => {
    const { ask, backend } = await pairedWorker();
    backend.override('GET', '/api/v1/suggestions', 200, { suggestions: [] });
    assert.equal((await ask(MSG.SUGGESTIONS_FOR_CONVERSATION, { profile: { slug: 'ada' } })).error.code, 'bad_response');
  });
});

describe('regenerate (R)', () => {
  it('POSTs …/{id}/regenerate with the extension token and answers the fresh suggestion', async () => {
    const { backend, ask, suggestionCalls } = await pairedWorker();
    backend.state.suggestions.push(adaSuggestion());
    const answer = await ask(MSG.SUGGESTIONS_REGENERATE, { id: 'f1b3c2d4-0000-4000-8000-000000000001' });
    assert.equal(answer.ok, true);
    assert.equal(answer.data.message, 'Hi Ada, sorry for the slow reply! (draft 2)');
    const [call] = suggestionCalls();
    assert.equal(call.method, 'POST');
    assert.equal(call.path, '/api/v1/suggestions/f1b3c2d4-0000-4000-8000-000000000001/regenerate');
    assert.equal(call.headers.get('authorization'), 'Bearer tok-1');
  });

  it('429 → rate_limited with the wait from Retry-After', async () => {
    const { backend, ask } = await pairedWorker();
    backend.override('POST', '/api/v1/suggestions/s-1/regenerate', 429, { status: 429, code: 'regenerate_rate_limited', detail: 'too many drafts' }, { 'Retry-After': '42' });
    assert.deepEqual(await ask(MSG.SUGGESTIONS_REGENERATE, { id: 's-1' }), {
      ok: false,
      error: { code: 'rate_limited', message: 'too many drafts', retryAfterMs: 42_000 },
    });
  });

  it('another user’s or a gone suggestion → its problem code; a malformed id → invalid_request without a request', async () => {
    const { ask, suggestionCalls } = await pairedWorker();
    assert.equal((await ask(MSG.SUGGESTIONS_REGENERATE, { id: 'nope' })).error.code, 'not_found');
    const before = suggestionCalls().length;
    for (const id of ['../../extension/pair', '', 12, null]) {
      assert.equal((await ask(MSG.SUGGESTIONS_REGENERATE, { id })).error.code, 'invalid_request', String(id));
    }
    assert.equal(suggestionCalls().length, before);
  });
});

describe('mark sent', () => {
  it('PATCHes the suggestion to status sent with the extension token', async () => {
    const { backend, ask, suggestionCalls } = await pairedWorker();
    backend.state.suggestions.push(adaSuggestion());
    const answer = await ask(MSG.SUGGESTIONS_MARK_SENT, { id: 'f1b3c2d4-0000-4000-8000-000000000001' });
    assert.equal(answer.ok, true);
    const [call] = suggestionCalls();
    assert.equal(`${call.method} ${call.path}`, 'PATCH /api/v1/suggestions/f1b3c2d4-0000-4000-8000-000000000001');
    assert.deepEqual(call.body, { status: 'sent' });
    assert.equal(call.headers.get('authorization'), 'Bearer tok-1');
    assert.equal(backend.state.suggestions[0].status, 'sent');
    assert.equal((await ask(MSG.SUGGESTIONS_MARK_SENT, { id: '../x' })).error.code, 'invalid_request');
  });
});

describe('router', () => {
  it('accepts P and R from a LinkedIn content script, and nothing else new', () => {
    assert.deepEqual(
      [...CONTENT_SCRIPT_TYPES].sort(),
      [MSG.SYNC_PAGE_LOADED, MSG.SUGGESTIONS_FOR_CONVERSATION, MSG.SUGGESTIONS_REGENERATE, MSG.SUGGESTIONS_MARK_SENT].sort(),
    );
  });
});

describe('composer content script → real worker → PingCRM', () => {
  it('P and R from a page reach the suggestions API through the router, with the thread the sync recorded', async () => {
    const { chrome, backend, suggestionCalls } = await pairedWorker();
    backend.state.suggestions.push(adaSuggestion());
    await rememberThreadPartners(chrome, [conversation(THREAD, ada)]);
    const handlers = createHandlers({ chrome, fetch: backend.fetch });
    // What Chrome does with a content script's sendMessage: the worker's router answers it, the sender being the tab.
    const pageChrome = { runtime: { sendMessage: (m) => dispatch(handlers, structuredClone(m), LINKEDIN_TAB, EXTENSION_ID) } };
    const timers = { setTimeout, clearTimeout };

    const dom = createDom();
    // The header shows only a name: the partner comes from the sync's thread map.
    const page = buildMessagingPage(dom, { threadId: THREAD, partner: { name: 'Ada', href: '/company/acme/' } });
    loadComposerScripts({ document: dom.document, window: dom.window, location: dom.location, chrome: pageChrome, ...timers }, { start: true });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    const host = page.form.querySelector('[data-pingcrm="actions"]');
    const [pull, regenerate] = host.shadowRoot.querySelectorAll('button');
    pull.click();
    for (let i = 0; i < 5; i += 1) await settle();
    const panel = page.form.parentNode.children.find((n) => n.getAttribute('data-pingcrm') === 'overlay').shadowRoot.querySelector('section');
    assert.equal(panel.querySelector('.title').textContent, 'PingCRM · Ada Lovelace');
    assert.equal(panel.querySelector('.item .text').textContent, 'Hi Ada, sorry for the slow reply!');

    regenerate.click();
    for (let i = 0; i < 5; i += 1) await settle();
    assert.equal(panel.querySelector('.item .text').textContent, 'Hi Ada, sorry for the slow reply! (draft 2)');
    panel.querySelector('.item').click();
    assert.equal(page.editor.innerText, 'Hi Ada, sorry for the slow reply! (draft 2)');
    assert.equal(page.send.disabled, false);
    assert.deepEqual(suggestionCalls().map((c) => `${c.method} ${c.path}${new URL(c.url).search}`), [
      `GET /api/v1/suggestions?status=pending&member_id=${ADA_ID}`,
      'POST /api/v1/suggestions/f1b3c2d4-0000-4000-8000-000000000001/regenerate',
    ]);
  });
});
