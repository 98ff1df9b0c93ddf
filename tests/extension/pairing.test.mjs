import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

import { PATHS, createApi } from '../../extension/background/api.js';
import { DEFAULT_RETRY_AFTER_MS, createPairing } from '../../extension/background/pairing.js';
import { KEYS } from '../../extension/lib/storage.js';
import { createFakeChrome } from './helpers/fake-chrome.mjs';
import { API_URL, createClock, createFakeBackend } from './helpers/fake-backend.mjs';

function setup() {
  const now = createClock();
  const chrome = createFakeChrome();
  const backend = createFakeBackend({ now });
  const api = createApi({ chrome, fetch: backend.fetch, now });
  const pairing = createPairing({ chrome, api, now });
  const session = async () => (await chrome.storage.session.get(KEYS.PENDING_CODE))[KEYS.PENDING_CODE];
  const local = async (key) => (await chrome.storage.local.get(key))[key];
  return { now, chrome, backend, pairing, session, local };
}

describe('pairing', () => {
  let t;
  beforeEach(() => {
    t = setup();
  });

  it('start gets a code and stores code, poll secret and expiry in session storage', async () => {
    const view = await t.pairing.start();
    const stored = await t.session();
    assert.equal(stored.code, 'PING-AAAAA1');
    assert.equal(stored.pollSecret, 'secret-1');
    assert.equal(stored.expiresAt, t.now() + 600_000);
    assert.equal(stored.apiUrl, API_URL);
    assert.deepEqual(view, { paired: false, apiUrl: API_URL, pending: { code: 'PING-AAAAA1', expiresAt: t.now() + 600_000 } });
    assert.ok(!JSON.stringify(view).includes('secret'), 'the poll secret never leaves the worker');
    assert.deepEqual(await t.chrome.storage.local.get(KEYS.PENDING_CODE), {}, 'not in local storage');
  });

  it('a new pairing starts sync over: the old cursor and status are dropped, a LinkedIn backoff stays', async () => {
    await t.chrome.storage.local.set({
      [KEYS.SYNC_CURSOR]: { memberId: 'ACoAAX', watermark: 5, gaps: [] },
      [KEYS.SYNC_STATUS]: { state: 'idle', lastSuccessAt: 5 },
      [KEYS.SYNC_BACKOFF]: { until: t.now() + 60_000, level: 0 },
    });
    await t.pairing.start();
    t.backend.approve('PING-AAAAA1');
    assert.equal((await t.pairing.poll()).paired, true);
    assert.equal(await t.local(KEYS.SYNC_CURSOR), undefined);
    assert.equal(await t.local(KEYS.SYNC_STATUS), undefined);
    assert.deepEqual(await t.local(KEYS.SYNC_BACKOFF), { until: t.now() + 60_000, level: 0 });
  });

  it('start reuses a valid code instead of asking for another', async () => {
    await t.pairing.start();
    t.now.advance(60_000);
    const view = await t.pairing.start();
    assert.equal(view.pending.code, 'PING-AAAAA1');
    assert.equal(t.backend.callsTo(PATHS.CODES).length, 1);
  });

  it('poll: pending while waiting, then paired: stores token, URL and email', async () => {
    await t.pairing.start();
    const waiting = await t.pairing.poll();
    assert.equal(waiting.paired, false);
    assert.equal(waiting.pending.code, 'PING-AAAAA1');
    const [pollCall] = t.backend.callsTo(PATHS.PAIR);
    assert.equal(pollCall.url, `${API_URL}/api/v1/extension/pair?code=PING-AAAAA1`);
    assert.equal(pollCall.headers.get('x-pairing-secret'), 'secret-1');

    t.backend.approve('PING-AAAAA1');
    const view = await t.pairing.poll();
    assert.equal(view.paired, true);
    assert.equal(view.email, 'ada@example.com');
    assert.equal(view.token, undefined, 'the token is not handed to pages');

    const stored = await t.local(KEYS.PAIRING);
    assert.equal(stored.token, 'tok-1');
    assert.equal(stored.expiresAt, '2030-01-01T00:00:00Z');
    assert.equal(stored.apiUrl, API_URL);
    assert.equal(stored.email, 'ada@example.com');
    assert.equal(stored.pairedAt, '2026-01-02T03:04:05Z');
    assert.equal(await t.session(), undefined, 'the used code is forgotten');
    const [statusCall] = t.backend.callsTo(PATHS.STATUS);
    assert.equal(statusCall.headers.get('authorization'), 'Bearer tok-1');

    // Later polls do not touch the network.
    const before = t.backend.calls.length;
    assert.equal((await t.pairing.poll()).paired, true);
    assert.equal(t.backend.calls.length, before);
  });

  it('stays paired without an email when the status call fails right after pairing', async () => {
    await t.pairing.start();
    t.backend.approve('PING-AAAAA1');
    t.backend.override('GET', PATHS.STATUS, 503, { code: 'unavailable', status: 503, title: 'down' });
    const view = await t.pairing.poll();
    assert.equal(view.paired, true);
    assert.equal(view.email, null);
    assert.equal(view.warning.code, 'unavailable');
    assert.equal((await t.local(KEYS.PAIRING)).token, 'tok-1');
  });

  it('a code that expired locally is replaced by a new one', async () => {
    await t.pairing.start();
    t.now.advance(600_001);
    const view = await t.pairing.poll();
    assert.equal(view.renewed, 'code_expired');
    assert.equal(view.pending.code, 'PING-AAAAA2');
    assert.equal((await t.session()).code, 'PING-AAAAA2');
    assert.equal(t.backend.callsTo(PATHS.CODES).length, 2);
    assert.equal(t.backend.callsTo(PATHS.PAIR).length, 0, 'no poll with a dead code');
  });

  it('a 410 from the server requests a new code', async () => {
    await t.pairing.start();
    t.backend.override('GET', PATHS.PAIR, 410, { code: 'pairing_code_expired', status: 410, title: 'Gone' });
    const view = await t.pairing.poll();
    assert.equal(view.renewed, 'code_expired');
    assert.equal(view.pending.code, 'PING-AAAAA2');
    assert.equal((await t.session()).pollSecret, 'secret-2');
  });

  it('a 403 (secret mismatch) drops the code and shows a new one', async () => {
    await t.pairing.start();
    await t.chrome.storage.session.set({ [KEYS.PENDING_CODE]: { ...(await t.session()), pollSecret: 'wrong' } });
    const view = await t.pairing.poll();
    assert.equal(t.backend.callsTo(PATHS.PAIR).length, 1);
    assert.equal(view.renewed, 'code_rejected');
    assert.equal(view.pending.code, 'PING-AAAAA2');
    assert.equal((await t.session()).pollSecret, 'secret-2');
  });

  it('a 404 (unknown code) requests a new code', async () => {
    await t.pairing.start();
    t.backend.state.codes.clear(); // server restarted
    const view = await t.pairing.poll();
    assert.equal(view.renewed, 'code_unknown');
    assert.equal(view.pending.code, 'PING-AAAAA2');
  });

  it('a 429 honours Retry-After: no request until it has passed', async () => {
    await t.pairing.start();
    t.backend.override('GET', PATHS.PAIR, 429, { code: 'rate_limited', status: 429, title: 'Slow down' }, { 'Retry-After': '7' });
    const first = await t.pairing.poll();
    assert.equal(first.paired, false);
    assert.equal(first.retryAfterMs, 7000);
    assert.equal((await t.session()).nextPollAt, t.now() + 7000);

    t.now.advance(2000);
    const throttled = await t.pairing.poll();
    assert.equal(throttled.retryAfterMs, 5000);
    assert.equal(t.backend.callsTo(PATHS.PAIR).length, 1, 'throttled poll stays local');

    t.now.advance(5000);
    t.backend.approve('PING-AAAAA1');
    assert.equal((await t.pairing.poll()).paired, true);
    assert.equal(t.backend.callsTo(PATHS.PAIR).length, 2);
  });

  it('a 429 without Retry-After backs off by the default', async () => {
    await t.pairing.start();
    t.backend.override('GET', PATHS.PAIR, 429, { code: 'rate_limited', status: 429, title: 'Slow down' });
    const view = await t.pairing.poll();
    assert.equal(view.retryAfterMs, DEFAULT_RETRY_AFTER_MS);
  });

  it('server unreachable while polling: error, the code is kept', async () => {
    await t.pairing.start();
    t.backend.state.down = true;
    await assert.rejects(t.pairing.poll(), { code: 'server_unreachable' });
    assert.equal((await t.session()).code, 'PING-AAAAA1');
  });

  it('ignores an api_url in the pairing answer that points to another host', async () => {
    t.backend.state.pairedApiUrl = 'https://attacker.example';
    await t.pairing.start();
    t.backend.approve('PING-AAAAA1');
    await t.pairing.poll();
    assert.equal((await t.local(KEYS.PAIRING)).apiUrl, API_URL);
    await t.pairing.disconnect();
    const withToken = t.backend.calls.filter((c) => c.headers.get('authorization'));
    assert.ok(withToken.length >= 2);
    for (const call of t.backend.calls) {
      assert.equal(call.origin, API_URL, `unexpected request to ${call.url}`);
    }
  });

  it('disconnect revokes the token on the server and clears local state', async () => {
    await t.pairing.start();
    t.backend.approve('PING-AAAAA1');
    await t.pairing.poll();
    const result = await t.pairing.disconnect();
    assert.deepEqual(result, { serverConfirmed: true, wasPaired: true });
    const [del] = t.backend.calls.filter((c) => c.method === 'DELETE');
    assert.equal(del.path, PATHS.PAIR);
    assert.equal(del.headers.get('authorization'), 'Bearer tok-1');
    assert.equal(await t.local(KEYS.PAIRING), undefined);
    assert.equal(t.backend.state.tokens.has('tok-1'), false);
  });

  it('disconnect clears local state even when the server is unreachable', async () => {
    await t.pairing.start();
    t.backend.approve('PING-AAAAA1');
    await t.pairing.poll();
    t.backend.state.down = true;
    const result = await t.pairing.disconnect();
    assert.equal(result.serverConfirmed, false);
    assert.equal(result.warning.code, 'server_unreachable');
    assert.equal(await t.local(KEYS.PAIRING), undefined);
  });

  it('setApiUrl validates, stores the normalised URL and gets a code from that server', async () => {
    await assert.rejects(t.pairing.setApiUrl('ftp://x'), { code: 'invalid_api_url' });
    await t.pairing.start();
    // The fake backend only answers on 127.0.0.1:8000: localhost:8000 is "down".
    await assert.rejects(t.pairing.setApiUrl(' http://localhost:8000/ '), { code: 'server_unreachable' });
    assert.equal(await t.local(KEYS.API_URL), 'http://localhost:8000');
    assert.equal(await t.session(), undefined, 'the old server\'s code is dropped');
    assert.equal(t.backend.calls.at(-1).url, 'http://localhost:8000/api/v1/extension/codes');

    const view = await t.pairing.setApiUrl(`${API_URL}/`);
    assert.equal(view.apiUrl, API_URL);
    assert.equal(view.pending.code, 'PING-AAAAA2');
  });

  it('setApiUrl refuses while paired', async () => {
    await t.pairing.start();
    t.backend.approve('PING-AAAAA1');
    await t.pairing.poll();
    await assert.rejects(t.pairing.setApiUrl('http://localhost:9000'), { code: 'already_paired' });
  });
});
