// The history walk (background/sync/history.js) end to end against the fake
// Voyager and the fake edge, which keeps per conversation how far back its
// messages reach the way contacts_service does: the budget, newest first,
// resuming after a stopped worker, stopping at the start or at what is known.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { HISTORY_PAGES_PER_SYNC } from '../../extension/background/sync/history.js';
import { KEYS } from '../../extension/lib/storage.js';
import { createWorld } from './helpers/sync-world.mjs';

const HOUR = 60 * 60_000;
const urnsOf = (messages) => messages.map((m) => m.urn).sort();

/** The older-message pages asked for in calls[from..], as [conversation urn, deliveredAt]. */
function historyCalls(w, from = 0) {
  return w.voyager
    .callsOf('messages')
    .slice(from)
    .filter((c) => c.variables.deliveredAt)
    .map((c) => [c.variables.conversationUrn, Number(c.variables.deliveredAt)]);
}

async function syncAgain(w) {
  w.now.advance(3 * HOUR);
  const from = w.voyager.callsOf('messages').length;
  await w.syncNow();
  return from;
}

describe('history: every message of a conversation, over the next syncs', () => {
  it('a 300-message thread: the newest page at the first sync, the 280 older ones at the second, each pushed once', async () => {
    const w = await createWorld({ account: { oneToOne: 4, acoOnly: 0, groupChats: 1, longThreads: 1, longThreadLength: 300 } });
    const thread = w.account.oneToOne().find((c) => c.messages.length === 300);

    await w.syncNow();
    assert.deepEqual(urnsOf(w.pushedMessages().filter((m) => m.conversation === thread.urn)), urnsOf(thread.messages.slice(-20)));
    assert.equal((await w.local(KEYS.SYNC_STATUS)).history, null, 'a first sync walks no history');
    assert.deepEqual(historyCalls(w), []);

    const from = await syncAgain(w);
    // 14 full pages of 20 and an empty one: the start of the conversation.
    const asked = historyCalls(w, from);
    assert.equal(asked.length, 15);
    assert.ok(asked.every(([urn]) => urn === thread.urn));
    const expectedAnchors = [20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220, 240, 260, 280, 300].map(
      (n) => thread.messages.at(-n).deliveredAt,
    );
    assert.deepEqual(asked.map(([, at]) => at), expectedAnchors, 'each page starts where the last one ended');
    const pushed = w.pushedMessages().filter((m) => m.conversation === thread.urn);
    assert.deepEqual(urnsOf(pushed), urnsOf(thread.messages));
    assert.equal(pushed.length, 300, 'nothing pushed twice');
    assert.equal(w.backend.state.conversations.get(thread.urn).first, thread.messages[0].deliveredAt);

    const status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.lastRun.olderMessages, 280);
    assert.deepEqual(status.history, { pages: 15, messages: 280, pending: 0 });

    const later = await syncAgain(w);
    assert.deepEqual(historyCalls(w, later), [], 'a complete conversation is not walked again');
  });

  it(`the budget: ${HISTORY_PAGES_PER_SYNC} pages a sync, newest conversation first, resumed mid-conversation by the next sync`, async () => {
    // Four threads of 400: 19 full older pages and an empty one each, 80 pages in all.
    const w = await createWorld({ account: { oneToOne: 6, acoOnly: 0, groupChats: 0, longThreads: 4, longThreadLength: 400 } });
    const threads = w.account.oneToOne().filter((c) => c.messages.length === 400); // newest first
    await w.syncNow();

    const perSync = [];
    for (let sync = 2; sync <= 5; sync += 1) {
      const from = await syncAgain(w);
      perSync.push(historyCalls(w, from));
    }
    assert.deepEqual(perSync.map((calls) => calls.length), [30, 30, 20, 0]);
    const order = perSync.flat().map(([urn]) => threads.findIndex((t) => t.urn === urn));
    assert.deepEqual(order, [...Array(20).fill(0), ...Array(20).fill(1), ...Array(20).fill(2), ...Array(20).fill(3)]);
    // Sync 2 read 10 pages of thread 1 (its newest 20 + 200 messages are in PingCRM);
    // sync 3 picks it up at its oldest pushed message.
    assert.equal(perSync[0].at(-1)[1], threads[1].messages.at(-200).deliveredAt);
    assert.equal(perSync[1][0][1], threads[1].messages.at(-220).deliveredAt);
    for (const thread of threads) {
      const pushed = w.pushedMessages().filter((m) => m.conversation === thread.urn);
      assert.equal(pushed.length, 400);
      assert.deepEqual(urnsOf(pushed), urnsOf(thread.messages));
    }
    const statuses = await w.local(KEYS.SYNC_STATUS);
    assert.deepEqual(statuses.history, { pages: 0, messages: 0, pending: 0 });
  });

  it('a worker stopped mid-walk: the next sync resumes at the page it stopped on, nothing pushed is fetched again', async () => {
    const w = await createWorld({ account: { oneToOne: 3, acoOnly: 0, groupChats: 0, longThreads: 1, longThreadLength: 300 } });
    const thread = w.account.oneToOne().find((c) => c.messages.length === 300);
    await w.syncNow();
    w.now.advance(3 * HOUR);

    // Hold the 6th older page: pages 1–5 are pushed by then.
    const firstCalls = w.voyager.callsOf('messages').length;
    const held = w.voyager.hold('messages', { skip: 5 });
    const first = w.newSync();
    await first.syncNow();
    await held.arrived;
    const pushedBefore = w.pushedMessages().filter((m) => m.conversation === thread.urn).length;
    assert.equal(pushedBefore, 20 + 5 * 20);

    const second = w.newSync();
    w.now.advance(61_000); // the stopped worker's lock is stale
    await w.syncNow(second);
    const walked = historyCalls(w, firstCalls);
    // The held request (6th) and the second engine's 10 pages: the 6th page is asked twice
    // (it was never pushed), nothing before it.
    assert.equal(walked.length, 5 + 1 + 10);
    assert.deepEqual(walked[5], walked[6]);
    const pushed = w.pushedMessages().filter((m) => m.conversation === thread.urn);
    assert.equal(pushed.length, 300);
    assert.deepEqual(urnsOf(pushed), urnsOf(thread.messages));

    held.release();
    await first.settled();
    assert.equal(w.pushedMessages().filter((m) => m.conversation === thread.urn).length, 300, 'the old run pushed nothing more');
  });

  it('LinkedIn ignoring the page anchor stops the walk (format changed) instead of looping', async () => {
    const w = await createWorld({ account: { oneToOne: 2, acoOnly: 0, groupChats: 0, longThreads: 1, longThreadLength: 60 } });
    const thread = w.account.oneToOne().find((c) => c.messages.length === 60);
    await w.syncNow();
    const newestPage = { data: { messengerMessagesByAnchorTimestamp: { elements: [] } } };
    const { pushes } = w.backend.state;
    const again = pushes.flatMap((p) => p.conversations).find((c) => c.urn === thread.urn);
    // The same newest page again, whatever `deliveredAt` says.
    newestPage.data.messengerMessagesByAnchorTimestamp.elements = again.messages.map((m) => ({
      entityUrn: m.urn,
      deliveredAt: m.sent_at,
      body: { text: m.text },
      sender: { hostIdentityUrn: m.from_self ? w.account.me.urn : thread.others[0].urn },
    }));
    w.voyager.fail('messages', { status: 200, body: newestPage }, { times: 1 });
    w.now.advance(3 * HOUR);
    await w.syncNow();
    const status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'format_changed');
    assert.equal(status.failedQuery, 'messages');
  });

  it('a PingCRM without history marks (an older version) syncs as before', async () => {
    const w = await createWorld();
    await w.syncNow();
    w.backend.override('GET', '/api/v1/linkedin/history', 404, { status: 404, code: 'not_found', detail: 'No route' });
    w.now.advance(3 * HOUR);
    await w.syncNow();
    const status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'idle');
    assert.equal(status.history, null);
  });
});
