// The sync engine end to end against the fake Voyager and the fake edge:
// what reaches the backend, the cursor, triggers, lock, backoff and states.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createHandlers } from '../../extension/background/handlers.js';
import { dispatch } from '../../extension/background/router.js';
import { MSG, message } from '../../extension/lib/messages.js';
import { KEYS } from '../../extension/lib/storage.js';
import { COOKIES, signIn } from './helpers/fake-voyager.mjs';
import { PUSH_PATH, createWorld, settle } from './helpers/sync-world.mjs';

const MIN = 60_000;
const HOUR = 60 * MIN;
const urns = (messages) => messages.map((m) => m.urn).sort();
const contentSender = (chrome) => ({ id: chrome.runtime.id, url: 'https://www.linkedin.com/feed/', tab: { id: 7 } });
const popupSender = (chrome) => ({ id: chrome.runtime.id, url: `chrome-extension://${chrome.runtime.id}/popup/popup.html` });

describe('sync: what a first sync pushes', () => {
  it('pushes every 1:1 conversation with its newest page of messages, skips group chats, knows the direction', async () => {
    const w = await createWorld({ account: { oneToOne: 10, acoOnly: 2, groupChats: 3, unflaggedGroups: 1, longThreads: 1 } });
    assert.deepEqual(await w.syncNow(), { started: true });

    const status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'idle');
    assert.equal(status.lastSuccessAt, w.now());
    assert.deepEqual(status.progress, { done: 13, total: 13 });

    const oneToOne = w.account.oneToOne();
    const pushed = w.pushedMessages();
    const expected = oneToOne.flatMap((c) => c.messages.slice(-20)); // first sync: one page per conversation
    assert.deepEqual(urns(pushed), urns(expected));
    assert.deepEqual(status.lastRun, {
      conversations: 10,
      messages: expected.length,
      olderMessages: 0,
      contactsCreated: 10,
      contactsUpdated: 0,
      interactionsCreated: expected.length,
      skippedGroupChats: 3,
      skippedNoPartner: 0,
      rejected: 0,
      profiles: 0,
      profilesGone: 0,
      photos: 0,
    });

    const groupMembers = new Set(w.account.groupChats().flatMap((c) => c.others.map((m) => m.memberId)));
    assert.deepEqual([...w.backend.state.contacts.keys()].sort(), oneToOne.map((c) => c.others[0].memberId).sort());
    assert.ok(![...w.backend.state.contacts.keys()].some((id) => groupMembers.has(id)), 'no group chat member became a contact');

    const byUrn = new Map(oneToOne.flatMap((c) => c.messages.map((m) => [m.urn, m])));
    for (const m of pushed) {
      const original = byUrn.get(m.urn);
      assert.equal(m.from_self, original.sender === w.account.me, `direction of ${m.urn}`);
      assert.equal(m.text, original.text);
      assert.equal(m.sent_at, original.deliveredAt);
    }
    assert.ok(pushed.some((m) => m.from_self) && pushed.some((m) => !m.from_self), 'both directions occur');

    for (const c of oneToOne) {
      const partner = w.backend.state.contacts.get(c.others[0].memberId);
      assert.equal(partner.first_name, c.others[0].firstName);
      assert.equal(partner.last_name, c.others[0].lastName);
      assert.equal(partner.slug, c.others[0].slug ?? undefined, 'ACo-only profile URLs give no slug');
    }
    assert.equal(oneToOne.filter((c) => !c.others[0].slug).length, 2);

    const cursor = await w.local(KEYS.SYNC_CURSOR);
    const newest = w.account.newestFirst()[0].messages.at(-1).deliveredAt;
    assert.deepEqual(cursor, {
      memberId: w.account.me.memberId,
      watermark: newest,
      gaps: [],
      mailbox: { synced: 13, newestAt: newest, oldestAt: null },
    });
    assert.deepEqual(status.mailbox, { synced: 13, estimate: 13, complete: true });
    assert.equal(status.history, null, 'a first sync walks no history');
  });

  it('a second sync makes only the first-page call and pushes nothing; a new message is then pushed alone', async () => {
    const w = await createWorld({ account: { longThreads: 0 } });
    await w.syncNow();
    const cursor = await w.local(KEYS.SYNC_CURSOR);
    const callsBefore = w.voyager.calls.length;

    w.now.advance(3 * HOUR);
    await w.syncNow();
    const calls = w.voyager.calls.slice(callsBefore).map((c) => c.kind);
    assert.deepEqual(calls, ['me', 'conversations']);
    // One empty push: it tells PingCRM the browser synced (its last sync time).
    assert.deepEqual(w.backend.state.pushes.at(-1), { conversations: [], profiles: [] });
    assert.deepEqual(await w.local(KEYS.SYNC_CURSOR), cursor);
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'idle');
    const pushesBefore = w.backend.state.pushes.length;

    const target = w.account.oneToOne()[6];
    const incoming = w.account.addMessage(target, 'Did you see my last note?');
    const outgoing = w.account.addMessage(w.account.oneToOne()[4], 'Following up', { fromSelf: true });
    await w.syncNow();
    const pushes = w.backend.state.pushes.slice(pushesBefore);
    assert.equal(pushes.length, 1);
    assert.deepEqual(
      w.pushedMessages(pushes).map(({ urn, from_self, text }) => ({ urn, from_self, text })),
      [
        { urn: outgoing.urn, from_self: true, text: 'Following up' },
        { urn: incoming.urn, from_self: false, text: 'Did you see my last note?' },
      ],
    );
    assert.equal((await w.local(KEYS.SYNC_CURSOR)).watermark, outgoing.deliveredAt);
  });

  it('pages new messages back to the watermark, 5 pages at most; the rest comes with the history walk', async () => {
    const w = await createWorld({ account: { longThreads: 1 } });
    await w.syncNow();
    // busier: 45 messages, of which the first sync pushed the newest page.
    const busier = w.account.oneToOne().find((c) => c.messages.length === 45);
    const busy = w.account.oneToOne().find((c) => c !== busier);
    const added = Array.from({ length: 30 }, (_, i) => w.account.addMessage(busy, `note ${i}`));
    const flood = Array.from({ length: 130 }, (_, i) => w.account.addMessage(busier, `flood ${i}`));
    const floor = (await w.local(KEYS.SYNC_CURSOR)).watermark;
    const pushesBefore = w.backend.state.pushes.length;
    const messageCallsBefore = w.voyager.callsOf('messages').length;

    await w.syncNow();
    const pushes = w.backend.state.pushes.slice(pushesBefore);
    // The new-messages push: busy's 30, and busier's newest 5 pages of 20, saying what is missing below them.
    const [forward, ...older] = pushes;
    const sent = (push, urn) => [push].flat().flatMap((p) => p.conversations).filter((c) => c.urn === urn);
    assert.deepEqual(urns(sent(forward, busy.urn).flatMap((c) => c.messages)), urns(added));
    const [capped] = sent(forward, busier.urn);
    assert.deepEqual(urns(capped.messages), urns(flood.slice(-100)));
    assert.equal(capped.older_missing_after, floor);
    // The history walk then fetches the 30 missing ones and stops at the first page it already has
    // (10 of its 20 messages were pushed by the first sync); it pushes page by page.
    assert.equal(older.length, 2);
    assert.deepEqual(urns(sent(older, busier.urn).flatMap((c) => c.messages).filter((m) => m.sent_at > floor)), urns(flood.slice(0, 30)));
    assert.deepEqual(urns(w.pushedMessages(pushes).filter((m) => m.conversation === busier.urn && m.sent_at > floor)), urns(flood));

    const calls = w.voyager.callsOf('messages').slice(messageCallsBefore);
    assert.equal(calls.filter((c) => c.variables.conversationUrn === busy.urn).length, 2);
    assert.equal(calls.filter((c) => c.variables.conversationUrn === busier.urn).length, 5 + 2);
    const paged = calls.find((c) => c.variables.deliveredAt);
    assert.deepEqual(Object.keys(paged.variables), ['conversationUrn', 'deliveredAt', 'countBefore', 'countAfter']);
    assert.equal(paged.variables.countAfter, '0');
    const status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.lastRun.olderMessages, 40, 'the 30 missing and the 10 known ones of the last page');
    // Its 25 oldest messages are still to walk: the next sync's history walk.
    assert.deepEqual(status.history, { pages: 2, messages: 40, pending: 1 });
    assert.equal(w.backend.state.conversations.get(busier.urn).gap, null);
  });

  it('uses embedded messages when they reach back to the watermark, else asks for the conversation', async () => {
    const w = await createWorld({ account: { longThreads: 0 } });
    await w.syncNow();
    const [rich, plain] = w.account.oneToOne().slice(1, 3);
    rich.embedCount = 3;
    plain.embedCount = 1;
    const a = w.account.addMessage(rich, 'embedded is enough');
    const b = w.account.addMessage(plain, 'one embedded message does not reach back');
    const before = w.voyager.callsOf('messages').length;
    const pushesBefore = w.backend.state.pushes.length;
    await w.syncNow();
    const asked = w.voyager.callsOf('messages').slice(before).map((c) => c.variables.conversationUrn);
    assert.deepEqual(asked, [plain.urn]);
    assert.deepEqual(urns(w.pushedMessages(w.backend.state.pushes.slice(pushesBefore))), urns([a, b]));
  });

  it('a cursor of another LinkedIn account is ignored: the sync starts over', async () => {
    const w = await createWorld();
    await w.chrome.storage.local.set({ [KEYS.SYNC_CURSOR]: { memberId: 'ACoSOMEONEELSE', watermark: Date.now() * 2, gaps: [] } });
    await w.syncNow();
    assert.equal(w.backend.state.contacts.size, w.account.oneToOne().length);
    assert.equal((await w.local(KEYS.SYNC_CURSOR)).memberId, w.account.me.memberId);
  });
});

