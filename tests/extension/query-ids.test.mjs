// Finding LinkedIn's current GraphQL query ids in its web app's page and
// script bundles (background/linkedin/query-ids.js).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DISCOVERY,
  KNOWN_QUERY_IDS,
  bundleUrls,
  discoverQueryIds,
  extractQueryIds,
  readCapped,
} from '../../extension/background/linkedin/query-ids.js';

const C = 'messengerConversations.9501074288a12f3ae9e3c7ea243bccbf';
const M = 'messengerMessages.7d6e1bcd5e8f2a0b3c4d5e6f708192a3';
const hashOf = (id) => id.split('.')[1];

describe('extractQueryIds', () => {
  const formats = {
    'a quoted string in a script': `e.exports={queryId:"${C}"},t.x={queryId:'${M}'}`,
    'JSON inside a JS string (\\u002e)': `JSON.parse("{\\"c\\":\\"messengerConversations\\u002e${hashOf(C)}\\",\\"m\\":\\"messengerMessages\\u002E${hashOf(M)}\\"}")`,
    'a \\x2e escape': `"messengerConversations\\x2e${hashOf(C)}" + "messengerMessages\\x2E${hashOf(M)}"`,
    'a URL with %2E': `<link rel="preload" href="/voyager/api/voyagerMessagingGraphQL/graphql?queryId=messengerConversations%2E${hashOf(C)}&amp;variables=()"><a href="?queryId=messengerMessages%2e${hashOf(M)}">`,
    'HTML entities (&quot; and &#46;)': `<code id="bpr-guid-1">{&quot;queryId&quot;:&quot;${C}&quot;,&quot;m&quot;:&quot;messengerMessages&#46;${hashOf(M)}&quot;}</code>`,
  };
  for (const [name, text] of Object.entries(formats)) {
    it(`finds both ids in ${name}`, () => {
      assert.deepEqual(extractQueryIds(text), { conversations: [C], messages: [M] });
    });
  }

  it('keeps every distinct id in order of appearance, once each', () => {
    const other = 'messengerConversations.00000000000000000000000000000001';
    const text = `${C} ${other} ${C} ${KNOWN_QUERY_IDS.conversations} ${other}`;
    assert.deepEqual(extractQueryIds(text).conversations, [C, other, KNOWN_QUERY_IDS.conversations]);
  });

  it('takes only the two queries, with exactly 32 lower-case hex digits', () => {
    const text = [
      `messengerConversationsBySyncToken.${hashOf(C)}`, // another query
      `voyagerMessagingDashMessengerConversations.${hashOf(C)}x`, // not a whole word, and 33 characters
      `messengerMessages.${hashOf(M).slice(0, 31)}`, // too short
      `messengerMessages.${hashOf(M).toUpperCase()}`, // not LinkedIn's hex
      `messengerMessages.${hashOf(M)}0`, // too long
    ].join('\n');
    assert.deepEqual(extractQueryIds(text), { conversations: [], messages: [] });
  });

  it('finds nothing in a bundle without ids', () => {
    const bundle = 'function n(e){return e&&e.__esModule?e.default:e}'.repeat(2_000) + 'var graphql="voyagerMessagingGraphQL/graphql";';
    assert.deepEqual(extractQueryIds(bundle), { conversations: [], messages: [] });
  });

  it('reads a huge bundle quickly', () => {
    const filler = 'a.b=function(c){return c*2};'.repeat(400_000); // ~12 MB
    const started = performance.now();
    const found = extractQueryIds(`${filler}queryId:"${C}"${filler}queryId:"${M}"`);
    assert.deepEqual(found, { conversations: [C], messages: [M] });
    assert.ok(performance.now() - started < 2_000, 'linear in the text');
  });
});

