// "n of about N conversations": finding the oldest conversation with a few
// probes, and the estimate (background/sync/mailbox.js).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LINKEDIN_LAUNCH_MS, MAX_PROBES, mailboxProgress, probeOldestActivity } from '../../extension/background/sync/mailbox.js';

const DAY = 24 * 60 * 60_000;

/** A session over conversations with these activity times: pages of 20, newest first. */
function sessionOver(times) {
  const sorted = [...times].sort((a, b) => b - a);
  const asked = [];
  return {
    asked,
    async conversations({ before }) {
      asked.push(before);
      return sorted.filter((t) => t < before).slice(0, 20).map((t) => ({ lastActivityAt: t }));
    },
  };
}

const probe = (session, below) => probeOldestActivity({ session, selfId: 'ME', below, checkpoint: async () => {} });

describe('probeOldestActivity', () => {
  const now = Date.parse('2026-03-01T00:00:00Z');

  it('finds the oldest conversation of a long mailbox within MAX_PROBES + 1 pages', async () => {
    // 2,000 conversations, one every 3 days back from now: the oldest is 16 years old.
    const times = Array.from({ length: 2000 }, (_, i) => now - i * 3 * DAY - i);
    const session = sessionOver(times);
    const oldest = await probe(session, times[500]);
    assert.ok(session.asked.length <= MAX_PROBES + 1, `${session.asked.length} pages`);
    assert.ok(oldest >= times.at(-1) && oldest - times.at(-1) <= 3 * DAY * 20, 'at or just above the oldest');
  });

  it('is exact when a probe lands in the last page', async () => {
    const times = Array.from({ length: 700 }, (_, i) => now - i * 9 * 60 * 60_000);
    const session = sessionOver(times);
    assert.equal(await probe(session, times[500]), times.at(-1));
  });

  it('nothing below: null; everything right below: found', async () => {
    assert.equal(await probe(sessionOver([now]), now - DAY), null);
    assert.equal(await probe(sessionOver([now - 2 * DAY, now - 3 * DAY]), now - DAY), now - 3 * DAY);
  });

  it('never asks for anything older than LinkedIn', async () => {
    const session = sessionOver([now - DAY]);
    await probe(session, now);
    assert.ok(session.asked.every((before) => before > LINKEDIN_LAUNCH_MS));
  });
});

describe('mailboxProgress', () => {
  const cursor = (synced, gaps, newestAt = 1_000_000, oldestAt = null) => ({ watermark: newestAt, gaps, mailbox: { synced, newestAt, oldestAt } });

  it('complete: the count itself', () => {
    assert.deepEqual(mailboxProgress(cursor(1200, [])), { synced: 1200, estimate: 1200, complete: true });
    assert.deepEqual(mailboxProgress(cursor(1200, [{ before: 10, after: 5 }])), { synced: 1200, estimate: 1200, complete: true });
  });

  it('open: the walked density stretched over the unwalked time, two significant digits', () => {
    // 500 over 600,000 ms walked, 840,000 ms left: ~700 more.
    const open = [{ before: 400_001, after: null, initial: true }];
    assert.deepEqual(mailboxProgress(cursor(500, open, 1_000_001, -439_999)), { synced: 500, estimate: 1200, complete: false });
    // Unknown oldest: no estimate yet.
    assert.deepEqual(mailboxProgress(cursor(500, open)), { synced: 500, estimate: null, complete: false });
    // Next to nothing left: still more than what is known.
    assert.deepEqual(mailboxProgress(cursor(500, open, 1_000_001, 400_000)), { synced: 500, estimate: 510, complete: false });
  });

  it('before a first sync: nothing', () => {
    assert.equal(mailboxProgress(null), null);
    assert.equal(mailboxProgress({ watermark: 1, gaps: [] }), null);
  });
});
