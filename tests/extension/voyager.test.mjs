import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CALL_DELAY_MS, QUERY_IDS, createVoyager, restliVariables } from '../../extension/background/linkedin/voyager.js';
import { createFakeChrome } from './helpers/fake-chrome.mjs';
import { createClock } from './helpers/fake-backend.mjs';
import { COOKIES, createFakeVoyager, generateAccount, parseVariables, seededRandom, signIn } from './helpers/fake-voyager.mjs';

function setup({ signedIn = true } = {}) {
  const now = createClock();
  const chrome = createFakeChrome();
  if (signedIn) signIn(chrome);
  const account = generateAccount({ now: now() });
  const fake = createFakeVoyager({ chrome, account });
  const sleeps = [];
  const voyager = createVoyager({
    chrome,
    fetch: fake.fetch,
    now,
    random: seededRandom(3),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { now, chrome, account, fake, voyager, sleeps, selfId: account.me.memberId };
}

describe('Voyager requests', () => {
  it('carry the csrf token from JSESSIONID, the Rest.li headers and the browser cookies', async () => {
    const t = setup();
    const session = await t.voyager.openSession();
    assert.equal(await session.me(), t.account.me.memberId);
    const [call] = t.fake.calls;
    assert.equal(call.url, 'https://www.linkedin.com/voyager/api/me');
    assert.equal(call.init.credentials, 'include');
    assert.equal(call.init.redirect, 'follow');
    assert.deepEqual(Object.fromEntries(call.headers), {
      'csrf-token': 'ajax:8675309123456789',
      'x-restli-protocol-version': '2.0.0',
      accept: 'application/vnd.linkedin.normalized+json+2.1',
    });
    assert.equal(call.cookies.li_at, COOKIES.li_at);
  });

  it('conversation and message queries use the query ids and Rest.li variables of the contract', async () => {
    const t = setup();
    const session = await t.voyager.openSession();
    const first = await session.conversations({ selfId: t.selfId });
    const older = await session.conversations({ selfId: t.selfId, before: first.at(-1).lastActivityAt });
    assert.equal(first.length, 12);
    assert.equal(older.length, 0);
    const conversation = t.account.newestFirst()[0];
    await session.messages({ selfId: t.selfId, conversationUrn: conversation.urn });
    await session.messages({ selfId: t.selfId, conversationUrn: conversation.urn, before: 1700000000000 });

    const [c1, c2, m1, m2] = t.fake.calls.map((c) => c.url);
    const me = encodeURIComponent(t.account.me.urn);
    const gql = 'https://www.linkedin.com/voyager/api/voyagerMessagingGraphQL/graphql';
    assert.equal(c1, `${gql}?queryId=${QUERY_IDS.CONVERSATIONS}&variables=(mailboxUrn:${me})`);
    assert.equal(c2, `${gql}?queryId=${QUERY_IDS.CONVERSATIONS}&variables=(mailboxUrn:${me},lastUpdatedBefore:${first.at(-1).lastActivityAt})`);
    // Conversation URNs hold parentheses and a comma: all encoded, so Rest.li reads one value.
    const conv = encodeURIComponent(conversation.urn).replace(/\(/g, '%28').replace(/\)/g, '%29');
    assert.match(conv, /%28urn%3Ali%3Afsd_profile%3A.*%2C2-.*%3D%29$/);
    assert.equal(m1, `${gql}?queryId=${QUERY_IDS.MESSAGES}&variables=(conversationUrn:${conv})`);
    assert.equal(m2, `${gql}?queryId=${QUERY_IDS.MESSAGES}&variables=(conversationUrn:${conv},deliveredAt:1700000000000,countBefore:20,countAfter:0)`);
    assert.match(QUERY_IDS.CONVERSATIONS, /^messengerConversations\.[0-9a-f]{32}$/);
    assert.match(QUERY_IDS.MESSAGES, /^messengerMessages\.[0-9a-f]{32}$/);
  });

  it('restliVariables round-trips through a strict Rest.li reader', () => {
    const urn = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAA_-x,2-YWJj'ZA==)";
    const raw = restliVariables({ conversationUrn: urn, deliveredAt: 12, skipped: null, countAfter: 0 });
    assert.deepEqual(parseVariables(raw), { conversationUrn: urn, deliveredAt: '12', countAfter: '0' });
    assert.doesNotMatch(raw.slice(1, -1), /[()']/, 'no literal Rest.li syntax inside values');
  });

  it('reads the cookies at every session, and without them calls nothing', async () => {
    const t = setup({ signedIn: false });
    await assert.rejects(t.voyager.openSession(), { code: 'linkedin_session_expired' });
    t.chrome.cookies.jar.set('li_at', COOKIES.li_at);
    await assert.rejects(t.voyager.openSession(), { code: 'linkedin_session_expired' }, 'JSESSIONID missing');
    assert.equal(t.fake.calls.length, 0);
    signIn(t.chrome);
    await (await t.voyager.openSession()).me();
    assert.equal(t.chrome.cookies.reads.length, 6);
    assert.ok(t.chrome.cookies.reads.every((r) => r.url === 'https://www.linkedin.com/'));
  });

  it('pauses a jittered 400–1200 ms between calls, not before the first', async () => {
    const t = setup();
    const session = await t.voyager.openSession();
    await session.me();
    assert.deepEqual(t.sleeps, []);
    for (let i = 0; i < 8; i += 1) await session.conversations({ selfId: t.selfId });
    assert.equal(t.sleeps.length, 8);
    for (const ms of t.sleeps) assert.ok(ms >= CALL_DELAY_MS.min && ms <= CALL_DELAY_MS.max, `${ms} ms`);
    assert.ok(new Set(t.sleeps.map(Math.round)).size >= 6, 'the pauses vary');
    assert.ok(Math.max(...t.sleeps) - Math.min(...t.sleeps) > 200);
  });
});

describe('Voyager answers → typed errors', () => {
  const cases = [
    ['401', { status: 401 }, 'linkedin_session_expired'],
    ['403', { status: 403, body: 'CSRF check failed.', contentType: 'text/plain' }, 'linkedin_session_expired'],
    ['login redirect', { status: 200, redirected: true, url: 'https://www.linkedin.com/login?session_redirect=x', body: '<html>', contentType: 'text/html' }, 'linkedin_session_expired'],
    ['429', { status: 429 }, 'linkedin_slow_down'],
    ['999', { status: 999, body: '' }, 'linkedin_slow_down'],
    ['HTML 200', { status: 200, body: '<!DOCTYPE html><html><body>challenge</body></html>', contentType: 'text/html' }, 'linkedin_slow_down'],
    ['HTML without content type', { status: 200, body: '  <html></html>', contentType: '' }, 'linkedin_slow_down'],
    ['checkpoint redirect', { status: 200, redirected: true, url: 'https://www.linkedin.com/checkpoint/challenge/x', body: '{}' }, 'linkedin_slow_down'],
    ['400', { status: 400, body: { status: 400 } }, 'linkedin_format_changed'],
    ['404', { status: 404, body: { status: 404 } }, 'linkedin_format_changed'],
    ['unreadable JSON', { status: 200, body: '{"data": [' }, 'linkedin_format_changed'],
    ['500', { status: 500, body: '' }, 'linkedin_unreachable'],
  ];
  for (const [name, response, code] of cases) {
    it(`${name} → ${code}`, async () => {
      const t = setup();
      t.fake.fail('conversations', response);
      const session = await t.voyager.openSession();
      await assert.rejects(session.conversations({ selfId: t.selfId }), { code });
    });
  }

  it('Retry-After (seconds or date) is carried on the slow-down error', async () => {
    const t = setup();
    t.fake.fail('me', { status: 429, headers: { 'Retry-After': '120' } });
    t.fake.fail('me', { status: 999, headers: { 'Retry-After': new Date(t.now() + 3_600_000).toUTCString() } });
    const session = await t.voyager.openSession();
    await assert.rejects(session.me(), { code: 'linkedin_slow_down', retryAfterMs: 120_000 });
    await assert.rejects(session.me(), { code: 'linkedin_slow_down', retryAfterMs: 3_600_000 });
  });

  it('no HTTP answer → linkedin_unreachable', async () => {
    const chrome = createFakeChrome();
    signIn(chrome);
    const voyager = createVoyager({ chrome, fetch: async () => Promise.reject(new TypeError('Failed to fetch')), sleep: async () => {} });
    await assert.rejects((await voyager.openSession()).me(), { code: 'linkedin_unreachable', message: /Failed to fetch/ });
  });

  it('a wrong csrf token is refused by the fake like by LinkedIn (the header matters)', async () => {
    const t = setup();
    t.chrome.cookies.jar.set('JSESSIONID', '"ajax:other"');
    const session = await t.voyager.openSession();
    t.chrome.cookies.jar.set('JSESSIONID', COOKIES.JSESSIONID); // the browser's cookie differs from what we read
    await assert.rejects(session.me(), { code: 'linkedin_session_expired' });
    assert.equal(t.fake.calls[0].headers.get('csrf-token'), 'ajax:other');
  });
});
