import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  PUSH_LIMITS,
  createPushBatch,
  splitConversation,
  toPushConversation,
  truncateText,
} from '../../extension/background/sync/push-batches.js';

const bytesOf = (value) => new TextEncoder().encode(JSON.stringify(value)).length;
const partner = { memberId: 'ACoAAP', slug: null, firstName: 'Zoë', lastName: 'Ng', headline: '', profileUrl: null };
const message = (i, text = `message ${i}`) => ({ urn: `urn:li:msg_message:${i}`, sentAt: 1_700_000_000_000 + i, text, fromSelf: i % 2 === 0 });
const conversation = (i, messages) => toPushConversation({ urn: `urn:li:msg_conversation:${i}`, partner }, messages);

/** Fill batches like the sync does; returns the push bodies. */
function pushesFor(conversations, limits = PUSH_LIMITS) {
  const batch = createPushBatch(limits);
  const bodies = [];
  for (const c of conversations) {
    for (const part of splitConversation(c, limits)) {
      if (!batch.tryAdd(part)) {
        bodies.push(batch.take());
        assert.ok(batch.tryAdd(part), 'a part always fits an empty push');
      }
    }
  }
  if (batch.size > 0) bodies.push(batch.take());
  return bodies;
}

describe('push contract', () => {
  it('maps a conversation to the §2 shape, leaving out an unknown slug and profile URL', () => {
    const full = toPushConversation(
      { urn: 'urn:li:msg_conversation:1', partner: { ...partner, slug: 'zoe-ng', profileUrl: 'https://www.linkedin.com/in/zoe-ng', headline: 'CTO' } },
      [message(2)],
    );
    assert.deepEqual(full, {
      urn: 'urn:li:msg_conversation:1',
      partner: { member_id: 'ACoAAP', slug: 'zoe-ng', first_name: 'Zoë', last_name: 'Ng', headline: 'CTO', profile_url: 'https://www.linkedin.com/in/zoe-ng' },
      messages: [{ urn: 'urn:li:msg_message:2', from_self: true, text: 'message 2', sent_at: 1_700_000_000_002 }],
    });
    assert.deepEqual(Object.keys(conversation(1, []).partner), ['member_id', 'first_name', 'last_name', 'headline']);
  });

  it('truncates text over 8,000 characters (code points, no split surrogate pair)', () => {
    assert.equal(truncateText('short'), 'short');
    const emoji = '😀'.repeat(8_000); // 16,000 UTF-16 units, 8,000 characters
    assert.equal(truncateText(emoji), emoji);
    const long = truncateText('😀'.repeat(9_000));
    assert.equal([...long].length, 8_000);
    assert.ok(long.endsWith('😀…'));
    assert.doesNotMatch(long, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    const pushed = toPushConversation({ urn: 'c', partner }, [message(1, 'x'.repeat(20_000))]);
    assert.equal(pushed.messages[0].text.length, 8_000);
  });
});

describe('splitting into pushes', () => {
  it('at most 100 conversations per push', () => {
    const bodies = pushesFor(Array.from({ length: 250 }, (_, i) => conversation(i, [message(i)])));
    assert.deepEqual(bodies.map((b) => b.conversations.length), [100, 100, 50]);
    assert.deepEqual(bodies[0].profiles, []);
  });

  it('at most 2,000 messages per push, splitting a conversation when it must', () => {
    const many = (c, n) => conversation(c, Array.from({ length: n }, (_, i) => message(c * 10_000 + i)));
    const bodies = pushesFor([many(1, 1_500), many(2, 1_500), many(3, 2_600)]);
    const counts = bodies.map((b) => b.conversations.reduce((n, c) => n + c.messages.length, 0));
    assert.ok(counts.every((n) => n <= 2_000), String(counts));
    assert.equal(counts.reduce((a, b) => a + b, 0), 5_600);
    const parts = bodies.flatMap((b) => b.conversations).filter((c) => c.urn === 'urn:li:msg_conversation:3');
    assert.ok(parts.length >= 2);
    assert.ok(parts.every((p) => p.partner.member_id === 'ACoAAP'), 'each part names the partner');
  });

  it('keeps every body under the byte budget, measured as UTF-8', () => {
    const heavy = (c) => conversation(c, Array.from({ length: 60 }, (_, i) => message(c * 1_000 + i, 'ü€😀'.repeat(2_000))));
    const conversations = Array.from({ length: 20 }, (_, i) => heavy(i));
    const bodies = pushesFor(conversations);
    assert.ok(bodies.length >= 4);
    for (const body of bodies) {
      const size = bytesOf(body);
      assert.ok(size <= PUSH_LIMITS.bytes, `${size} bytes`);
      assert.ok(size < 5_242_880);
    }
    assert.equal(bodies.flatMap((b) => b.conversations).reduce((n, c) => n + c.messages.length, 0), 1_200);
    // Tight limits: the accounting is exact, not just conservative.
    const limits = { ...PUSH_LIMITS, bytes: 3_000 };
    const small = pushesFor(Array.from({ length: 30 }, (_, i) => conversation(i, [message(i, 'é'.repeat(100))])), limits);
    for (const body of small) assert.ok(bytesOf(body) <= 3_000);
    assert.ok(small.some((body) => bytesOf(body) > 2_500), 'batches are filled close to the limit');
  });
});
