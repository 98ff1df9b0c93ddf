// The sync cursor (KEYS.SYNC_CURSOR, docs/linkedin-sync.md §3): which ranges
// of conversation activity are pushed. Pure functions, no chrome.*.
//
// A range is `{before, after}` of `lastActivityAt`, both exclusive:
// `before` null is "no upper bound" (the newest conversations) and is used
// as Voyager's `lastUpdatedBefore` otherwise; `after` null is "to the end of
// the list". `initial` marks ranges of a first sync: their conversations
// were never pushed, so they get their newest messages without a floor.
//
// Ties: a range cut after a conversation with activity t resumes with
// `before: t + 1`, so a conversation sharing t that was not pushed is walked
// again. The already pushed ones sharing t are pushed again, which is
// harmless: the backend dedupes messages by URN.

/** Conversations one sync walks at most, over all its ranges (DESIGN.md). */
export const MAX_CONVERSATIONS_PER_SYNC = 500;

/**
 * The ranges a sync walks, newest first: the activity above the watermark,
 * then the gaps earlier syncs left. No cursor (or one of another LinkedIn
 * account) means a first sync: everything, newest first, up to the cap.
 */
export function planRanges(cursor) {
  if (!cursor || cursor.watermark === null) return [{ before: null, after: null, initial: true, first: true }];
  return [
    { before: null, after: cursor.watermark, initial: false, first: false },
    ...cursor.gaps.map((gap) => ({ before: gap.before, after: gap.after, initial: Boolean(gap.initial), first: false })),
  ];
}

/**
 * Messages at or before this time are pushed for every conversation this
 * sync can meet; null when some were never pushed (first sync, or a first
 * sync cut short). It is the lowest bound of all open ranges, not each
 * conversation's own range: a conversation in a gap that got a new message
 * since has moved above the watermark, and its messages from the gap's time
 * are still unpushed.
 */
export function messageFloor(cursor) {
  if (!cursor || cursor.watermark === null) return null;
  let floor = cursor.watermark;
  for (const gap of cursor.gaps) {
    if (gap.initial || gap.after === null) return null;
    floor = Math.min(floor, gap.after);
  }
  return floor;
}

/**
 * The cursor once the first `done` conversations of the walk are pushed and
 * acknowledged (or needed no push).
 * @param {object|null} previous the cursor the sync started from
 * @param {Array<{before, after, initial, items: Array<{lastActivityAt}>, complete: boolean}>} walked
 *   every range of planRanges(previous), in order, with the conversations
 *   found in it (newest first; empty when the cap left it unwalked) and
 *   whether the walk reached its end
 * @param {number} done conversations handled, counted across `walked` in order
 * @param {string} memberId the LinkedIn account the cursor belongs to
 * @returns {object|null} the new cursor, or null while nothing is known to be pushed
 */
export function cursorAfter(previous, walked, done, memberId) {
  let watermark = previous?.watermark ?? null;
  const gaps = [];
  let left = done;
  for (const range of walked) {
    const handled = Math.min(left, range.items.length);
    left -= handled;
    if (range.before === null && handled > 0) watermark = Math.max(watermark ?? -Infinity, range.items[0].lastActivityAt);
    if (handled === range.items.length && range.complete) continue;
    // Above the watermark with nothing handled: it stays "above the watermark".
    if (range.before === null && handled === 0) continue;
    gaps.push({
      before: handled > 0 ? range.items[handled - 1].lastActivityAt + 1 : range.before,
      after: range.after,
      ...(range.initial ? { initial: true } : {}),
    });
  }
  return watermark === null ? null : { memberId, watermark, gaps };
}
