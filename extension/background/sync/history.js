// The history walk: older messages, a few pages per sync, until every
// conversation is complete (docs/linkedin-sync.md §2 "history", §3).
//
// PingCRM remembers per conversation how far back its messages reach and
// whether that is the conversation's start; GET /api/v1/linkedin/history
// lists the conversations still to walk, newest activity first, each with
// where to continue: older than `before`, down to `after` (a stretch a sync
// skipped) or to the start (`after` null). The walk asks LinkedIn for the
// page older than `before`, pushes it, and goes on from that page's oldest
// message until it reaches the start (a page shorter than asked), the first
// page it already has (one reaching `after`), or the sync's budget of
// HISTORY_PAGES_PER_SYNC pages. Each page is pushed as soon as it is read,
// and nothing is kept here between syncs: PingCRM moves its mark only for
// acknowledged pushes, so a stopped worker's next sync resumes at the page
// it stopped on, and nothing pushed is fetched twice.

import { ERR } from '../../lib/errors.js';
import { ApiError, PATHS } from '../api.js';
import { MESSAGES_PAGE_SIZE } from '../linkedin/voyager.js';
import { toPushMessage } from './push-batches.js';

/** Older-message pages (of 20) a sync reads at most: 600 messages, about 25 s of spaced calls. */
export const HISTORY_PAGES_PER_SYNC = 30;

/** Epoch ms from the API's RFC 3339 time (or epoch ms), null when absent. */
function timeOf(value) {
  if (value === null || value === undefined) return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new ApiError(ERR.BAD_RESPONSE, `PingCRM's history list has a bad time: ${value}`);
  return ms;
}

/**
 * Walk older messages within the budget.
 * @param {{session: object, selfId: string, api: {request: Function},
 *          pusher: {add: (part: object) => Promise<void>, flush: () => Promise<void>},
 *          checkpoint: (progress?: object) => Promise<void>, budget?: number}} deps
 *   `pusher` sends parts within the backend's limits.
 * @returns {Promise<{pages: number, messages: number, pending: number}|null>}
 *   null when this PingCRM keeps no history marks (an older version)
 */
export async function walkHistory({ session, selfId, api, pusher, checkpoint, budget = HISTORY_PAGES_PER_SYNC }) {
  const list = async (limit) => (await api.request(`${PATHS.LINKEDIN_HISTORY}?limit=${limit}`, { auth: true })).data;
  let listed;
  try {
    listed = await list(budget);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
  const conversations = Array.isArray(listed?.conversations) ? listed.conversations : [];
  let pages = 0;
  let messages = 0;

  for (const entry of conversations) {
    if (pages >= budget) break;
    const after = timeOf(entry.after);
    let before = timeOf(entry.before);
    for (;;) {
      await checkpoint({ done: pages, total: budget, phase: 'history' });
      const page = await session.messages({ selfId, conversationUrn: entry.urn, before });
      pages += 1;
      const older = page.filter((m) => m.sentAt < before);
      if (page.length > 0 && older.length === 0) {
        // Paging would fetch the same page forever.
        throw new ApiError(ERR.LINKEDIN_FORMAT_CHANGED, 'LinkedIn ignored deliveredAt: older messages cannot be paged', {
          query: 'messages',
        });
      }
      const atStart = page.length < MESSAGES_PAGE_SIZE;
      const reachedKnown = after !== null && older.some((m) => m.sentAt <= after);
      const oldest = older.length > 0 ? Math.min(...older.map((m) => m.sentAt)) : before;
      // Pushed page by page, newer first: should a push fail, what PingCRM
      // has still reaches back without a hole.
      await pusher.add({
        urn: entry.urn,
        partner: entry.partner,
        messages: older.map((m) => toPushMessage(m)),
        ...(atStart ? { first_message_at: oldest } : {}),
      });
      await pusher.flush();
      messages += older.length;
      if (atStart || reachedKnown || pages >= budget) break;
      before = oldest;
    }
  }
  // What is left, as PingCRM counts it now that the pushes are in.
  const left = pages > 0 ? await list(0) : listed;
  return { pages, messages, pending: Number.isInteger(left?.total) ? left.total : conversations.length };
}
