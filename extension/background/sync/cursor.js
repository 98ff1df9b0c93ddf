// The sync cursor (KEYS.SYNC_CURSOR, docs/linkedin-sync.md §3): which ranges
// of conversation activity are pushed. Pure functions, no chrome.*.
//
// A range is `{before, after}` of `lastActivityAt`, both exclusive:
// `before` null is "no upper bound" (the newest conversations) and is used
// as Voyager's `lastUpdatedBefore` otherwise; `after` null is "to the end of
// the list". `initial` marks the mailbox walk: a first sync's range and the
// gap it leaves below its 500 conversations, which the following syncs walk
// on, 500 at a time, until the mailbox is complete. Their conversations were
// never pushed, so they get their newest messages without a floor.
//
// Ties: a range cut after a conversation with activity t resumes with
// `before: t + 1`, so a conversation sharing t that was not pushed is walked
// again; the ones sharing t that were pushed are listed in the gap's
// `pushed` and skipped, so nothing pushed is fetched again.

/** Conversations one sync walks at most, over all its ranges (DESIGN.md). */
export const MAX_CONVERSATIONS_PER_SYNC = 500;

/**
 * The ranges a sync walks, newest first: the activity above the watermark,
 * then the gaps earlier syncs left. No cursor (or one of another LinkedIn
 * account) means a first sync: everything, newest first, up to the cap.
 */
export function planRanges(cursor) {
  if (!cursor || cursor.watermark === null) return [{ before: null, after: null, initial: true, first: true, pushed: [] }];
  return [
    { before: null, after: cursor.watermark, initial: false, first: false, pushed: [] },
    ...cursor.gaps.map((gap) => ({
      before: gap.before,
      after: gap.after,
      initial: Boolean(gap.initial),
      first: false,
      pushed: gap.pushed ?? [],
    })),
  ];
}

/**
 * Messages at or before this time are pushed for every conversation of a
 * non-initial range; null on a first sync. It is the lowest bound of the
 * open non-initial ranges, not each conversation's own range: a
 * conversation in a gap that got a new message since has moved above the
 * watermark, and its messages from the gap's time are still unpushed.
 * Initial ranges need no floor (their conversations take their newest page).
 * A conversation of the unwalked mailbox that got a new message is met above
 * the watermark: only its messages above the floor are pushed, and PingCRM,
 * which never saw it before, lists its older ones for the history walk
 * (sync/history.js).
 */
export function messageFloor(cursor) {
  if (!cursor || cursor.watermark === null) return null;
  let floor = cursor.watermark;
  for (const gap of cursor.gaps) {
    if (!gap.initial && gap.after !== null) floor = Math.min(floor, gap.after);
  }
  return floor;
}

/**
 * The cursor once the first `done` conversations of the walk are pushed and
 * acknowledged (or needed no push).
 * @param {object|null} previous the cursor the sync started from
 * @param {Array<{before, after, initial, items: Array<{urn, lastActivityAt}>, complete: boolean}>} walked
 *   every range of planRanges(previous), in order, with the conversations
 *   found in it (newest first; empty when the cap left it unwalked) and
 *   whether the walk reached its end
 * @param {number} done conversations handled, counted across `walked` in order
 * @param {string} memberId the LinkedIn account the cursor belongs to
 * @returns {object|null} the new cursor, or null while nothing is known to be pushed
 */
export function cursorAfter(previous, walked, done, memberId) {
  let watermark = previous?.watermark ?? null;
  // A cursor from before the mailbox walk (no `mailbox`) says nothing about the mailbox: it stays untold.
  const mailbox =
    previous && !previous.mailbox ? null : { synced: 0, newestAt: null, oldestAt: null, ...previous?.mailbox };
  const gaps = [];
  let left = done;
  for (const range of walked) {
    const handled = Math.min(left, range.items.length);
    left -= handled;
    if (range.before === null && handled > 0) watermark = Math.max(watermark ?? -Infinity, range.items[0].lastActivityAt);
    if (mailbox && range.initial) mailbox.synced += handled;
    if (mailbox && range.first && handled > 0) mailbox.newestAt = range.items[0].lastActivityAt;
    if (handled === range.items.length && range.complete) continue;
    // Above the watermark with nothing handled: it stays "above the watermark".
    if (range.before === null && handled === 0) continue;
    gaps.push(cutAfter(range, range.items.slice(0, handled)));
  }
  return watermark === null ? null : { memberId, watermark, gaps, ...(mailbox ? { mailbox } : {}) };
}

/** The rest of `range` once `handled` (its newest conversations) are pushed. */
function cutAfter(range, handled) {
  let before = range.before;
  let pushed = range.pushed;
  if (handled.length > 0) {
    const last = handled[handled.length - 1].lastActivityAt;
    before = last + 1;
    // The pushed ones sharing the cut's time, with those an earlier cut at the same time listed.
    const atCut = handled.filter((c) => c.lastActivityAt === last).map((c) => c.urn);
    pushed = [...new Set([...(range.before === before ? range.pushed : []), ...atCut])];
  }
  return {
    before,
    after: range.after,
    ...(range.initial ? { initial: true } : {}),
    ...(pushed.length > 0 ? { pushed } : {}),
  };
}
