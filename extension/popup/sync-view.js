// What the popup shows about message sync, derived from KEYS.SYNC_STATUS.
// Pure: the controller puts the result into the page.

import { SYNC_STATE, isStalledRun } from '../lib/sync-state.js';

export const LINKEDIN_URL = 'https://www.linkedin.com/';

const number = (n) => n.toLocaleString('en-US');
const plural = (n, word) => `${number(n)} ${word}${n === 1 ? '' : 's'}`;
const when = (at) => new Date(at).toLocaleString();

function counts(lastRun) {
  if (!lastRun) return 'Nothing yet';
  const parts = [`${plural(lastRun.conversations, 'conversation')}, ${plural(lastRun.messages, 'message')}`];
  if (lastRun.olderMessages > 0) parts.push(`${plural(lastRun.olderMessages, 'older message')}`);
  if (lastRun.contactsCreated > 0) parts.push(`${plural(lastRun.contactsCreated, 'new contact')}`);
  // The profile backfill (sync/backfill.js): profiles read for contacts missing a title, company or photo.
  if (lastRun.profiles > 0) parts.push(`${plural(lastRun.profiles, 'profile')} read`);
  if (lastRun.skippedGroupChats > 0) parts.push(`${plural(lastRun.skippedGroupChats, 'group chat')} skipped`);
  if (lastRun.rejected > 0) parts.push(`${lastRun.rejected} rejected by PingCRM`);
  return parts.join('; ');
}

/** How much of the mailbox is synced: "500 of about 1,200 conversations synced"; null before a first sync. */
function mailboxLine(mailbox) {
  if (!mailbox) return null;
  if (mailbox.complete) return `All ${plural(mailbox.synced, 'conversation')} synced`;
  if (mailbox.estimate === null) return `${plural(mailbox.synced, 'conversation')} synced; older ones follow`;
  return `${number(mailbox.synced)} of about ${number(mailbox.estimate)} conversations synced`;
}

/** How far the history walk is; null before a first sync. */
function historyLine(history, mailbox) {
  if (!mailbox) return null;
  if (!history) return 'From the next sync on';
  if (history.pending === 0) return 'All synced';
  return `${plural(history.pending, 'conversation')} still to fetch`;
}

/**
 * @param {object|null} status the stored sync status (null: never synced)
 * @param {{now: number, lastSyncAt?: string|null}} context `lastSyncAt`: the
 *   backend's last push time from the pairing, used until this browser syncs
 * @returns {{parts: Array<string|{text: string, href: string}>, problem: boolean,
 *            progress: string|null, counts: string, mailbox: string|null, history: string|null,
 *            lastSync: string, running: boolean}}
 *   `parts`: the status line, strings and links
 */
export function syncView(status, { now, lastSyncAt = null }) {
  const state = status?.state ?? SYNC_STATE.IDLE;
  const stalled = isStalledRun(status, now);
  const running = state === SYNC_STATE.RUNNING && !stalled;
  const lastAt = status?.lastSuccessAt ?? lastSyncAt;
  const view = {
    parts: [],
    problem: false,
    progress: null,
    counts: counts(status?.lastRun ?? null),
    mailbox: mailboxLine(status?.mailbox ?? null),
    history: historyLine(status?.history ?? null, status?.mailbox ?? null),
    lastSync: lastAt ? when(lastAt) : 'Never',
    running,
  };
  switch (state) {
    case SYNC_STATE.RUNNING:
      if (stalled) {
        view.parts = ['The last sync stopped midway; the next one picks up where it left off.'];
      } else {
        const { done = 0, total = 0, phase } = status.progress ?? {};
        view.parts = ['Syncing LinkedIn messages…'];
        if (phase === 'history') view.progress = `Older messages: page ${done + 1} of at most ${total}`;
        else view.progress = total > 0 ? `${done} / ${total} conversations` : 'Looking for new conversations…';
      }
      break;
    case SYNC_STATE.SESSION_EXPIRED:
      view.parts = ['Not signed in to LinkedIn. Visit ', { text: 'linkedin.com', href: LINKEDIN_URL }, ' to sync.'];
      view.problem = true;
      break;
    case SYNC_STATE.BACKOFF:
      view.parts = [`LinkedIn asked PingCRM to slow down; next try after ${when(status.backoffUntil)}.`];
      view.problem = true;
      break;
    case SYNC_STATE.FORMAT_CHANGED:
      view.parts = [
        status.failedQuery
          ? `LinkedIn changed its ${status.failedQuery} query; PingCRM needs an update.`
          : 'LinkedIn changed its format; PingCRM needs an update.',
      ];
      view.problem = true;
      break;
    case SYNC_STATE.NEEDS_TAB:
      view.parts = [
        'Open ',
        { text: 'linkedin.com', href: LINKEDIN_URL },
        ' to sync: LinkedIn answers PingCRM only from its own tab.',
      ];
      view.problem = true;
      break;
    case SYNC_STATE.ERROR:
      view.parts = [`Sync failed: ${status.message ?? 'unknown error'}`];
      view.problem = true;
      break;
    default:
      view.parts = [lastAt ? 'Up to date.' : 'Not synced yet: it starts when you visit linkedin.com, or press Sync now.'];
  }
  return view;
}
