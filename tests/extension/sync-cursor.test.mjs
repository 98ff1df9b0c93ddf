import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { cursorAfter, messageFloor, planRanges } from '../../extension/background/sync/cursor.js';

let seq = 0;
const items = (...times) => times.map((lastActivityAt) => ({ urn: `c${(seq += 1)}-${lastActivityAt}`, lastActivityAt }));
const mailbox = (synced, newestAt = null, oldestAt = null) => ({ synced, newestAt, oldestAt });

describe('sync cursor', () => {
  it('no cursor: one first-sync range and no message floor', () => {
    assert.deepEqual(planRanges(null), [{ before: null, after: null, initial: true, first: true, pushed: [] }]);
    assert.equal(messageFloor(null), null);
  });

  it('walks above the watermark, then the gaps; the floor is the lowest bound of the non-initial ranges', () => {
    const cursor = {
      memberId: 'M',
      watermark: 900,
      gaps: [{ before: 500, after: 300, pushed: ['c-499'] }, { before: 200, after: 100 }],
      mailbox: mailbox(40),
    };
    assert.deepEqual(planRanges(cursor), [
      { before: null, after: 900, initial: false, first: false, pushed: [] },
      { before: 500, after: 300, initial: false, first: false, pushed: ['c-499'] },
      { before: 200, after: 100, initial: false, first: false, pushed: [] },
    ]);
    assert.equal(messageFloor(cursor), 100);
    // The mailbox walk's gap takes its conversations' newest page: it sets no floor.
    assert.equal(messageFloor({ ...cursor, gaps: [{ before: 500, after: null, initial: true }] }), 900);
  });

  it('nothing handled: nothing learned', () => {
    const previous = { memberId: 'M', watermark: 900, gaps: [], mailbox: mailbox(40, 900) };
    const walked = [{ before: null, after: 900, initial: false, pushed: [], items: items(990, 950), complete: true }];
    assert.deepEqual(cursorAfter(previous, walked, 0, 'M'), previous);
    const first = [{ before: null, after: null, initial: true, first: true, pushed: [], items: items(5), complete: true }];
    assert.equal(cursorAfter(null, first, 0, 'M'), null);
  });

  it('partly handled: the watermark moves up and the rest becomes a gap that lists the pushed ties', () => {
    const previous = { memberId: 'M', watermark: 900, gaps: [{ before: 500, after: 300 }], mailbox: mailbox(40, 900) };
    const above = items(990, 950, 950, 920);
    const gap = items(450, 400);
    const walked = [
      { before: null, after: 900, initial: false, pushed: [], items: above, complete: true },
      { before: 500, after: 300, initial: false, pushed: [], items: gap, complete: true },
    ];
    assert.deepEqual(cursorAfter(previous, walked, 2, 'M'), {
      memberId: 'M',
      watermark: 990,
      gaps: [{ before: 951, after: 900, pushed: [above[1].urn] }, { before: 500, after: 300 }],
      mailbox: mailbox(40, 900),
    });
    assert.deepEqual(cursorAfter(previous, walked, 3, 'M').gaps[0], { before: 951, after: 900, pushed: [above[1].urn, above[2].urn] });
    assert.deepEqual(cursorAfter(previous, walked, 5, 'M').gaps, [{ before: 451, after: 300, pushed: [gap[0].urn] }]);
    assert.deepEqual(cursorAfter(previous, walked, 6, 'M').gaps, []);
  });

  it('a cut at the same time as an earlier cut keeps that cut’s list', () => {
    const previous = { memberId: 'M', watermark: 900, gaps: [{ before: 451, after: 300, pushed: ['old-450'] }], mailbox: mailbox(40, 900) };
    const gap = items(450, 440);
    const walked = [
      { before: null, after: 900, initial: false, pushed: [], items: [], complete: true },
      { before: 451, after: 300, initial: false, pushed: ['old-450'], items: gap, complete: true },
    ];
    assert.deepEqual(cursorAfter(previous, walked, 1, 'M').gaps, [{ before: 451, after: 300, pushed: ['old-450', gap[0].urn] }]);
    assert.deepEqual(cursorAfter(previous, walked, 0, 'M').gaps, [{ before: 451, after: 300, pushed: ['old-450'] }]);
  });

  it('a range the cap cut or left unwalked stays open', () => {
    const previous = { memberId: 'M', watermark: 900, gaps: [{ before: 500, after: 300 }], mailbox: mailbox(40, 900) };
    const above = items(990, 950);
    const walked = [
      { before: null, after: 900, initial: false, pushed: [], items: above, complete: false },
      { before: 500, after: 300, initial: false, pushed: [], items: [], complete: false },
    ];
    assert.deepEqual(cursorAfter(previous, walked, 2, 'M').gaps, [
      { before: 951, after: 900, pushed: [above[1].urn] },
      { before: 500, after: 300 },
    ]);
  });

  it('a first sync leaves the rest of the mailbox as an initial gap, and counts the conversations it walked', () => {
    const taken = items(300, 200, 90);
    const walked = [{ before: null, after: null, initial: true, first: true, pushed: [], items: taken, complete: false }];
    assert.deepEqual(cursorAfter(null, walked, 1, 'M'), {
      memberId: 'M',
      watermark: 300,
      gaps: [{ before: 301, after: null, initial: true, pushed: [taken[0].urn] }],
      mailbox: mailbox(1, 300),
    });
    assert.deepEqual(cursorAfter(null, walked, 3, 'M').mailbox, mailbox(3, 300));
  });

  it('the mailbox walk adds to the count; the walk above the watermark does not', () => {
    const previous = {
      memberId: 'M',
      watermark: 900,
      gaps: [{ before: 301, after: null, initial: true, pushed: ['c-300'] }],
      mailbox: mailbox(500, 900, 10),
    };
    const walked = [
      { before: null, after: 900, initial: false, pushed: [], items: items(990), complete: true },
      { before: 301, after: null, initial: true, pushed: ['c-300'], items: items(250, 100), complete: true },
    ];
    const next = cursorAfter(previous, walked, 3, 'M');
    assert.deepEqual(next.gaps, []);
    assert.deepEqual(next.mailbox, mailbox(502, 900, 10));
  });

  it('a cursor from before the mailbox walk keeps no mailbox count (the popup shows none)', () => {
    const previous = { memberId: 'M', watermark: 900, gaps: [] };
    const walked = [{ before: null, after: 900, initial: false, pushed: [], items: items(990), complete: true }];
    assert.deepEqual(cursorAfter(previous, walked, 1, 'M'), { memberId: 'M', watermark: 990, gaps: [] });
  });
});
