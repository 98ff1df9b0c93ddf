// The LinkedIn (Voyager) client, the only code that talks to LinkedIn.
//
// Requests are made from the service worker with `credentials: 'include'`:
// the browser attaches the user's `li_at` and `JSESSIONID` cookies itself.
// The extension reads those cookies only to check they exist and to derive
// the csrf-token header; it never stores them and never sends them anywhere
// else (the backend client api.js uses `credentials: 'omit'`).
//
// Every answer is mapped to a typed ApiError (docs/linkedin-sync.md §1):
// session expired, slow down (back off), format changed, unreachable.

import { ERR } from '../../lib/errors.js';
import { ApiError, parseRetryAfter } from '../api.js';
import { parseConversationsPage, parseMe, parseMessagesPage } from './voyager-parse.js';

export const VOYAGER_ORIGIN = 'https://www.linkedin.com';
const COOKIE_URL = `${VOYAGER_ORIGIN}/`;
const ME_PATH = '/voyager/api/me';
const GRAPHQL_PATH = '/voyager/api/voyagerMessagingGraphQL/graphql';

/** The GraphQL query ids LinkedIn's own web app uses (they change when LinkedIn redeploys them). */
export const QUERY_IDS = Object.freeze({
  CONVERSATIONS: 'messengerConversations.0d5e6781bbee71c3e51c8843c6519f48',
  MESSAGES: 'messengerMessages.5846eeb71c981f11e0134cb6626cc314',
});

export const VOYAGER_HEADERS = Object.freeze({
  'x-restli-protocol-version': '2.0.0',
  accept: 'application/vnd.linkedin.normalized+json+2.1',
});

/** Messages asked for per older-messages page. */
export const MESSAGES_PAGE_SIZE = 20;

/**
 * Pause between two Voyager calls, drawn anew each time: a steady, machine
 * regular request rate is what gets an account challenged.
 */
export const CALL_DELAY_MS = Object.freeze({ min: 400, max: 1200 });

export const VOYAGER_TIMEOUT_MS = 30_000;

/**
 * One Rest.li value: numbers as digits, strings percent-encoded. On top of
 * encodeURIComponent, `(`, `)` and `'` are encoded too: they are Rest.li
 * syntax, and conversation URNs contain parentheses
 * (`urn:li:msg_conversation:(urn:li:fsd_profile:ACo…,2-…)`).
 */
