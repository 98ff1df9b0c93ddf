// How much of the mailbox the walk has covered, for "n of about N
// conversations synced" (docs/linkedin-sync.md §3).
//
// Voyager tells no total. While the mailbox walk is open, N is estimated
// once the oldest conversation's time is known: found by halving the time
// between LinkedIn's launch and the walk's lowest point, one conversations
// page per probe (at most MAX_PROBES, once per mailbox), then the walked
// part's density is stretched over the unwalked time. It is an estimate
// ("about"): older years usually hold fewer conversations than recent ones.
// Once the walk reaches the end, N is the count itself.

/** LinkedIn's launch (2003-05-05): no conversation is older. */
export const LINKEDIN_LAUNCH_MS = Date.UTC(2003, 4, 5);
/** Conversations pages spent at most on finding the oldest conversation (plus one for its tail). */
export const MAX_PROBES = 12;
/** The oldest time is looked for to within this. */
const PRECISION_MS = 24 * 60 * 60_000;
/** Conversations in a full page (docs/linkedin-sync.md §1). */
const CONVERSATIONS_PAGE = 20;

/**
 * The oldest conversation activity below `below` (exclusive), to within a
 * day; an upper bound of it when the probes run out; null when there is
 * none below `below`.
 * @param {{session: object, selfId: string, below: number, checkpoint: () => Promise<void>, maxProbes?: number}} deps
 */
export async function probeOldestActivity({ session, selfId, below, checkpoint, maxProbes = MAX_PROBES }) {
  let low = LINKEDIN_LAUNCH_MS; // nothing older than this
  let high = below; // the oldest is before this…
  let seen = null; // …and a conversation this old exists
  for (let probe = 0; probe < maxProbes && high - low > PRECISION_MS; probe += 1) {
    const middle = Math.floor((low + high) / 2);
    await checkpoint();
    const page = await session.conversations({ selfId, before: middle });
    if (page.length === 0) {
      low = middle;
      continue;
    }
    const oldest = Math.min(...page.map((c) => c.lastActivityAt));
    if (page.length < CONVERSATIONS_PAGE) return oldest; // the mailbox's last page
    high = oldest;
    seen = oldest;
  }
  // Narrowed down: what lies below the oldest seen is the mailbox's tail
  // (or, when the probes ran out first, the next step towards it).
  await checkpoint();
  const page = await session.conversations({ selfId, before: seen ?? below });
  return page.length === 0 ? seen : Math.min(...page.map((c) => c.lastActivityAt));
}

/** Round an estimate to two significant digits, keeping it above what is known. */
function roughly(estimate, known) {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(estimate)) - 1);
  const rounded = Math.round(estimate / unit) * unit;
  return rounded > known ? rounded : Math.ceil((known + 1) / 10) * 10;
}

/** The open gap of the mailbox walk, if any. */
export function openMailboxGap(cursor) {
  return cursor?.gaps?.find((gap) => gap.initial && gap.after === null) ?? null;
}

/**
 * What the popup shows about the mailbox walk, from a cursor.
 * @returns {{synced: number, estimate: number|null, complete: boolean}|null}
 *   null before a first sync
 */
export function mailboxProgress(cursor) {
  const mailbox = cursor?.mailbox;
  if (!mailbox) return null;
  const { synced, newestAt, oldestAt } = mailbox;
  const gap = openMailboxGap(cursor);
  if (gap === null) return { synced, estimate: synced, complete: true };
  const walkedSpan = newestAt === null ? 0 : newestAt - gap.before;
  if (oldestAt === null || walkedSpan <= 0 || synced === 0) return { synced, estimate: null, complete: false };
  const unwalkedSpan = Math.max(0, gap.before - oldestAt);
  return { synced, estimate: roughly(synced + (synced * unwalkedSpan) / walkedSpan, synced), complete: false };
}