describe('sync: limits', () => {
  it('splits a large sync into pushes within the backend limits', async () => {
    const w = await createWorld({ account: { oneToOne: 230, acoOnly: 0, groupChats: 0, longThreads: 0 } });
    await w.syncNow();
    const pushes = w.backend.state.pushes;
    assert.equal(pushes.length, 3);
    assert.deepEqual(pushes.map((p) => p.conversations.length), [100, 100, 30]);
    assert.equal(w.pushCalls().length, 3, 'no push was refused');
    assert.equal(new Set(pushes.flatMap((p) => p.conversations.map((c) => c.urn))).size, 230);
  });

  it('a mailbox of 1,200 is complete after three syncs, 500 at a time, nothing pushed fetched twice', async () => {
    const w = await createWorld({ account: { oneToOne: 1150, acoOnly: 0, groupChats: 50, unflaggedGroups: 0, longThreads: 0 } });
    const all = w.account.newestFirst();
    const shown = [];
    const listed = [];
    for (let sync = 1; sync <= 3; sync += 1) {
      const before = w.voyager.callsOf('conversations').length;
      await w.syncNow();
      const status = await w.local(KEYS.SYNC_STATUS);
      assert.equal(status.state, 'idle');
      shown.push(status.mailbox);
      listed.push(w.voyager.callsOf('conversations').length - before);
      w.now.advance(3 * HOUR);
    }
    const [first, second, third] = shown;
    assert.equal(first.synced, 500);
    assert.equal(first.complete, false);
    // "about N": an estimate from the walked part's density and the oldest conversation's time.
    assert.ok(first.estimate >= 1000 && first.estimate <= 1400, `estimate ${first.estimate}`);
    assert.equal(second.synced, 1000);
    assert.ok(second.estimate >= 1100 && second.estimate <= 1300, `estimate ${second.estimate}`);
    assert.deepEqual(third, { synced: 1200, estimate: 1200, complete: true });

    const pushedUrns = w.backend.state.pushes.flatMap((p) => p.conversations.map((c) => c.urn));
    assert.equal(new Set(pushedUrns).size, 1150, 'every 1:1 conversation');
    assert.equal(pushedUrns.length, 1150, 'each pushed once');
    const read = w.voyager.callsOf('messages').map((c) => c.variables.conversationUrn);
    assert.equal(read.length, 1150, 'each conversation read once, group chats never');
    assert.equal(new Set(read).size, 1150);
    const cursor = await w.local(KEYS.SYNC_CURSOR);
    assert.deepEqual(cursor.gaps, []);
    assert.equal(cursor.mailbox.oldestAt, all.at(-1).messages.at(-1).deliveredAt, 'the probes found the oldest conversation');
    // Pages of 20: a first sync's 25 and its probes for the oldest conversation (at most 12 + 1);
    // then one page above the watermark, and the mailbox walk on (its first page repeats the
    // conversation the last sync ended with, which is skipped, not read again).
    assert.ok(listed[0] > 25 && listed[0] <= 25 + 13, `first sync: ${listed[0]} pages`);
    assert.deepEqual(listed.slice(1), [1 + 26, 1 + 11 + 1]);
  });

  it('a later sync capped by new activity leaves a gap; the next one walks it and the rest of the mailbox', async () => {
    const w = await createWorld({ account: { oneToOne: 560, acoOnly: 0, groupChats: 0, longThreads: 0 } });
    const original = w.account.newestFirst();
    await w.syncNow();
    let cursor = await w.local(KEYS.SYNC_CURSOR);
    assert.equal(w.backend.state.contacts.size, 500, 'a first sync takes the newest 500');
    assert.deepEqual(cursor.gaps, [
      { before: original[499].messages.at(-1).deliveredAt + 1, after: null, initial: true, pushed: [original[499].urn] },
    ]);

    const fresh = w.account.addConversations({ oneToOne: 530 });
    w.now.advance(3 * HOUR);
    const pushesBefore = w.backend.state.pushes.length;
    await w.syncNow();
    const status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.progress.total, 500);
    cursor = await w.local(KEYS.SYNC_CURSOR);
    assert.equal(cursor.watermark, fresh[0].messages.at(-1).deliveredAt);
    assert.equal(cursor.gaps.length, 2);
    assert.equal(cursor.gaps[0].after, original[0].messages.at(-1).deliveredAt, 'the gap reaches down to the old watermark');
    assert.equal(cursor.gaps[1].initial, true, 'the mailbox walk waits');
    assert.deepEqual(status.mailbox, { ...status.mailbox, synced: 500, complete: false });

    w.now.advance(3 * HOUR);
    await w.syncNow();
    assert.deepEqual((await w.local(KEYS.SYNC_CURSOR)).gaps, []);
    const later = w.backend.state.pushes.slice(pushesBefore);
    const pushedUrns = later.flatMap((p) => p.conversations.map((c) => c.urn));
    assert.deepEqual(new Set(pushedUrns), new Set([...fresh, ...original.slice(500)].map((c) => c.urn)));
    // Every message of those once. (A new conversation's messages older than the floor come with
    // the history walk, so a conversation may appear in two pushes, its messages not.)
    const messages = w.pushedMessages(later).map((m) => m.urn);
    assert.deepEqual(messages.sort(), [...fresh, ...original.slice(500)].flatMap((c) => c.messages.map((m) => m.urn)).sort());
    assert.deepEqual((await w.local(KEYS.SYNC_STATUS)).mailbox, { synced: 560, estimate: 560, complete: true });
  });
});

