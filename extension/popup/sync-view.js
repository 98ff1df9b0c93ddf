// What the popup shows about message sync, derived from KEYS.SYNC_STATUS.
// Pure: the controller puts the result into the page.

import { SYNC_STATE, isStalledRun } from '../lib/sync-state.js';

export const LINKEDIN_URL = 'https://www.linkedin.com/';

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const when = (at) => new Date(at).toLocaleString();

function counts(lastRun) {
  if (!lastRun) return 'Nothing yet';
  const parts = [`${plural(lastRun.conversations, 'conversation')}, ${plural(lastRun.messages, 'message')}`];
  if (lastRun.contactsCreated > 0) parts.push(`${plural(lastRun.contactsCreated, 'new contact')}`);
  if (lastRun.skippedGroupChats > 0) parts.push(`${plural(lastRun.skippedGroupChats, 'group chat')} skipped`);
  if (lastRun.rejected > 0) parts.push(`${lastRun.rejected} rejected by PingCRM`);
  return parts.join('; ');
}

/**
 * @param {object|null} status the stored sync status (null: never synced)
 * @param {{now: number, lastSyncAt?: string|null}} context `lastSyncAt`: the
 *   backend's last push time from the pairing, used until this browser syncs
 * @returns {{parts: Array<string|{text: string, href: string}>, problem: boolean,
 *            progress: string|null, counts: string, lastSync: string, running: boolean}}
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
    lastSync: lastAt ? when(lastAt) : 'Never',
    running,
  };
  switch (state) {
    case SYNC_STATE.RUNNING:
      if (stalled) {
        view.parts = ['The last sync stopped midway; the next one picks up where it left off.'];
      } else {
        const { done = 0, total = 0 } = status.progress ?? {};
        view.parts = ['Syncing LinkedIn messages…'];
        view.progress = total > 0 ? `${done} / ${total} conversations` : 'Looking for new conversations…';
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
      view.parts = ['LinkedIn changed its format; PingCRM needs an update.'];
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
