import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

import { ApiError, PATHS, createApi, parseRetryAfter } from '../../extension/background/api.js';
import { KEYS } from '../../extension/lib/storage.js';
import { createFakeChrome } from './helpers/fake-chrome.mjs';
import { API_URL, createClock, createFakeBackend } from './helpers/fake-backend.mjs';

async function pairWith(chrome, backend, token) {
  backend.state.tokens.set(token, { valid: true, renewable: true });
  await chrome.storage.local.set({
    [KEYS.PAIRING]: { token, expiresAt: '2026-01-01T00:00:00Z', apiUrl: API_URL, email: 'ada@example.com', pairedAt: null, lastSyncAt: null },
  });
}

describe('api.request', () => {
  let chrome, backend, api, now;
  beforeEach(() => {
    now = createClock();
    chrome = createFakeChrome();
    backend = createFakeBackend({ now });
    api = createApi({ chrome, fetch: backend.fetch, now });
  });

  it('sends the bearer token to the paired URL, without cookies or redirects', async () => {
    await pairWith(chrome, backend, 'tok-a');
    const res = await api.request(PATHS.STATUS, { auth: true });
    assert.equal(res.status, 200);
    assert.equal(res.data.email, 'ada@example.com');
    const [call] = backend.calls;
    assert.equal(call.url, `${API_URL}/api/v1/extension/status`);
    assert.equal(call.headers.get('authorization'), 'Bearer tok-a');
    assert.equal(call.init.credentials, 'omit');
    assert.equal(call.init.redirect, 'error');
  });

  it('does not send Authorization on unauthenticated calls', async () => {
    await pairWith(chrome, backend, 'tok-a');
    await api.request(PATHS.CODES, { method: 'POST' });
    assert.equal(backend.calls[0].headers.get('authorization'), null);
  });

  it('on 401 refreshes once, stores the new token and retries with it', async () => {
    await pairWith(chrome, backend, 'tok-old');
    backend.state.tokens.get('tok-old').valid = false; // expired but renewable
    const res = await api.request(PATHS.STATUS, { auth: true });
    assert.equal(res.status, 200);

    const paths = backend.calls.map((c) => `${c.method} ${c.path}`);
    assert.deepEqual(paths, [
      'GET /api/v1/extension/status',
      'POST /api/v1/extension/refresh',
      'GET /api/v1/extension/status',
    ]);
    assert.deepEqual(backend.calls[1].body, { token: 'tok-old' });
    assert.equal(backend.calls[1].headers.get('authorization'), null);
    const newToken = backend.calls[2].headers.get('authorization').replace('Bearer ', '');
    assert.notEqual(newToken, 'tok-old');
    const { pairing } = await chrome.storage.local.get(KEYS.PAIRING);
    assert.equal(pairing.token, newToken);
    assert.equal(pairing.expiresAt, '2030-02-01T00:00:00Z');
    assert.equal(pairing.email, 'ada@example.com', 'other pairing fields are kept');
  });

  it('clears the pairing when the refresh is declined, so the popup flips to unpaired', async () => {
    await pairWith(chrome, backend, 'tok-dead');
    Object.assign(backend.state.tokens.get('tok-dead'), { valid: false, renewable: false });
    const seen = [];
    chrome.storage.onChanged.addListener((changes, area) => seen.push([area, Object.keys(changes), changes.pairing?.newValue]));

    await assert.rejects(api.request(PATHS.STATUS, { auth: true }), (err) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 'pairing_revoked');
      return true;
    });
    assert.deepEqual(await chrome.storage.local.get(KEYS.PAIRING), {});
    assert.deepEqual(seen, [['local', ['pairing'], undefined]]);
    assert.equal(backend.callsTo(PATHS.REFRESH).length, 1);
  });

  it('refreshes at most once: a 401 after the retry is returned, not looped', async () => {
    await pairWith(chrome, backend, 'tok-old');
    backend.state.tokens.get('tok-old').valid = false;
    backend.override('GET', PATHS.STATUS, 401, { code: 'invalid_token', title: 'x', status: 401 });
    backend.override('GET', PATHS.STATUS, 401, { code: 'invalid_token', title: 'x', status: 401 });
    await assert.rejects(api.request(PATHS.STATUS, { auth: true }), { code: 'invalid_token', status: 401 });
    assert.equal(backend.callsTo(PATHS.REFRESH).length, 1);
    assert.equal(backend.callsTo(PATHS.STATUS).length, 2);
    const { pairing } = await chrome.storage.local.get(KEYS.PAIRING);
    assert.ok(pairing, 'a renewed pairing is not thrown away');
  });

  it('maps a network failure to server_unreachable and keeps the pairing', async () => {
    await pairWith(chrome, backend, 'tok-a');
    backend.state.down = true;
    await assert.rejects(api.request(PATHS.STATUS, { auth: true }), { code: 'server_unreachable' });
    const { pairing } = await chrome.storage.local.get(KEYS.PAIRING);
    assert.equal(pairing.token, 'tok-a');
  });

  it('maps a failed refresh request (network) to server_unreachable and keeps the pairing', async () => {
    await pairWith(chrome, backend, 'tok-old');
    backend.state.tokens.get('tok-old').valid = false;
    const realFetch = backend.fetch;
    const api2 = createApi({
      chrome,
      now,
      fetch: (url, init) => (String(url).endsWith('/refresh') ? Promise.reject(new TypeError('fetch failed')) : realFetch(url, init)),
    });
    await assert.rejects(api2.request(PATHS.STATUS, { auth: true }), { code: 'server_unreachable' });
    const { pairing } = await chrome.storage.local.get(KEYS.PAIRING);
    assert.equal(pairing.token, 'tok-old');
  });

  it('refuses authenticated calls when not paired, without touching the network', async () => {
    await assert.rejects(api.request(PATHS.STATUS, { auth: true }), { code: 'not_paired' });
    assert.equal(backend.calls.length, 0);
  });

  it('never sends the token anywhere but the paired URL', async () => {
    await pairWith(chrome, backend, 'tok-a');
    await chrome.storage.local.set({ [KEYS.API_URL]: 'http://evil.example:8000' });
    await assert.rejects(api.request('https://evil.example/steal', { auth: true }), TypeError);
    await assert.rejects(api.request('//evil.example/steal', { auth: true }), TypeError);
    await assert.rejects(api.request(PATHS.STATUS, { auth: true, baseUrl: 'http://evil.example' }), TypeError);
    await api.request(PATHS.STATUS, { auth: true });
    for (const call of backend.calls) {
      if (call.headers.get('authorization')) assert.equal(call.origin, API_URL);
    }
    assert.equal(backend.calls.length, 1);
  });

  it('surfaces the problem-details code and detail', async () => {
    backend.override('POST', PATHS.CODES, 422, { type: 'about:blank', title: 'Bad', status: 422, detail: 'Nope', code: 'validation_failed' });
    await assert.rejects(api.request(PATHS.CODES, { method: 'POST' }), { code: 'validation_failed', status: 422, message: 'Nope' });
  });

  it('maps 5xx without a problem body to server_error and non-JSON 2xx to bad_response', async () => {
    backend.override('POST', PATHS.CODES, 502, '<html>bad gateway</html>');
    await assert.rejects(api.request(PATHS.CODES, { method: 'POST' }), { code: 'server_error', status: 502 });
    backend.override('POST', PATHS.CODES, 200, '<html>not pingcrm</html>');
    await assert.rejects(api.request(PATHS.CODES, { method: 'POST' }), { code: 'bad_response' });
  });

  it('refuses a host the extension has no permission for, before any request', async () => {
    await chrome.storage.local.set({ [KEYS.API_URL]: 'https://crm.example.com' });
    await assert.rejects(api.request(PATHS.CODES, { method: 'POST' }), { code: 'host_permission_required' });
    assert.equal(backend.calls.length, 0);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 12:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter(null, now), null);
    assert.equal(parseRetryAfter('soon', now), null);
  });
});
