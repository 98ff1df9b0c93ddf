// One sync pass (docs/linkedin-sync.md §3): walk the open ranges of
// conversation activity newest first, fetch each 1:1 conversation's new
// messages, push them in batches within the backend's limits, and move the
// cursor after every push the backend acknowledged. A pass killed midway
// (worker stopped, push failed) leaves a cursor that the next pass resumes
// from; re-pushing is harmless because the backend dedupes by message URN.

import { ERR } from '../../lib/errors.js';
import { KEYS, createStore } from '../../lib/storage.js';
import { ApiError, PATHS } from '../api.js';
import { PUSH_LIMITS, createPushBatch, splitConversation, toPushConversation } from './push-batches.js';
import { MAX_CONVERSATIONS_PER_SYNC, cursorAfter, messageFloor, planRanges } from './cursor.js';

/**
 * Message pages (of about 20) read per conversation while looking for the
 * floor: 100 messages in one conversation since the last sync. Older ones
 * beyond that are not pushed; the bound keeps one busy thread from stalling
 * a sync. A first sync reads one page: the recent conversation, not its
 * whole history (DESIGN.md: the CSV import covers history).
 */
export const MAX_MESSAGE_PAGES = 5;

/** The counts a pass reports (syncStatus.lastRun). */
export function emptyCounts() {
  return {
    conversations: 0,
    messages: 0,
    contactsCreated: 0,
    contactsUpdated: 0,
    interactionsCreated: 0,
    skippedGroupChats: 0,
    skippedNoPartner: 0,
    rejected: 0,
  };
}

function tally(counts, answer) {
  const n = (value) => (Number.isFinite(value) ? value : 0);
  counts.contactsCreated += n(answer?.contacts_created);
  counts.contactsUpdated += n(answer?.contacts_updated);
  counts.interactionsCreated += n(answer?.interactions_created);
  counts.rejected += Array.isArray(answer?.rejected) ? answer.rejected.length : 0;
}

/** Walk one range newest first, up to `budget` conversations. */
async function walkRange({ session, selfId, range, budget, checkpoint, found }) {
  const items = [];
  let before = range.before;
  let complete = false;
  while (items.length < budget && !complete) {
    await checkpoint({ done: 0, total: found + items.length });
    const page = await session.conversations({ selfId, before });
    if (page.length === 0) {
      complete = true;
      break;
    }
    const older = page
      .filter((c) => before === null || c.lastActivityAt < before)
      .sort((a, b) => b.lastActivityAt - a.lastActivityAt);
    if (older.length === 0) {
      // Paging would fetch the same page forever.
      throw new ApiError(ERR.LINKEDIN_FORMAT_CHANGED, 'LinkedIn ignored lastUpdatedBefore: conversations cannot be paged');
    }
    for (const conversation of older) {
      if (range.after !== null && conversation.lastActivityAt <= range.after) {
        complete = true;
        break;
      }
      if (items.length === budget) break;
      items.push(conversation);
    }
    before = older[older.length - 1].lastActivityAt;
  }
  if (range.first && !complete && items.length > 0) {
    // A first sync takes the newest conversations up to the cap and leaves
    // the older ones (DESIGN.md): its range ends where the walk stopped.
    return { ...range, after: items[items.length - 1].lastActivityAt - 1, items, complete: true };
  }
  return { ...range, items, complete };
}

/**
 * The messages of `conversation` newer than `floor` (all of the newest page
 * when floor is null), oldest first. The embedded messages serve when they
 * reach back to the floor; otherwise the messages query is paged back.
 */