describe('sync: triggers', () => {
  it('a page load syncs when paired, not recently synced; Sync Now ignores the 2 h rule', async () => {
    const w = await createWorld();
    const sync = w.newSync();
    const handlers = createHandlers({ chrome: w.chrome, fetch: w.fetch, now: w.now, sync });
    const fromPage = () => dispatch(handlers, message(MSG.SYNC_PAGE_LOADED), contentSender(w.chrome), w.chrome.runtime.id);

    assert.deepEqual(await fromPage(), { ok: true, data: { started: true } });
    await sync.settled();
    assert.equal(w.pushCalls().length, 1);

    w.now.advance(2 * HOUR - MIN);
    assert.deepEqual(await fromPage(), { ok: true, data: { started: false, reason: 'recent' } });
    const now = await dispatch(handlers, message(MSG.SYNC_NOW), popupSender(w.chrome), w.chrome.runtime.id);
    assert.deepEqual(now, { ok: true, data: { started: true } });
    await sync.settled();

    w.now.advance(2 * HOUR + MIN);
    assert.deepEqual((await fromPage()).data, { started: true });
    await sync.settled();

    const fromContent = await dispatch(handlers, message(MSG.SYNC_NOW), contentSender(w.chrome), w.chrome.runtime.id);
    assert.equal(fromContent.error.code, 'forbidden_sender', 'Sync Now only from extension pages');
  });

  it('nothing happens while unpaired', async () => {
    const w = await createWorld({ paired: false });
    const sync = w.newSync();
    assert.deepEqual(await sync.pageLoaded(), { started: false, reason: 'not_paired' });
    await assert.rejects(sync.syncNow(), { code: 'not_paired' });
    await sync.settled();
    assert.equal(w.voyager.calls.length, 0);
  });

  it('two triggers at once start one sync', async () => {
    const w = await createWorld();
    const sync = w.newSync();
    const answers = await Promise.all([sync.syncNow(), sync.pageLoaded(), sync.syncNow()]);
    assert.deepEqual(answers, [{ started: true }, { started: false, reason: 'running' }, { started: false, reason: 'running' }]);
    await sync.settled();
    assert.equal(w.voyager.callsOf('me').length, 1);
    assert.equal(w.pushCalls().length, 1);
    assert.equal(await w.local(KEYS.SYNC_LOCK), null, 'the lock is released');
  });

  it('another worker instance does not start a second sync while one runs; a stale lock is taken over', async () => {
    const w = await createWorld();
    await w.chrome.storage.local.set({ [KEYS.SYNC_LOCK]: { runId: 'dead-worker', heartbeatAt: w.now() - 30_000 } });
    assert.deepEqual(await w.syncNow(), { started: false, reason: 'running' });
    assert.equal(w.voyager.calls.length, 0);
    w.now.advance(31_000); // heartbeat now 61 s old
    assert.deepEqual(await w.syncNow(), { started: true });
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'idle');
  });

  it('a worker stopped mid-sync: the next one resumes from storage after 60 s, the old run stops quietly', async () => {
    const w = await createWorld({ account: { oneToOne: 150, acoOnly: 0, groupChats: 4, longThreads: 0 } });
    // Hold the 102nd messages request: by then the first 100 conversations are pushed.
    const held = w.voyager.hold('messages', { skip: 101 });
    const first = w.newSync();
    assert.deepEqual(await first.syncNow(), { started: true });
    await held.arrived;
    assert.equal(w.backend.state.pushes.length, 1);
    const firstPush = new Set(w.backend.state.pushes[0].conversations.map((c) => c.urn));
    assert.equal(firstPush.size, 100);
    const cursor = await w.local(KEYS.SYNC_CURSOR);
    assert.equal(cursor.gaps.length, 1, 'the unpushed rest is a gap');
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'running');

    // "Restart": a new engine over the same storage; the old one is stuck.
    const second = w.newSync();
    assert.deepEqual(await second.syncNow(), { started: false, reason: 'running' });
    w.now.advance(61_000);
    const messageCallsBefore = w.voyager.callsOf('messages').length;
    assert.deepEqual(await w.syncNow(second), { started: true });

    const resumed = w.backend.state.pushes.slice(1).flatMap((p) => p.conversations.map((c) => c.urn));
    const all = w.account.oneToOne().map((c) => c.urn);
    assert.deepEqual([...new Set([...firstPush, ...resumed])].sort(), [...all].sort(), 'nothing skipped');
    // Nothing pushed is read again: the cut lists the pushed conversation at its
    // activity time, so a tie there is walked again but that one is skipped.
    assert.deepEqual(resumed.filter((urn) => firstPush.has(urn)), []);
    assert.equal(w.voyager.callsOf('messages').length - messageCallsBefore, 50);
    assert.deepEqual((await w.local(KEYS.SYNC_CURSOR)).gaps, []);
    const done = await w.local(KEYS.SYNC_STATUS);
    assert.equal(done.state, 'idle');

    // The old run wakes up, finds its lock gone, and stops without a word.
    const pushes = w.pushCalls().length;
    held.release();
    await first.settled();
    assert.equal(w.pushCalls().length, pushes);
    assert.deepEqual(await w.local(KEYS.SYNC_STATUS), done);
  });

  it('reports progress as conversations done out of found', async () => {
    const w = await createWorld({ account: { oneToOne: 30, groupChats: 2 } });
    const seen = [];
    w.chrome.storage.onChanged.addListener((changes) => {
      const status = changes[KEYS.SYNC_STATUS]?.newValue;
      if (status?.state === 'running') seen.push(status.progress);
    });
    await w.syncNow();
    await settle();
    const totals = seen.map((p) => p.total);
    assert.equal(Math.max(...totals), 32);
    const withTotal = seen.filter((p) => p.total === 32).map((p) => p.done);
    assert.deepEqual(withTotal, [...withTotal].sort((a, b) => a - b), 'done only grows');
    assert.ok(withTotal.includes(16), 'intermediate progress is reported');
  });
});