export function restliValue(value) {
  if (typeof value === 'number') return String(value);
  return encodeURIComponent(String(value)).replace(/[()']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `(key:value,key:value)` with literal punctuation; null/undefined values are left out. */
export function restliVariables(record) {
  const items = Object.entries(record)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}:${restliValue(value)}`);
  return `(${items.join(',')})`;
}

function graphqlPath(queryId, variables) {
  // Not URLSearchParams: it would encode the Rest.li parentheses, commas and
  // colons, which LinkedIn then cannot read.
  return `${GRAPHQL_PATH}?queryId=${queryId}&variables=${restliVariables(variables)}`;
}

function sessionExpired(message) {
  return new ApiError(ERR.LINKEDIN_SESSION_EXPIRED, message);
}

function slowDown(message, { status = 0, retryAfterMs = null } = {}) {
  return new ApiError(ERR.LINKEDIN_SLOW_DOWN, message, { status, retryAfterMs });
}

function landedOn(res) {
  if (!res.redirected || !res.url) return '';
  try {
    return new URL(res.url).pathname;
  } catch {
    return '';
  }
}

/** Throw the typed error an answer stands for; return when it is usable JSON text. */
function checkAnswer(res, text, what, now) {
  const path = landedOn(res);
  if (path.startsWith('/checkpoint/')) throw slowDown('LinkedIn asked for a security check', { status: res.status });
  if (/^\/(?:login|uas\/login|authwall|signup)\b/.test(path)) throw sessionExpired('LinkedIn sent the login page');
  const { status } = res;
  if (status === 401 || status === 403) throw sessionExpired(`LinkedIn answered HTTP ${status}`);
  if (status === 429 || status === 999) {
    throw slowDown(`LinkedIn answered HTTP ${status}`, {
      status,
      retryAfterMs: parseRetryAfter(res.headers.get('Retry-After'), now()),
    });
  }
  if (status >= 500) throw new ApiError(ERR.LINKEDIN_UNREACHABLE, `LinkedIn answered HTTP ${status}`, { status });
  if (status < 200 || status >= 300) {
    throw new ApiError(ERR.LINKEDIN_FORMAT_CHANGED, `LinkedIn answered HTTP ${status} to ${what}`, { status });
  }
  // A web page where data was expected is a challenge or interstitial.
  if (/text\/html/i.test(res.headers.get('Content-Type') ?? '') || /^\s*</.test(text)) {
    throw slowDown(`LinkedIn answered a web page to ${what}`, { status });
  }
}

/**
 * @param {{chrome: object, fetch: Function, now?: () => number, random?: () => number,
 *          sleep?: (ms: number) => Promise<void>, delayMs?: {min: number, max: number}, timeoutMs?: number}} deps
 */
export function createVoyager({
  chrome,
  fetch,
  now = Date.now,
  random = Math.random,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  delayMs = CALL_DELAY_MS,
  timeoutMs = VOYAGER_TIMEOUT_MS,
}) {
  async function cookie(name) {
    const found = await chrome.cookies.get({ url: COOKIE_URL, name });
    return typeof found?.value === 'string' && found.value !== '' ? found.value : null;
  }

  /**
   * Start a sync's conversation with LinkedIn: read the session cookies now
   * (they change when the user signs out or in) and return the calls.
   * Throws session_expired without calling LinkedIn when either is missing.
   */
  async function openSession() {
    const [liAt, jsessionId] = await Promise.all([cookie('li_at'), cookie('JSESSIONID')]);
    if (!liAt || !jsessionId) throw sessionExpired('No LinkedIn session cookies: not signed in to linkedin.com');
    const csrfToken = jsessionId.replace(/^"(.*)"$/, '$1');
    let calls = 0;

    async function get(path, what) {
      if (calls++ > 0) await sleep(delayMs.min + random() * (delayMs.max - delayMs.min));
      let res;
      let text;
      try {
        res = await fetch(VOYAGER_ORIGIN + path, {
          method: 'GET',
          headers: { 'csrf-token': csrfToken, ...VOYAGER_HEADERS },
          credentials: 'include',
          cache: 'no-store',
          // 'follow' rather than 'manual': a manual redirect is an opaque
          // answer whose target cannot be read, and the target is what tells
          // a security challenge (/checkpoint/ → back off) from the login
          // page (→ session expired). Healthy API calls never redirect.
          redirect: 'follow',
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await res.text();
      } catch (err) {
        throw new ApiError(
          ERR.LINKEDIN_UNREACHABLE,
          `Cannot reach LinkedIn (${err?.name === 'TimeoutError' ? 'timed out' : (err?.message ?? err)})`,
        );
      }
      checkAnswer(res, text, what, now);
      try {
        return JSON.parse(text);
      } catch {
        throw new ApiError(ERR.LINKEDIN_FORMAT_CHANGED, `LinkedIn answered ${what} with unreadable JSON`, {
          status: res.status,
        });
      }
    }

    return {
      /** The signed-in member's id (`ACo…`). */
      async me() {
        return parseMe(await get(ME_PATH, '/me'));
      },
      /** A page of conversations, newest activity first; `before`: only activity strictly older. */
      async conversations({ selfId, before = null }) {
        const variables = { mailboxUrn: `urn:li:fsd_profile:${selfId}`, lastUpdatedBefore: before };
        return parseConversationsPage(await get(graphqlPath(QUERY_IDS.CONVERSATIONS, variables), 'conversations'), selfId);
      },
      /** The newest messages of a conversation; `before`: the page of messages strictly older. */
      async messages({ selfId, conversationUrn, before = null }) {
        const variables =
          before === null
            ? { conversationUrn }
            : { conversationUrn, deliveredAt: before, countBefore: MESSAGES_PAGE_SIZE, countAfter: 0 };
        return parseMessagesPage(await get(graphqlPath(QUERY_IDS.MESSAGES, variables), 'messages'), selfId);
      },
    };
  }

  return { openSession };
}
