// Everything a sync test needs: a fake chrome (signed in to LinkedIn, paired),
// the fake edge, a fake Voyager over a generated account, one fetch routing
// between them like the browser would, a controllable clock, and a factory
// for sync engines (each one is a "worker instance" over the same storage).
import { createSync } from '../../../extension/background/sync/sync.js';
import { KEYS } from '../../../extension/lib/storage.js';
import { createFakeChrome } from './fake-chrome.mjs';
import { API_URL, createClock, createFakeBackend } from './fake-backend.mjs';
import { CDN, LINKEDIN, createFakeVoyager, generateAccount, seededRandom, signIn } from './fake-voyager.mjs';

export const PUSH_PATH = '/api/v1/linkedin/push';
export const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * @param {{account?: object, paired?: boolean, signedIn?: boolean}} options
 *   `account`: options for generateAccount
 */
export async function createWorld({ account: accountOptions = {}, paired = true, signedIn = true } = {}) {
  const now = createClock();
  const chrome = createFakeChrome();
  const backend = createFakeBackend({ now });
  const account = generateAccount({ now: now(), ...accountOptions });
  const voyager = createFakeVoyager({ chrome, account });
  if (signedIn) signIn(chrome);
  chrome.scripting.pageFetch = voyager.pageFetch;
  const toLinkedIn = (url) => url.startsWith(LINKEDIN) || url.startsWith(CDN);
  const fetch = (input, init) => (toLinkedIn(String(input)) ? voyager.fetch(input, init) : backend.fetch(input, init));
  if (paired) {
    backend.state.tokens.set('tok-1', { valid: true, renewable: true });
    await chrome.storage.local.set({
      [KEYS.PAIRING]: { token: 'tok-1', expiresAt: null, apiUrl: API_URL, email: 'ada@example.com', pairedAt: null, lastSyncAt: null },
    });
  }
  const sleeps = [];
  const errors = [];
  const newSync = (extra = {}) =>
    createSync({
      chrome,
      fetch,
      now,
      random: seededRandom(7),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      log: { error: (...args) => errors.push(args) },
      ...extra,
    });
  const local = async (key) => (await chrome.storage.local.get(key))[key] ?? null;

  /** Sync Now on `sync` (a fresh engine by default) and wait until it has finished. */
  async function syncNow(sync = newSync()) {
    const answer = await sync.syncNow();
    await sync.settled();
    return answer;
  }

  /** Accepted pushes' messages, flattened, with their conversation urn and partner id. */
  function pushedMessages(pushes = backend.state.pushes) {
    return pushes.flatMap((body) =>
      body.conversations.flatMap((c) => c.messages.map((m) => ({ ...m, conversation: c.urn, memberId: c.partner.member_id }))),
    );
  }

  /** Every push attempt (accepted or not) as the backend received it. */
  const pushCalls = () => backend.callsTo(PUSH_PATH);

  return { now, chrome, backend, account, voyager, fetch, newSync, local, syncNow, pushedMessages, pushCalls, sleeps, errors };
}