describe('sync: LinkedIn trouble', () => {
  it('429 backs off 15 min, doubling on repeats up to a longer Retry-After; page loads wait; success resets', async () => {
    const w = await createWorld();
    const sync = w.newSync();
    const run = async (trigger = 'syncNow') => {
      const answer = await sync[trigger]();
      await sync.settled();
      return answer;
    };

    w.voyager.fail('conversations', { status: 429 });
    await run();
    let status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'backoff');
    assert.equal(status.backoffUntil, w.now() + 15 * MIN);
    assert.equal(w.pushCalls().length, 0);

    const calls = w.voyager.calls.length;
    w.now.advance(14 * MIN);
    assert.deepEqual(await run('pageLoaded'), { started: false, reason: 'backoff', backoffUntil: status.backoffUntil });
    assert.deepEqual(await run(), { started: false, reason: 'backoff', backoffUntil: status.backoffUntil });
    assert.equal(w.voyager.calls.length, calls, 'no LinkedIn call while backing off');

    w.now.advance(MIN);
    w.voyager.fail('me', { status: 999, body: '', contentType: 'text/plain' });
    assert.deepEqual(await run('pageLoaded'), { started: true });
    status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.backoffUntil, w.now() + 30 * MIN, 'doubled');

    w.now.advance(30 * MIN);
    w.voyager.fail('messages', { status: 200, body: '<!DOCTYPE html><html>Let us do a quick security check</html>', contentType: 'text/html' });
    await run();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).backoffUntil, w.now() + 60 * MIN, 'a challenge page backs off too');

    w.now.advance(60 * MIN);
    w.voyager.fail('conversations', { status: 429, headers: { 'Retry-After': String(5 * 3600) } });
    await run();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).backoffUntil, w.now() + 5 * HOUR, 'the longer Retry-After wins');

    w.now.advance(5 * HOUR);
    await run();
    status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'idle');
    assert.equal(status.backoffUntil, null);
    assert.equal(await w.local(KEYS.SYNC_BACKOFF), null);

    w.voyager.fail('me', { status: 429 });
    await run();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).backoffUntil, w.now() + 15 * MIN, 'reset after a success');
  });

  it('caps the backoff at 24 h', async () => {
    const w = await createWorld();
    for (let i = 0; i < 9; i += 1) {
      w.voyager.fail('me', { status: 429 });
      await w.syncNow();
      const { backoffUntil } = await w.local(KEYS.SYNC_STATUS);
      assert.ok(backoffUntil - w.now() <= 24 * HOUR);
      w.now.advance(backoffUntil - w.now());
    }
    w.voyager.fail('me', { status: 429 });
    await w.syncNow();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).backoffUntil, w.now() + 24 * HOUR);
  });

  it('a redirect to /checkpoint/ from a LinkedIn tab backs off (from the worker it is first tried in the tab)', async () => {
    const w = await createWorld();
    w.chrome.tabs.open('https://www.linkedin.com/feed/');
    const checkpoint = {
      status: 200,
      redirected: true,
      url: 'https://www.linkedin.com/checkpoint/challenge/AgG1',
      body: '<html>challenge</html>',
      contentType: 'text/html',
    };
    w.voyager.fail('me', checkpoint, { times: 2 });
    await w.syncNow();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'backoff');
    assert.deepEqual(w.voyager.callsOf('me').map((c) => c.fromPage), [false, true]);
  });

  it('stopped by LinkedIn midway: what was fetched is pushed, and the next sync resumes after it', async () => {
    const w = await createWorld({ account: { oneToOne: 150, acoOnly: 0, groupChats: 0, longThreads: 0 } });
    const conversations = w.account.oneToOne();
    w.voyager.fail('messages', { status: 429 }, { skip: 120 });
    await w.syncNow();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'backoff');
    const pushed = w.backend.state.pushes.flatMap((p) => p.conversations.map((c) => c.urn));
    assert.deepEqual(pushed, conversations.slice(0, 120).map((c) => c.urn), '100 in a full push, 20 flushed when LinkedIn stopped us');
    const cursor = await w.local(KEYS.SYNC_CURSOR);
    assert.equal(cursor.gaps[0].before, conversations[119].messages.at(-1).deliveredAt + 1);

    w.now.advance(15 * MIN);
    const callsBefore = w.voyager.callsOf('messages').length;
    await w.syncNow();
    assert.equal(w.voyager.callsOf('messages').length - callsBefore, 30, 'the 30 left, not the pushed boundary one');
    assert.equal(w.backend.state.contacts.size, 150);
    assert.deepEqual((await w.local(KEYS.SYNC_CURSOR)).gaps, []);
  });

  it('no cookies → session expired without calling LinkedIn; 401 too; signing in again fixes it', async () => {
    const w = await createWorld({ signedIn: false });
    await w.syncNow();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'session_expired');
    assert.equal(w.voyager.calls.length, 0);
    assert.deepEqual(
      w.chrome.cookies.reads.map((r) => r.url),
      ['https://www.linkedin.com/', 'https://www.linkedin.com/'],
    );

    signIn(w.chrome);
    w.chrome.cookies.jar.set('li_at', 'AQEDAR-expired');
    await w.syncNow();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'session_expired', 'LinkedIn answered 401');
    assert.equal(w.voyager.calls.length, 1);

    signIn(w.chrome);
    await w.syncNow();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'idle', 'cookies are read afresh at every sync');
  });

  it('400 or unreadable JSON → format changed; page loads then wait 15 min', async () => {
    const w = await createWorld();
    const sync = w.newSync();
    w.voyager.fail('conversations', { status: 400, body: { status: 400 } });
    await w.syncNow(sync);
    let status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'format_changed');

    w.now.advance(5 * MIN);
    assert.deepEqual(await sync.pageLoaded(), { started: false, reason: 'recent_failure' });
    w.voyager.fail('messages', { status: 200, body: '{"data": {"messengerMessages' });
    await w.syncNow(sync);
    status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'format_changed', 'unreadable JSON');

    w.voyager.fail('conversations', { status: 200, body: { data: { messengerConversationsBySyncToken: { paging: {} } } } });
    await w.syncNow(sync);
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'format_changed', 'no elements list is not "nothing new"');
    assert.equal(await w.local(KEYS.SYNC_CURSOR), null);

    w.now.advance(15 * MIN);
    assert.deepEqual(await sync.pageLoaded(), { started: true });
    await sync.settled();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'idle');
  });
});

