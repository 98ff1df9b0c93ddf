// The real worker module, loaded like Chrome loads it (top-level listener on
// a global `chrome`), talking over real HTTP to a fake edge on 127.0.0.1:0.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { MSG, message } from '../../extension/lib/messages.js';
import { KEYS } from '../../extension/lib/storage.js';
import { createFakeChrome } from './helpers/fake-chrome.mjs';
import { createFakeBackend } from './helpers/fake-backend.mjs';

describe('service worker over real HTTP', () => {
  let chrome, backend, server;
  const send = (type, payload) => chrome.runtime.sendMessage(message(type, payload));

  before(async () => {
    backend = createFakeBackend();
    server = await backend.listen();
    chrome = createFakeChrome();
    globalThis.chrome = chrome;
    await import('../../extension/background/worker.js');
    await chrome.storage.local.set({ [KEYS.API_URL]: server.url });
  });
  after(async () => {
    await server.close();
    delete globalThis.chrome;
  });

  it('registers exactly one message listener at top level', () => {
    assert.equal(chrome.runtime.onMessage.listeners.length, 1);
  });

  it('answers unknown types and foreign senders with errors', async () => {
    assert.deepEqual(await chrome.runtime.sendMessage({ type: 'nope/nope', payload: {} }), {
      ok: false,
      error: { code: 'unknown_message', message: 'Unknown message type: nope/nope' },
    });
    const fromOther = await chrome.runtime.sendMessage(message(MSG.STATUS_GET), { id: 'someone-else', url: 'chrome-extension://someone-else/x.html' });
    assert.equal(fromOther.error.code, 'forbidden_sender');
    const fromContentScript = await chrome.runtime.sendMessage(message(MSG.PAIRING_START), {
      id: chrome.runtime.id,
      url: 'https://www.linkedin.com/messaging/',
      tab: { id: 1 },
    });
    assert.equal(fromContentScript.error.code, 'forbidden_sender');
  });

  it('pairs end to end: start, pending, paired, status, disconnect', async () => {
    const started = await send(MSG.PAIRING_START);
    assert.equal(started.ok, true);
    const code = started.data.pending.code;
    assert.match(code, /^PING-/);

    const pending = await send(MSG.PAIRING_POLL);
    assert.deepEqual(pending.data.pending.code, code);
    assert.equal(pending.data.paired, false);

    backend.approve(code);
    const paired = await send(MSG.PAIRING_POLL);
    assert.equal(paired.ok, true);
    assert.equal(paired.data.paired, true);
    assert.equal(paired.data.email, 'ada@example.com');

    const status = await send(MSG.STATUS_GET, { verify: true });
    assert.deepEqual(
      { paired: status.data.paired, email: status.data.email, apiUrl: status.data.apiUrl },
      { paired: true, email: 'ada@example.com', apiUrl: server.url },
    );

    const gone = await send(MSG.PAIRING_DISCONNECT);
    assert.deepEqual(gone, { ok: true, data: { serverConfirmed: true, wasPaired: true } });
    assert.equal((await send(MSG.STATUS_GET)).data.paired, false);
  });

  it('a revoked token flips status/get to unpaired', async () => {
    const { data } = await send(MSG.PAIRING_START);
    backend.approve(data.pending.code);
    await send(MSG.PAIRING_POLL);
    const { pairing } = await chrome.storage.local.get(KEYS.PAIRING);
    Object.assign(backend.state.tokens.get(pairing.token), { valid: false, renewable: false });

    const status = await send(MSG.STATUS_GET, { verify: true });
    assert.equal(status.ok, true);
    assert.equal(status.data.paired, false);
    assert.deepEqual(await chrome.storage.local.get(KEYS.PAIRING), {});
  });

  it('a stopped server gives server_unreachable', async () => {
    const { data } = await send(MSG.PAIRING_START);
    assert.ok(data.pending);
    await server.close();
    const answer = await send(MSG.PAIRING_POLL);
    assert.equal(answer.ok, false);
    assert.equal(answer.error.code, 'server_unreachable');
  });
});