describe('readCapped', () => {
  it('stops reading a body at the cap: ids past it are not seen', async () => {
    const head = `queryId:"${C}"`;
    const body = head + 'x'.repeat(2 * DISCOVERY.maxBundleBytes) + `queryId:"${M}"`;
    let pulled = 0;
    const stream = new ReadableStream({
      pull(controller) {
        const chunk = body.slice(pulled, pulled + 65_536);
        pulled += chunk.length;
        if (chunk) controller.enqueue(new TextEncoder().encode(chunk));
        else controller.close();
      },
    });
    const text = await readCapped(new Response(stream), DISCOVERY.maxBundleBytes);
    assert.equal(text.length, DISCOVERY.maxBundleBytes);
    assert.deepEqual(extractQueryIds(text), { conversations: [C], messages: [] });
    assert.ok(pulled < body.length, 'the rest of the body was never read');
  });

  it('keeps a multi-byte character whole when a chunk splits it', async () => {
    const bytes = new TextEncoder().encode('zoë · 🎉');
    const stream = new ReadableStream({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    assert.equal(await readCapped(new Response(stream), 1_000), 'zoë · 🎉');
  });
});

describe('bundleUrls', () => {
  it('lists the scripts and script preloads on LinkedIn and its CDN, absolute, in page order, once', () => {
    const html = `
      <link rel="preload" as="script" href="https://static.licdn.com/aero-v1/sc/h/aaa">
      <script src="https://static.licdn.com/aero-v1/sc/h/bbb" defer></script>
      <script src='/voyager/sc/h/ccc?x=1&amp;y=2'></script>
      <link rel="modulepreload" href="https://static.licdn.com/aero-v1/sc/h/ddd">
      <link rel="stylesheet" href="https://static.licdn.com/aero-v1/sc/h/style.css">
      <script src="https://evil.example/steal.js"></script>
      <script src="http://static.licdn.com/insecure.js"></script>
      <script src="https://static.licdn.com/aero-v1/sc/h/bbb"></script>
      <script>inline()</script>`;
    assert.deepEqual(bundleUrls(html, 'https://www.linkedin.com/messaging/'), [
      'https://static.licdn.com/aero-v1/sc/h/aaa',
      'https://static.licdn.com/aero-v1/sc/h/bbb',
      'https://www.linkedin.com/voyager/sc/h/ccc?x=1&y=2',
      'https://static.licdn.com/aero-v1/sc/h/ddd',
    ]);
  });
});

describe('discoverQueryIds', () => {
  const page = (n) =>
    Array.from({ length: n }, (_, i) => `<script src="https://static.licdn.com/aero-v1/sc/h/b${i}"></script>`).join('');

  it('reads the page, then bundles until both ids are found', async () => {
    const read = [];
    const found = await discoverQueryIds({
      pageUrl: 'https://www.linkedin.com/messaging/',
      now: () => 0,
      getPage: async (path) => (read.push(path), page(6)),
      getBundle: async (url) => {
        read.push(url.split('/').pop());
        return { b1: `queryId:"${C}"`, b3: `queryId:"${M}"` }[url.split('/').pop()] ?? 'no ids here';
      },
    });
    assert.deepEqual(found, { conversations: [C], messages: [M] });
    assert.deepEqual(read, ['/messaging/', 'b0', 'b1', 'b2', 'b3']);
  });

  it('reads at most maxBundles bundles and stops at the time cap', async () => {
    let bundles = 0;
    const none = await discoverQueryIds({
      pageUrl: 'https://www.linkedin.com/messaging/',
      now: () => 0,
      getPage: async () => page(30),
      getBundle: async () => ((bundles += 1), 'nothing'),
    });
    assert.deepEqual(none, { conversations: [], messages: [] });
    assert.equal(bundles, DISCOVERY.maxBundles);

    let clock = 0;
    bundles = 0;
    await discoverQueryIds({
      pageUrl: 'https://www.linkedin.com/messaging/',
      now: () => clock,
      getPage: async () => page(30),
      getBundle: async () => {
        bundles += 1;
        clock += DISCOVERY.timeMs / 2;
        return 'nothing';
      },
    });
    assert.equal(bundles, 2, 'no bundle is started after the time cap');
  });

  it('finds nothing when the page cannot be read', async () => {
    const found = await discoverQueryIds({
      pageUrl: 'https://www.linkedin.com/messaging/',
      now: () => 0,
      getPage: async () => null,
      getBundle: async () => assert.fail('no bundle without the page'),
    });
    assert.deepEqual(found, { conversations: [], messages: [] });
  });
});