describe('sync: LinkedIn changes under the extension', () => {
  /** Every sync state the status went through. */
  function statesSeen(w) {
    const seen = [];
    w.chrome.storage.onChanged.addListener((changes) => {
      const state = changes[KEYS.SYNC_STATUS]?.newValue?.state;
      if (state && seen.at(-1) !== state) seen.push(state);
    });
    return seen;
  }

  it('rotated query ids: one sync still succeeds, and never says "LinkedIn changed"', async () => {
    const w = await createWorld({ account: { longThreads: 0 } });
    w.voyager.rotateQueryIds();
    const seen = statesSeen(w);
    await w.syncNow();
    await settle();
    assert.deepEqual(seen, ['running', 'idle']);
    assert.equal(w.backend.state.contacts.size, w.account.oneToOne().length);
  });

  it('query ids nowhere in LinkedIn’s web app: format changed, naming the failed query', async () => {
    const w = await createWorld();
    await w.syncNow();
    w.voyager.rotateQueryIds({ inBundles: false });
    w.now.advance(3 * HOUR);
    await w.syncNow();
    const status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'format_changed');
    assert.equal(status.failedQuery, 'conversations');
    assert.match(status.message, /conversations query/);
    // Sync Now again soon: no second discovery for the same id within 24 h (no loop)…
    w.now.advance(15 * MIN);
    const calls = w.voyager.calls.length;
    await w.syncNow();
    assert.deepEqual(w.voyager.calls.slice(calls).map((c) => c.kind), ['me', 'conversations']);
    // …and a day later, LinkedIn's web app names new ids again: the sync works and clears the state.
    w.voyager.rotateQueryIds({ seed: 3 });
    w.now.advance(24 * HOUR);
    await w.syncNow();
    assert.deepEqual(
      [(await w.local(KEYS.SYNC_STATUS)).state, (await w.local(KEYS.SYNC_STATUS)).failedQuery],
      ['idle', null],
    );
  });

  it('worker refused: with a LinkedIn tab the sync goes through it; without one the popup asks for one', async () => {
    const w = await createWorld({ account: { longThreads: 0 } });
    w.voyager.refuseWorker = true;
    const sync = w.newSync();
    await w.syncNow(sync);
    let status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'needs_tab');
    assert.match(status.message, /open linkedin\.com/);
    assert.equal(w.pushCalls().length, 0);

    // Within 2 h of nothing: opening LinkedIn (its page load) syncs at once, through that tab.
    w.now.advance(MIN);
    w.chrome.tabs.open('https://www.linkedin.com/feed/', { active: true });
    assert.deepEqual(await sync.pageLoaded(), { started: true });
    await sync.settled();
    status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'idle');
    assert.equal(w.backend.state.contacts.size, w.account.oneToOne().length);
    const [refused, first, ...rest] = w.voyager.calls.slice(1);
    assert.deepEqual([refused.kind, refused.fromPage], ['me', false], 'each sync tries the worker first');
    assert.deepEqual([first.kind, first.fromPage], ['me', true], 'the refused /me again, from the tab');
    assert.ok(rest.every((c) => c.fromPage), 'and everything after it');
  });

  it('the in-tab route carries no LinkedIn cookie to PingCRM either', async () => {
    const w = await createWorld({ account: { oneToOne: 30 } });
    w.voyager.refuseWorker = true;
    w.chrome.tabs.open('https://www.linkedin.com/messaging/');
    await w.syncNow();
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'idle');
    const secrets = [COOKIES.li_at, COOKIES.JSESSIONID.replace(/"/g, '')];
    assert.ok(w.backend.calls.length >= 1);
    for (const call of w.backend.calls) {
      const sent = JSON.stringify([[...call.headers.entries()], call.body ?? null, call.url]);
      for (const secret of secrets) assert.ok(!sent.includes(secret), `${call.path} carries a LinkedIn cookie value`);
    }
    assert.ok(w.voyager.calls.filter((c) => c.fromPage).every((c) => c.cookies.li_at === COOKIES.li_at));
  });
});