async function newMessages({ session, selfId, conversation, floor, checkpoint, progress }) {
  const embedded = conversation.embeddedMessages;
  let found = embedded;
  if (floor === null || !embedded.some((m) => m.sentAt <= floor)) {
    found = [];
    let before = null;
    const pages = floor === null ? 1 : MAX_MESSAGE_PAGES;
    for (let page = 0; page < pages; page += 1) {
      await checkpoint(progress);
      const messages = await session.messages({ selfId, conversationUrn: conversation.urn, before });
      if (messages.length === 0) break;
      found.push(...messages);
      before = Math.min(...messages.map((m) => m.sentAt));
      if (floor !== null && before <= floor) break;
    }
  }
  const seen = new Set();
  return found
    .filter((m) => (floor === null || m.sentAt > floor) && !seen.has(m.urn) && seen.add(m.urn))
    .sort((a, b) => a.sentAt - b.sentAt);
}

/**
 * Run one sync pass.
 * @param {{session: object, api: {request: Function}, chrome: object,
 *          checkpoint: (progress?: {done: number, total: number}) => Promise<void>,
 *          limits?: typeof PUSH_LIMITS}} deps
 *   `session` from voyager.openSession(); `checkpoint` is awaited before
 *   every network call and cursor write (it renews the lock and reports
 *   progress, and throws to stop the pass).
 * @returns {Promise<ReturnType<typeof emptyCounts>>}
 */
export async function runSync({ session, api, chrome, checkpoint, limits = PUSH_LIMITS }) {
  const store = createStore(chrome);
  await checkpoint();
  const selfId = await session.me();
  const stored = await store.get(KEYS.SYNC_CURSOR);
  // A cursor of another LinkedIn account says nothing about this one.
  const cursor = stored?.memberId === selfId ? stored : null;

  const walked = [];
  let found = 0;
  for (const range of planRanges(cursor)) {
    const budget = MAX_CONVERSATIONS_PER_SYNC - found;
    const result =
      budget > 0
        ? await walkRange({ session, selfId, range, budget, checkpoint, found })
        : { ...range, items: [], complete: false };
    found += result.items.length;
    walked.push(result);
  }

  const conversations = walked.flatMap((range) => range.items);
  const total = conversations.length;
  const floor = messageFloor(cursor);
  const counts = emptyCounts();
  const batch = createPushBatch(limits);

  async function saveCursor(done) {
    const next = cursorAfter(cursor, walked, done, selfId);
    if (next === null || JSON.stringify(next) === JSON.stringify(stored)) return;
    await checkpoint();
    await store.set(KEYS.SYNC_CURSOR, next);
  }

  let pushes = 0;
  /** Push the batch; `done` conversations are then fully acknowledged. */
  async function push(done) {
    await checkpoint({ done, total });
    const { data } = await api.request(PATHS.LINKEDIN_PUSH, { method: 'POST', body: batch.take(), auth: true });
    pushes += 1;
    tally(counts, data);
    await saveCursor(done);
  }

  let handled = 0;
  try {
    for (const conversation of conversations) {
      const progress = { done: handled, total };
      await checkpoint(progress);
      if (conversation.isGroup) {
        counts.skippedGroupChats += 1;
      } else if (!conversation.partner) {
        counts.skippedNoPartner += 1;
      } else {
        const messages = await newMessages({ session, selfId, conversation, floor, checkpoint, progress });
        if (messages.length > 0) {
          counts.conversations += 1;
          counts.messages += messages.length;
          for (const part of splitConversation(toPushConversation(conversation, messages, limits), limits)) {
            if (!batch.tryAdd(part)) {
              await push(handled);
              batch.tryAdd(part);
            }
          }
        }
      }
      handled += 1;
    }
  } catch (err) {
    // LinkedIn stopped us (slow down, session gone…): push what is already
    // fetched so the next sync need not fetch it again. Should that push
    // fail too, LinkedIn's error is still the one the user must act on.
    if (batch.size > 0 && err instanceof ApiError && err.code.startsWith('linkedin_')) {
      await push(handled).catch(() => {});
    }
    throw err;
  }
  // A sync with nothing new still pushes once (empty): every answered push
  // sets PingCRM's last sync time, which shows the browser is syncing.
  if (batch.size > 0 || pushes === 0) await push(total);
  else await saveCursor(total);
  await checkpoint({ done: total, total });
  return counts;
}
