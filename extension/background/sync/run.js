// One sync pass (docs/linkedin-sync.md §3): walk the open ranges of
// conversation activity newest first, fetch each 1:1 conversation's new
// messages, push them in batches within the backend's limits, and move the
// cursor after every push the backend acknowledged. Then, on every sync but
// a first one, walk older messages within the history budget
// (sync/history.js). A pass killed midway (worker stopped, push failed)
// leaves a cursor that the next pass resumes from; re-pushing is harmless
// because the backend dedupes by message URN. Last, the profile backfill
// (sync/backfill.js) enriches the contacts PingCRM hands out after the pushes.

import { ERR } from '../../lib/errors.js';
import { KEYS, createStore } from '../../lib/storage.js';
import { ApiError, PATHS } from '../api.js';
import { MESSAGES_PAGE_SIZE } from '../linkedin/voyager.js';
import { MAX_CONVERSATIONS_PER_SYNC, cursorAfter, messageFloor, planRanges } from './cursor.js';
import { backfillProfiles } from './backfill.js';
import { walkHistory } from './history.js';
import { mailboxProgress, openMailboxGap, probeOldestActivity } from './mailbox.js';
import { PUSH_LIMITS, createPushBatch, splitConversation, toPushConversation } from './push-batches.js';
import { rememberThreadPartners } from '../composer/thread-partners.js';

/**
 * Message pages (of about 20) read per conversation while looking for the
 * floor: 100 messages in one conversation since the last sync. When that
 * does not reach the floor, the push says so (`older_missing_after`) and
 * the history walk fetches the rest later; the bound keeps one busy thread
 * from stalling a sync. A conversation never pushed before gets its newest
 * page; its older messages are the history walk's.
 */
export const MAX_MESSAGE_PAGES = 5;

/** The counts a pass reports (syncStatus.lastRun). */
export function emptyCounts() {
  return {
    conversations: 0,
    messages: 0,
    olderMessages: 0,
    contactsCreated: 0,
    contactsUpdated: 0,
    interactionsCreated: 0,
    skippedGroupChats: 0,
    skippedNoPartner: 0,
    rejected: 0,
    profiles: 0,
    profilesGone: 0,
    photos: 0,
  };
}

function tally(counts, answer) {
  const n = (value) => (Number.isFinite(value) ? value : 0);
  counts.contactsCreated += n(answer?.contacts_created);
  counts.contactsUpdated += n(answer?.contacts_updated);
  counts.interactionsCreated += n(answer?.interactions_created);
  counts.rejected += Array.isArray(answer?.rejected) ? answer.rejected.length : 0;
}

/** Conversations batched into pushes: `send(body)` posts one (and does what must follow it). */
function createPusher({ limits, send }) {
  const batch = createPushBatch(limits);
  return {
    get size() {
      return batch.size;
    },
    /** Add a contract conversation; a batch it does not fit into is sent first. */
    async add(conversation) {
      for (const part of splitConversation(conversation, limits)) {
        if (!batch.tryAdd(part)) {
          await send(batch.take());
          batch.tryAdd(part);
        }
      }
    },
    /** Send what is batched (with `evenEmpty`, an empty push too). */
    async flush({ evenEmpty = false } = {}) {
      if (batch.size > 0 || evenEmpty) await send(batch.take());
    },
  };
}

/**
 * LinkedIn stopped us (slow down, session gone…): push what is already
 * fetched so the next sync need not fetch it again, then rethrow. Should
 * that push fail too, LinkedIn's error is still the one the user must act on.
 */
async function flushThenThrow(pusher, err) {
  if (pusher.size > 0 && err instanceof ApiError && err.code.startsWith('linkedin_')) {
    await pusher.flush().catch(() => {});
  }
  throw err;
}

/** Walk one range newest first, up to `budget` conversations. */
async function walkRange({ session, selfId, range, budget, checkpoint, found }) {
  const items = [];
  let before = range.before;
  let complete = false;
  // Conversations an earlier cut at exactly this time already pushed.
  const pushedAtCut = new Set(range.pushed);
  const alreadyPushed = (c) => range.before !== null && c.lastActivityAt === range.before - 1 && pushedAtCut.has(c.urn);
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
      throw new ApiError(ERR.LINKEDIN_FORMAT_CHANGED, 'LinkedIn ignored lastUpdatedBefore: conversations cannot be paged', {
        query: 'conversations',
      });
    }
    for (const conversation of older) {
      if (range.after !== null && conversation.lastActivityAt <= range.after) {
        complete = true;
        break;
      }
      if (items.length === budget) break;
      if (!alreadyPushed(conversation)) items.push(conversation);
    }
    before = older[older.length - 1].lastActivityAt;
  }
  return { ...range, items, complete };
}

/**
 * The messages of `conversation` newer than `floor` (all of the newest page
 * when floor is null), oldest first, and what the walk learned about older
 * ones: `firstMessageAt` when it saw the conversation's start (a page
 * shorter than asked), `missingAfter` when it stopped before the floor.
 * The embedded messages serve when they reach back to the floor; otherwise
 * the messages query is paged back.
 */
