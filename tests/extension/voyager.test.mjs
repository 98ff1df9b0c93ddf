import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { refusalOf } from '../../extension/background/linkedin/answers.js';
import { KNOWN_QUERY_IDS } from '../../extension/background/linkedin/query-ids.js';
import { CALL_DELAY_MS, createVoyager, restliVariables } from '../../extension/background/linkedin/voyager.js';
import { createFakeChrome } from './helpers/fake-chrome.mjs';
import { createClock } from './helpers/fake-backend.mjs';
import { COOKIES, createFakeVoyager, generateAccount, parseVariables, seededRandom, signIn } from './helpers/fake-voyager.mjs';

function setup({ signedIn = true, tab = false } = {}) {
  const now = createClock();
  const chrome = createFakeChrome();
  if (signedIn) signIn(chrome);
  const account = generateAccount({ now: now() });
  const fake = createFakeVoyager({ chrome, account });
  chrome.scripting.pageFetch = fake.pageFetch;
  if (tab) chrome.tabs.open('https://www.linkedin.com/feed/', { active: true });
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
    // What LinkedIn's own web app sends.
    assert.deepEqual(Object.fromEntries(call.headers), {
      'csrf-token': 'ajax:8675309123456789',
      'x-restli-protocol-version': '2.0.0',
      'x-li-lang': 'en_US',
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
    assert.equal(c1, `${gql}?queryId=${KNOWN_QUERY_IDS.conversations}&variables=(mailboxUrn:${me})`);
    assert.equal(c2, `${gql}?queryId=${KNOWN_QUERY_IDS.conversations}&variables=(mailboxUrn:${me},lastUpdatedBefore:${first.at(-1).lastActivityAt})`);
    // Conversation URNs hold parentheses and a comma: all encoded, so Rest.li reads one value.
    const conv = encodeURIComponent(conversation.urn).replace(/\(/g, '%28').replace(/\)/g, '%29');
    assert.match(conv, /%28urn%3Ali%3Afsd_profile%3A.*%2C2-.*%3D%29$/);
    assert.equal(m1, `${gql}?queryId=${KNOWN_QUERY_IDS.messages}&variables=(conversationUrn:${conv})`);
    assert.equal(m2, `${gql}?queryId=${KNOWN_QUERY_IDS.messages}&variables=(conversationUrn:${conv},deliveredAt:1700000000000,countBefore:20,countAfter:0)`);
    assert.match(KNOWN_QUERY_IDS.conversations, /^messengerConversations\.[0-9a-f]{32}$/);
    assert.match(KNOWN_QUERY_IDS.messages, /^messengerMessages\.[0-9a-f]{32}$/);
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

describe('Voyager answers → typed errors (the same from the worker and, after a refusal, from a tab)', () => {
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
      const t = setup({ tab: true });
      // Twice: a refusal (403, login or challenge redirect) is tried again from the tab.
      t.fake.fail('conversations', response, { times: 2 });
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
    const t = setup({ tab: true });
    t.chrome.cookies.jar.set('JSESSIONID', '"ajax:other"');
    const session = await t.voyager.openSession();
    t.chrome.cookies.jar.set('JSESSIONID', COOKIES.JSESSIONID); // the browser's cookie differs from what we read
    await assert.rejects(session.me(), { code: 'linkedin_session_expired' });
    assert.equal(t.fake.calls[0].headers.get('csrf-token'), 'ajax:other');
  });
});

describe('the refusal classifier: answers that may only mean "not from a LinkedIn page"', () => {
  const answer = (overrides) => ({ status: 200, url: 'https://www.linkedin.com/voyager/api/me', redirected: false, contentType: 'application/json', retryAfter: null, text: '{}', ...overrides });
  const redirectedTo = (path) => answer({ redirected: true, url: `https://www.linkedin.com${path}`, contentType: 'text/html', text: '<html>' });
  const cases = [
    ['403', answer({ status: 403, text: 'Forbidden', contentType: 'text/plain' }), 'forbidden'],
    ['a redirect to the login page', redirectedTo('/login?session_redirect=%2Fvoyager'), 'login_page'],
    ['a redirect to /uas/login', redirectedTo('/uas/login?trk=x'), 'login_page'],
    ['a redirect to the authwall', redirectedTo('/authwall?trk=x'), 'login_page'],
    ['a redirect to a challenge', redirectedTo('/checkpoint/challenge/AgG1'), 'challenge_page'],
    ['401: the session ended', answer({ status: 401 }), null],
    ['429', answer({ status: 429 }), null],
    ['999', answer({ status: 999, text: '' }), null],
    ['a 200 challenge page without a redirect', answer({ contentType: 'text/html', text: '<html>check</html>' }), null],
    ['400', answer({ status: 400 }), null],
    ['data', answer({}), null],
    ['a redirect elsewhere on LinkedIn', redirectedTo('/feed/'), null],
  ];
  for (const [name, given, expected] of cases) {
    it(`${name} → ${expected ?? 'not a refusal'}`, () => assert.equal(refusalOf(given), expected));
  }
});

describe('LinkedIn refuses the worker: the in-tab route', () => {
  it('a refused call is made again from an open LinkedIn tab, and so is every later call of the session', async () => {
    const t = setup({ tab: true });
    t.chrome.tabs.open('https://www.linkedin.com/messaging/'); // not the active one
    t.fake.refuseWorker = true;
    const session = await t.voyager.openSession();
    assert.equal(session.route, 'worker');
    assert.equal(await session.me(), t.selfId);
    assert.equal(session.route, 'tab');
    await session.conversations({ selfId: t.selfId });
    assert.deepEqual(t.fake.calls.map((c) => [c.kind, c.fromPage]), [['me', false], ['me', true], ['conversations', true]]);
    // From the page: the same headers (LinkedIn's csrf token for this call), the browser's cookies,
    // and nothing of PingCRM; the active tab is asked.
    const [, inPage] = t.fake.calls;
    assert.equal(inPage.headers.get('csrf-token'), 'ajax:8675309123456789');
    assert.equal(inPage.cookies.li_at, COOKIES.li_at);
    const [script] = t.chrome.scripting.calls;
    assert.equal(script.world, 'MAIN');
    assert.equal(script.tabId, t.chrome.tabs.list[0].id);
    assert.equal(script.args[0], 'https://www.linkedin.com/voyager/api/me');
    assert.equal(script.args[4], 'https://www.linkedin.com', 'only on a LinkedIn page');
    assert.doesNotMatch(JSON.stringify(script.args), /127\.0\.0\.1|tok-|Bearer|apiUrl/);
    // The next session tries the worker again: LinkedIn may have changed its mind.
    t.fake.refuseWorker = false;
    const next = await t.voyager.openSession();
    await next.me();
    assert.equal(next.route, 'worker');
    assert.equal(t.fake.calls.at(-1).fromPage, false);
  });

  it('no LinkedIn tab open → linkedin_needs_tab, without another call', async () => {
    const t = setup();
    t.chrome.tabs.open('https://example.com/');
    t.fake.refuseWorker = true;
    const session = await t.voyager.openSession();
    await assert.rejects(session.me(), { code: 'linkedin_needs_tab', message: /open linkedin\.com/ });
    assert.equal(t.fake.calls.length, 1);
    assert.equal(t.chrome.scripting.calls.length, 0);
  });

  it('a tab that cannot take the script (closed, navigated away) is skipped for the next one', async () => {
    const t = setup();
    const gone = t.chrome.tabs.open('https://www.linkedin.com/feed/', { active: true });
    t.chrome.tabs.open('https://www.linkedin.com/in/someone/');
    const executeScript = t.chrome.scripting.executeScript.bind(t.chrome.scripting);
    t.chrome.scripting.executeScript = async (options) => {
      if (options.target.tabId === gone.id) throw new Error('Cannot access contents of the page');
      return executeScript(options);
    };
    t.fake.refuseWorker = true;
    const session = await t.voyager.openSession();
    assert.equal(await session.me(), t.selfId);
  });

  it('refused from the tab too: the answer means what it says (403 → session expired)', async () => {
    const t = setup({ tab: true });
    t.fake.fail('me', { status: 403, body: 'Forbidden', contentType: 'text/plain' }, { times: 2 });
    const session = await t.voyager.openSession();
    await assert.rejects(session.me(), { code: 'linkedin_session_expired' });
    assert.deepEqual(t.fake.calls.map((c) => c.fromPage), [false, true]);
  });
});

describe('query ids found at run time', () => {
  const pageAndBundles = (t) => t.fake.calls.filter((c) => c.kind === 'page').length + t.fake.bundleReads.length;

  it('rotated ids: a 400, one discovery in LinkedIn’s bundles, the query again; both queries then work and the next session starts with them', async () => {
    const t = setup();
    const fresh = t.fake.rotateQueryIds({ format: 'json' });
    const session = await t.voyager.openSession();
    const conversations = await session.conversations({ selfId: t.selfId });
    assert.equal(conversations.length, 12);
    await session.messages({ selfId: t.selfId, conversationUrn: conversations[0].urn });
    const calls = t.fake.calls.map((c) => `${c.kind}${c.kind === 'page' ? '' : `:${decodeURIComponent(new URL(c.url).searchParams.get('queryId') ?? '')}`}`);
    assert.deepEqual(calls, [
      `conversations:${KNOWN_QUERY_IDS.conversations}`,
      'page',
      `conversations:${fresh.conversations}`,
      `messages:${KNOWN_QUERY_IDS.messages}`,
      `messages:${fresh.messages}`,
    ]);
    assert.deepEqual(t.fake.bundleReads, ['https://static.licdn.com/aero-v1/sc/h/vendor.js', 'https://static.licdn.com/aero-v1/sc/h/messaging-99.js']);
    assert.equal(t.sleeps.length, t.fake.calls.length + t.fake.bundleReads.length - 1, 'every LinkedIn request is spaced');
    const stored = (await t.chrome.storage.local.get('voyagerQueryIds')).voyagerQueryIds;
    assert.deepEqual(stored.ids, fresh);
    assert.equal(stored.foundAt, t.now());

    const before = t.fake.calls.length;
    const next = await t.voyager.openSession();
    await next.conversations({ selfId: t.selfId });
    assert.deepEqual(t.fake.calls.slice(before).map((c) => c.kind), ['conversations'], 'no 400, no discovery');
  });

  it('ids nowhere to be found: format changed, naming the query; no new discovery for that id within 24 h', async () => {
    const t = setup();
    t.fake.rotateQueryIds({ inBundles: false });
    const session = await t.voyager.openSession();
    await assert.rejects(session.conversations({ selfId: t.selfId }), {
      code: 'linkedin_format_changed',
      query: 'conversations',
      message: /conversations query \(HTTP 400\)/,
    });
    assert.equal(pageAndBundles(t), 3, 'the page and its two bundles');

    t.now.advance(23 * 60 * 60_000);
    const before = t.fake.calls.length;
    await assert.rejects((await t.voyager.openSession()).conversations({ selfId: t.selfId }), { query: 'conversations' });
    assert.deepEqual(t.fake.calls.slice(before).map((c) => c.kind), ['conversations'], 'no discovery loop');

    t.now.advance(60 * 60_000);
    const fresh = t.fake.rotateQueryIds({ seed: 5 }); // LinkedIn's bundles name them again
    const session3 = await t.voyager.openSession();
    assert.equal((await session3.conversations({ selfId: t.selfId })).length, 12);
    assert.equal((await t.chrome.storage.local.get('voyagerQueryIds')).voyagerQueryIds.ids.conversations, fresh.conversations);
  });

  it('an id that still answers 400 after discovery is not kept', async () => {
    const t = setup();
    t.fake.rotateQueryIds();
    t.fake.bundles.set('https://static.licdn.com/aero-v1/sc/h/vendor.js', 'queryId:"messengerConversations.00000000000000000000000000000bad"');
    const session = await t.voyager.openSession();
    await assert.rejects(session.conversations({ selfId: t.selfId }), { query: 'conversations' });
    const stored = (await t.chrome.storage.local.get('voyagerQueryIds')).voyagerQueryIds;
    assert.deepEqual(stored.ids, {});
    assert.deepEqual(stored.unfixed, [KNOWN_QUERY_IDS.conversations, 'messengerConversations.00000000000000000000000000000bad']);
  });

  it('a 400 of another kind (not a GraphQL query) finds no discovery', async () => {
    const t = setup();
    t.fake.fail('me', { status: 400, body: { status: 400 } });
    await assert.rejects((await t.voyager.openSession()).me(), { code: 'linkedin_format_changed', query: null });
    assert.equal(pageAndBundles(t), 0);
  });
});
