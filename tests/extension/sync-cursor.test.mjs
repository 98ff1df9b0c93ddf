import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { cursorAfter, messageFloor, planRanges } from '../../extension/background/sync/cursor.js';

const items = (...times) => times.map((lastActivityAt) => ({ lastActivityAt }));

describe('sync cursor', () => {
  it('no cursor: one first-sync range and no message floor', () => {
    assert.deepEqual(planRanges(null), [{ before: null, after: null, initial: true, first: true }]);
    assert.equal(messageFloor(null), null);
  });

  it('walks above the watermark, then the gaps; the floor is the lowest open bound', () => {
    const cursor = { memberId: 'M', watermark: 900, gaps: [{ before: 500, after: 300 }, { before: 200, after: 100 }] };
    assert.deepEqual(planRanges(cursor), [
      { before: null, after: 900, initial: false, first: false },
      { before: 500, after: 300, initial: false, first: false },
      { before: 200, after: 100, initial: false, first: false },
    ]);
    assert.equal(messageFloor(cursor), 100);
    assert.equal(messageFloor({ ...cursor, gaps: [{ before: 500, after: 300, initial: true }] }), null);
  });

  it('nothing handled: nothing learned', () => {
    const previous = { memberId: 'M', watermark: 900, gaps: [] };
    const walked = [{ before: null, after: 900, initial: false, items: items(990, 950), complete: true }];
    assert.deepEqual(cursorAfter(previous, walked, 0, 'M'), previous);
    assert.equal(cursorAfter(null, [{ before: null, after: null, initial: true, items: items(5), complete: true }], 0, 'M'), null);
  });

  it('partly handled: the watermark moves up and the rest becomes a gap (ties walked again)', () => {
    const previous = { memberId: 'M', watermark: 900, gaps: [{ before: 500, after: 300 }] };
    const walked = [
      { before: null, after: 900, initial: false, items: items(990, 950, 950, 920), complete: true },
      { before: 500, after: 300, initial: false, items: items(450, 400), complete: true },
    ];
    assert.deepEqual(cursorAfter(previous, walked, 2, 'M'), {
      memberId: 'M',
      watermark: 990,
      gaps: [{ before: 951, after: 900 }, { before: 500, after: 300 }],
    });
    assert.deepEqual(cursorAfter(previous, walked, 5, 'M'), { memberId: 'M', watermark: 990, gaps: [{ before: 451, after: 300 }] });
    assert.deepEqual(cursorAfter(previous, walked, 6, 'M'), { memberId: 'M', watermark: 990, gaps: [] });
  });

  it('a range the cap cut or left unwalked stays open', () => {
    const previous = { memberId: 'M', watermark: 900, gaps: [{ before: 500, after: 300 }] };
    const walked = [
      { before: null, after: 900, initial: false, items: items(990, 950), complete: false },
      { before: 500, after: 300, initial: false, items: [], complete: false },
    ];
    assert.deepEqual(cursorAfter(previous, walked, 2, 'M').gaps, [{ before: 951, after: 900 }, { before: 500, after: 300 }]);
  });

  it('a first sync cut short keeps its rest as an initial gap', () => {
    const walked = [{ before: null, after: 89, initial: true, first: true, items: items(300, 200, 90), complete: true }];
    assert.deepEqual(cursorAfter(null, walked, 1, 'M'), { memberId: 'M', watermark: 300, gaps: [{ before: 301, after: 89, initial: true }] });
  });
});
