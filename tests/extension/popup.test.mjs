import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, it } from 'node:test';

import { createHandlers } from '../../extension/background/handlers.js';
import { dispatch } from '../../extension/background/router.js';
import { startPopup } from '../../extension/popup/controller.js';
import { KEYS } from '../../extension/lib/storage.js';
import { createFakeChrome } from './helpers/fake-chrome.mjs';
import { createClock, createFakeBackend } from './helpers/fake-backend.mjs';
import { createFakeDocument, createFakeTimers } from './helpers/fake-dom.mjs';

const POPUP_HTML = fileURLToPath(new URL('../../extension/popup/popup.html', import.meta.url));
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('popup', () => {
  let chrome, backend, document, timers, now;
  const el = (id) => document.getElementById(id);

  beforeEach(() => {
    now = createClock();
    chrome = createFakeChrome();
    backend = createFakeBackend({ now });
    chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
      dispatch(createHandlers({ chrome, fetch: backend.fetch, now }), msg, sender, chrome.runtime.id).then(sendResponse);
      return true;
    });
    document = createFakeDocument(POPUP_HTML);
    timers = createFakeTimers();
  });

  it('has the elements the spec names', () => {
    for (const id of ['pairing-code', 'error', 'status', 'account-email', 'disconnect', 'api-url', 'waiting']) {
      assert.ok(el(id), `#${id} missing from popup.html`);
    }
  });

  it('shows a code, flips to Connected once paired, and back after Disconnect', async () => {
    const popup = startPopup({ document, chrome, timers, now });
    await popup.ready;
    assert.equal(el('unpaired-view').hidden, false);
    assert.equal(el('paired-view').hidden, true);
    assert.equal(el('pairing-code').textContent, 'PING-AAAAA1');
    assert.equal(el('api-url').value, 'http://127.0.0.1:8000');
    assert.match(el('waiting').textContent, /Waiting for you to enter this code in PingCRM → Settings → Integrations → LinkedIn/);
    assert.equal(el('error').hidden, true);
    assert.equal(timers.pending.size, 1, 'one poll scheduled');
    assert.equal([...timers.pending.values()][0].ms, 2000);

    backend.approve('PING-AAAAA1');
    await timers.runAll();
    await settle();
    assert.equal(el('paired-view').hidden, false);
    assert.equal(el('unpaired-view').hidden, true);
    assert.match(el('status').textContent, /Connected/);
    assert.equal(el('account-email').textContent, 'ada@example.com');
    assert.equal(timers.pending.size, 0, 'no polling while paired');

    await el('disconnect').dispatch('click');
    await settle();
    assert.equal(el('unpaired-view').hidden, false);
    await timers.runAll();
    await settle();
    assert.equal(el('pairing-code').textContent, 'PING-AAAAA2');
    popup.stop();
  });

  it('first run, nothing at the address: only the address step, saying so; the code once it answers', async () => {
    backend.state.down = true;
    const popup = startPopup({ document, chrome, timers, now });
    await popup.ready;
    assert.equal(el('server-step').hidden, false);
    assert.equal(el('code-step').hidden, true, 'no "…" code and no "Waiting for you to enter this code"');
    assert.equal(el('error').hidden, false);
    assert.match(el('error').textContent, /Cannot reach PingCRM/);
    assert.equal(el('server-checking').hidden, true, 'not "looking" and "cannot reach" at once');
    assert.match(el('server-hint').textContent, /Settings → Integrations → LinkedIn/);
    assert.equal(timers.pending.size, 1, 'it keeps asking');

    backend.state.down = false;
    await timers.runAll();
    await settle();
    assert.equal(el('error').hidden, true);
    assert.equal(el('server-step').hidden, true);
    assert.equal(el('code-step').hidden, false);
    assert.equal(el('pairing-code').textContent, 'PING-AAAAA1');
    assert.equal(el('code-api-url').textContent, 'http://127.0.0.1:8000');
    popup.stop();
  });

  it('while the address is asked for a first code, the popup says where it is looking', async () => {
    let answerStart;
    const held = new Promise((resolve) => {
      answerStart = resolve;
    });
    const original = chrome.runtime.sendMessage.bind(chrome.runtime);
    chrome.runtime.sendMessage = async (msg, sender) => {
      if (msg.type === 'pairing/start') await held;
      return original(msg, sender);
    };
    const popup = startPopup({ document, chrome, timers, now });
    await settle();
    await settle();
    assert.equal(el('server-step').hidden, false);
    assert.equal(el('code-step').hidden, true);
    assert.equal(el('server-checking').hidden, false);
    assert.equal(el('server-checking').textContent, 'Looking for PingCRM at http://127.0.0.1:8000…');
    answerStart();
    await popup.ready;
    assert.equal(el('server-checking').hidden, true);
    assert.equal(el('code-step').hidden, false);
    popup.stop();
  });

  it('"Change" goes back to the address step; saving the same address shows the same code', async () => {
    const popup = startPopup({ document, chrome, timers, now });
    await popup.ready;
    assert.equal(el('code-step').hidden, false);
    await el('change-server').dispatch('click');
    assert.equal(el('server-step').hidden, false);
    assert.equal(el('code-step').hidden, true);
    assert.equal(timers.pending.size, 0, 'no polling while the address is being changed');
    await el('api-url-form').dispatch('submit');
    await settle();
    await settle();
    assert.equal(el('code-step').hidden, false);
    assert.equal(el('pairing-code').textContent, 'PING-AAAAA1');
    popup.stop();
  });

  for (const [status, code, text] of [
    [500, 'internal', /^PingCRM answered with a server error\. Try again in a moment\.$/],
    [503, 'unavailable', /^Part of PingCRM is not running right now\. Try again in a moment\.$/],
  ]) {
    it(`words the server's ${code} as the server's failure, not the extension's`, async () => {
      backend.state.tokens.set('tok-x', { valid: true, renewable: true });
      await chrome.storage.local.set({
        [KEYS.PAIRING]: { token: 'tok-x', apiUrl: 'http://127.0.0.1:8000', email: 'ada@example.com', expiresAt: null },
      });
      backend.override('GET', '/api/v1/extension/status', status, { status, code, detail: 'internal error' });
      const popup = startPopup({ document, chrome, timers, now });
      await popup.ready;
      assert.equal(el('paired-view').hidden, false);
      assert.equal(el('error').hidden, false);
      assert.match(el('error').textContent, text);
      popup.stop();
    });
  }

  it('flips to unpaired when the pairing is removed from storage (e.g. revoked)', async () => {
    backend.state.tokens.set('tok-x', { valid: true, renewable: true });
    await chrome.storage.local.set({
      [KEYS.PAIRING]: { token: 'tok-x', apiUrl: 'http://127.0.0.1:8000', email: 'ada@example.com', expiresAt: null },
    });
    const popup = startPopup({ document, chrome, timers, now });
    await popup.ready;
    assert.equal(el('paired-view').hidden, false);
    await chrome.storage.local.remove(KEYS.PAIRING);
    await settle();
    await settle();
    assert.equal(el('paired-view').hidden, true);
    assert.equal(el('unpaired-view').hidden, false);
    popup.stop();
  });

  it('requests host permission for a new URL, then pairs against it', async () => {
    const popup = startPopup({ document, chrome, timers, now });
    await popup.ready;
    el('api-url').value = 'https://crm.example.com';
    await el('api-url-form').dispatch('submit');
    await settle();
    await settle();
    assert.ok(chrome.permissions.granted.has('https://crm.example.com/*'));
    assert.equal((await chrome.storage.local.get(KEYS.API_URL))[KEYS.API_URL], 'https://crm.example.com');
    assert.match(el('error').textContent, /Cannot reach PingCRM/); // the fake edge is on 127.0.0.1 only
    popup.stop();
  });
});