describe('sync: PingCRM trouble', () => {
  it('a failed push leaves the cursor and the next sync pushes the same data', async () => {
    const w = await createWorld({ account: { longThreads: 0 } });
    await w.syncNow();
    const cursor = await w.local(KEYS.SYNC_CURSOR);
    const a = w.account.addMessage(w.account.oneToOne()[3], 'one');
    const b = w.account.addMessage(w.account.oneToOne()[8], 'two', { fromSelf: true });

    w.backend.override('POST', PUSH_PATH, 503, { status: 503, code: 'unavailable', detail: 'contacts service unavailable' });
    await w.syncNow();
    const status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'error');
    assert.equal(status.message, 'contacts service unavailable');
    assert.deepEqual(await w.local(KEYS.SYNC_CURSOR), cursor, 'cursor not advanced');

    await w.syncNow();
    const [failed, retried] = w.pushCalls().slice(-2);
    const sent = (call) => call.body.conversations.flatMap((c) => c.messages.map((m) => m.urn)).sort();
    assert.deepEqual(sent(failed), [a.urn, b.urn].sort());
    assert.deepEqual(sent(retried), sent(failed));
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'idle');
    assert.equal((await w.local(KEYS.SYNC_CURSOR)).watermark, b.deliveredAt);
  });

  it('PingCRM unreachable → error with its message; rejected items are counted', async () => {
    const w = await createWorld();
    w.backend.state.down = true;
    await w.syncNow();
    let status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'error');
    assert.match(status.message, /Cannot reach http:\/\/127\.0\.0\.1:8000/);

    w.backend.state.down = false;
    w.backend.override('POST', PUSH_PATH, 200, {
      contacts_created: 9,
      contacts_updated: 0,
      interactions_created: 20,
      interactions_skipped: 0,
      rejected: [{ path: 'conversations[3].messages[0]', reason: 'bad' }, { path: 'conversations[4]', reason: 'bad' }],
    });
    await w.syncNow();
    status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'idle');
    assert.equal(status.lastRun.rejected, 2);
    assert.equal(status.lastRun.contactsCreated, 9);
  });

  it('never sends LinkedIn cookies or their values to the backend', async () => {
    const w = await createWorld({ account: { oneToOne: 120 } });
    w.account.addMessage(w.account.oneToOne()[0], `cookie-looking text without the values: li_at JSESSIONID`);
    await w.syncNow();
    const secrets = [COOKIES.li_at, COOKIES.JSESSIONID, COOKIES.JSESSIONID.replace(/"/g, '')];
    const backendCalls = w.backend.calls;
    assert.ok(backendCalls.length >= 2, 'the sync did push');
    for (const call of backendCalls) {
      assert.equal(call.init.credentials, 'omit');
      const sent = JSON.stringify([[...call.headers.entries()], call.body ?? null, call.url]);
      for (const secret of secrets) assert.ok(!sent.includes(secret), `${call.path} carries a LinkedIn cookie value`);
      assert.equal(call.headers.get('cookie'), null);
      assert.equal(call.headers.get('csrf-token'), null);
    }
    // The Voyager side did use them, so the check above is not vacuous.
    assert.ok(w.voyager.calls.every((c) => c.cookies.li_at === COOKIES.li_at && c.headers.get('csrf-token') === 'ajax:8675309123456789'));
    const stored = JSON.stringify([...w.chrome.storage.local.data.entries(), ...w.chrome.storage.session.data.entries()]);
    for (const secret of secrets) assert.ok(!stored.includes(secret), 'no cookie value is stored');
  });
});