async function newMessages({ session, selfId, conversation, floor, checkpoint, progress }) {
  const embedded = conversation.embeddedMessages;
  let found = embedded;
  const history = {};
  if (floor === null || !embedded.some((m) => m.sentAt <= floor)) {
    found = [];
    let before = null;
    const pages = floor === null ? 1 : MAX_MESSAGE_PAGES;
    for (let page = 0; page < pages; page += 1) {
      await checkpoint(progress);
      const messages = await session.messages({ selfId, conversationUrn: conversation.urn, before });
      found.push(...messages);
      if (messages.length < MESSAGES_PAGE_SIZE) {
        if (found.length > 0) history.firstMessageAt = Math.min(...found.map((m) => m.sentAt));
        break;
      }
      before = Math.min(...messages.map((m) => m.sentAt));
      if (floor !== null && before <= floor) break;
      if (floor !== null && page === pages - 1) history.missingAfter = floor;
    }
  }
  const seen = new Set();
  const messages = found
    .filter((m) => (floor === null || m.sentAt > floor) && !seen.has(m.urn) && seen.add(m.urn))
    .sort((a, b) => a.sentAt - b.sentAt);
  return { messages, history };
}

/**
 * Run one sync pass.
 * @param {{session: object, api: {request: Function}, chrome: object,
 *          checkpoint: (progress?: {done: number, total: number, phase?: string}) => Promise<void>,
 *          limits?: typeof PUSH_LIMITS}} deps
 *   `session` from voyager.openSession(); `checkpoint` is awaited before
 *   every network call and cursor write (it renews the lock and reports
 *   progress, and throws to stop the pass).
 * @returns {Promise<{counts: ReturnType<typeof emptyCounts>,
 *   mailbox: ReturnType<typeof mailboxProgress>, history: {pages, messages, pending}|null}>}
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

  const total = found;
  // For P in LinkedIn's composer: which partner each thread URL belongs to.
  await rememberThreadPartners(chrome, walked.flatMap((range) => range.items));
  const floor = messageFloor(cursor);
  const counts = emptyCounts();
  let saved = stored;

  async function saveCursor(next) {
    if (next === null || JSON.stringify(next) === JSON.stringify(saved)) return;
    await checkpoint();
    await store.set(KEYS.SYNC_CURSOR, next);
    saved = next;
  }

  let pushes = 0;
  async function postPush(body) {
    const { data } = await api.request(PATHS.LINKEDIN_PUSH, { method: 'POST', body, auth: true });
    pushes += 1;
    tally(counts, data);
  }

  let handled = 0;
  // After each acknowledged push, the first `handled` conversations are done.
  const pusher = createPusher({
    limits,
    send: async (body) => {
      const done = handled;
      await checkpoint({ done, total });
      await postPush(body);
      await saveCursor(cursorAfter(cursor, walked, done, selfId));
    },
  });
  try {
    for (const range of walked) {
      for (const conversation of range.items) {
        const progress = { done: handled, total };
        await checkpoint(progress);
        if (conversation.isGroup) {
          counts.skippedGroupChats += 1;
        } else if (!conversation.partner) {
          counts.skippedNoPartner += 1;
        } else {
          const rangeFloor = range.initial ? null : floor;
          const { messages, history } = await newMessages({
            session,
            selfId,
            conversation,
            floor: rangeFloor,
            checkpoint,
            progress,
          });
          if (messages.length > 0) {
            counts.conversations += 1;
            counts.messages += messages.length;
            await pusher.add(toPushConversation(conversation, messages, limits, history));
          }
        }
        handled += 1;
      }
    }
  } catch (err) {
    await flushThenThrow(pusher, err);
  }
  // A sync with nothing new still pushes once (empty): every answered push
  // sets PingCRM's last sync time, which shows the browser is syncing.
  await pusher.flush({ evenEmpty: pushes === 0 });
  await saveCursor(cursorAfter(cursor, walked, total, selfId));
  await checkpoint({ done: total, total });

  // How big the mailbox is, once, when a first sync leaves part of it for later.
  const gap = openMailboxGap(saved);
  if (gap !== null && saved.mailbox.oldestAt === null) {
    const oldest = await probeOldestActivity({ session, selfId, below: gap.before, checkpoint });
    await saveCursor({ ...saved, mailbox: { ...saved.mailbox, oldestAt: oldest ?? gap.before - 1 } });
  }

  let history = null;
  if (cursor !== null) {
    const historyPusher = createPusher({
      limits,
      send: async (body) => {
        await checkpoint();
        await postPush(body);
      },
    });
    try {
      history = await walkHistory({ session, selfId, api, pusher: historyPusher, checkpoint });
    } catch (err) {
      await flushThenThrow(historyPusher, err);
    }
    counts.olderMessages = history?.messages ?? 0;
  }

  const enriched = await backfillProfiles({ session, api, checkpoint });
  counts.profiles = enriched.profiles;
  counts.profilesGone = enriched.gone;
  counts.photos = enriched.photos;
  return { counts, mailbox: mailboxProgress(saved), history };
}
