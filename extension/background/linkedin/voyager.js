// The LinkedIn (Voyager) client, the only code that talks to LinkedIn.
//
// Requests carry `credentials: 'include'`: the browser attaches the user's
// `li_at` and `JSESSIONID` cookies itself. The extension reads those cookies
// only to check they exist and to derive the csrf-token header; it never
// stores them and never sends them anywhere else (the backend client api.js
// uses `credentials: 'omit'`).
//
// Two routes (docs/linkedin-sync.md §1): the worker's own fetch first; when
// LinkedIn refuses it although the session looks valid (answers.refusalOf),
// the same call, and every later call of the session, is made from inside
// an open LinkedIn tab (in-tab.js). GraphQL query ids come from
// query-ids.js: on a 400 they are looked up in LinkedIn's web app and the
// query is tried once more.
//
// Every answer is mapped to a typed ApiError (answers.js): session expired,
// slow down (back off), format changed, unreachable, needs a tab.

import { ERR } from '../../lib/errors.js';
import { KEYS, createStore } from '../../lib/storage.js';
import { ApiError } from '../api.js';
import { checkAnswer, jsonOf, refusalOf } from './answers.js';
import { fetchAnswer } from './fetch-answer.js';
import { createTabRoute } from './in-tab.js';
import { DISCOVERY, createQueryIdStore, discoverQueryIds, readCapped } from './query-ids.js';
import { parseProfile } from './profile-parse.js';
import { parseConversationsPage, parseMe, parseMessagesPage } from './voyager-parse.js';

export const VOYAGER_ORIGIN = 'https://www.linkedin.com';
const COOKIE_URL = `${VOYAGER_ORIGIN}/`;
const ME_PATH = '/voyager/api/me';
const GRAPHQL_PATH = '/voyager/api/voyagerMessagingGraphQL/graphql';
// The profile finder LinkedIn's profile page uses; memberIdentity takes a slug or an `ACo…` member id.
const PROFILE_PATH = '/voyager/api/identity/dash/profiles';
export const PROFILE_DECORATION = 'com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-93';
// LinkedIn's answer for a profile it no longer has (removed, closed account).
const PROFILE_GONE_STATUSES = new Set([404, 410]);

/** What a profile photo fetched in the browser may be: media_service's own limits (media_service/README.md). */
export const PHOTO_LIMITS = Object.freeze({
  maxBytes: 5_000_000,
  types: Object.freeze(['image/jpeg', 'image/png', 'image/webp']),
});

/** The headers LinkedIn's own web app sends with Voyager calls (plus `csrf-token`). */
export const VOYAGER_HEADERS = Object.freeze({
  accept: 'application/vnd.linkedin.normalized+json+2.1',
  'x-restli-protocol-version': '2.0.0',
  'x-li-lang': 'en_US',
});
const PAGE_HEADERS = Object.freeze({ accept: 'text/html' });

/** Messages asked for per older-messages page; a shorter page is the start of the conversation. */
export const MESSAGES_PAGE_SIZE = 20;

/**
 * Pause between two LinkedIn calls, drawn anew each time: a steady, machine
 * regular request rate is what gets an account challenged.
 */
export const CALL_DELAY_MS = Object.freeze({ min: 400, max: 1200 });

export const VOYAGER_TIMEOUT_MS = 30_000;
/** Characters of an answer kept at most (a page of 20 conversations is ~0.2 MB). */
const MAX_ANSWER_CHARS = 20_000_000;

/** Route names, as `session.route` reports them. */
export const ROUTE = Object.freeze({ WORKER: 'worker', TAB: 'tab' });

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

function unreachable(reason) {
  return new ApiError(ERR.LINKEDIN_UNREACHABLE, `Cannot reach LinkedIn (${reason})`);
}

/** A 400 to a GraphQL query: the query id is no longer served. */
function queryRejected(err) {
  return err instanceof ApiError && err.code === ERR.LINKEDIN_FORMAT_CHANGED && err.status === 400;
}

// Errors a discovery passes on: they are about the session, not the ids.
const DISCOVERY_STOPS = new Set([ERR.LINKEDIN_SLOW_DOWN, ERR.LINKEDIN_SESSION_EXPIRED, ERR.LINKEDIN_NEEDS_TAB]);

/**
 * @param {{chrome: object, fetch: Function, now?: () => number, random?: () => number,
 *          sleep?: (ms: number) => Promise<void>, delayMs?: {min: number, max: number},
 *          timeoutMs?: number, pacingOverride?: boolean}} deps
 *   `pacingOverride`: honour KEYS.VOYAGER_PACING (an unpacked extension only, see worker.js).
 */
export function createVoyager({
  chrome,
  fetch,
  now = Date.now,
  random = Math.random,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  delayMs = CALL_DELAY_MS,
  timeoutMs = VOYAGER_TIMEOUT_MS,
  pacingOverride = false,
}) {
  const store = createStore(chrome);
  const queryIds = createQueryIdStore({ chrome, now });
  const tabRoute = createTabRoute({ chrome, origin: VOYAGER_ORIGIN, timeoutMs });

  async function cookie(name) {
    const found = await chrome.cookies.get({ url: COOKIE_URL, name });
    return typeof found?.value === 'string' && found.value !== '' ? found.value : null;
  }

  async function workerRoute(path, { headers, maxChars }) {
    const answer = await fetchAnswer(VOYAGER_ORIGIN + path, headers, timeoutMs, maxChars, null, fetch);
    if (answer.status === 0) throw unreachable(answer.error);
    return answer;
  }

  /**
   * Start a sync's conversation with LinkedIn: read the session cookies now
   * (they change when the user signs out or in) and return the calls.
   * Throws session_expired without calling LinkedIn when either is missing.
   */
  async function openSession() {
    const [liAt, jsessionId] = await Promise.all([cookie('li_at'), cookie('JSESSIONID')]);
    if (!liAt || !jsessionId) {
      throw new ApiError(ERR.LINKEDIN_SESSION_EXPIRED, 'No LinkedIn session cookies: not signed in to linkedin.com');
    }
    const apiHeaders = { 'csrf-token': jsessionId.replace(/^"(.*)"$/, '$1'), ...VOYAGER_HEADERS };
    const pacing = (pacingOverride && (await store.get(KEYS.VOYAGER_PACING))) || delayMs;
    let ids = await queryIds.current();
    let discovered = null; // this session's discovery: it runs at most once
    let route = ROUTE.WORKER;
    let calls = 0;

    async function pace() {
      if (calls++ > 0) await sleep(pacing.min + random() * (pacing.max - pacing.min));
    }

    /** One call to www.linkedin.com on the session's route → the answer (unchecked). */
    async function send(path, { headers = apiHeaders, maxChars = MAX_ANSWER_CHARS } = {}) {
      await pace();
      if (route === ROUTE.WORKER) {
        const answer = await workerRoute(path, { headers, maxChars });
        if (refusalOf(answer) === null) return answer;
        // Refused although the cookies are there: LinkedIn may not take
        // requests from outside its pages. The rest of this session goes
        // through a LinkedIn tab; the next session tries the worker again.
        route = ROUTE.TAB;
        await pace();
      }
      return tabRoute(path, { headers, maxChars });
    }

    async function get(path, what) {
      const answer = await send(path);
      checkAnswer(answer, what, now);
      return jsonOf(answer, what);
    }

    async function discover() {
      return discoverQueryIds({
        pageUrl: VOYAGER_ORIGIN + DISCOVERY.pagePath,
        now,
        getPage: async (path) => {
          try {
            const answer = await send(path, { headers: PAGE_HEADERS, maxChars: DISCOVERY.maxPageChars });
            checkAnswer(answer, 'the messaging page', now, { expectJson: false });
            return answer.text;
          } catch (err) {
            if (err instanceof ApiError && DISCOVERY_STOPS.has(err.code)) throw err;
            return null;
          }
        },
        // LinkedIn's CDN, from the worker: public files, no cookies.
        getBundle: async (url, deadline) => {
          await pace();
          try {
            const res = await fetch(url, {
              method: 'GET',
              credentials: 'omit',
              cache: 'no-store',
              signal: AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, deadline - now()))),
            });
            return res.ok ? await readCapped(res, DISCOVERY.maxBundleBytes) : null;
          } catch {
            return null;
          }
        },
      });
    }

    /** Another id for `key`'s query than `failingId`, from LinkedIn's web app; null when none. */
    async function replacementFor(key, failingId) {
      if (discovered === null) {
        if (!(await queryIds.mayDiscover(failingId))) return null;
        discovered = await discover();
        await queryIds.tried();
      }
      return discovered[key].find((id) => id !== failingId) ?? null;
    }

    /** A GraphQL query; on a 400, once more with the id LinkedIn's web app uses now. */
    async function graphql(key, variables) {
      const failingId = ids[key];
      try {
        return await get(graphqlPath(failingId, variables), key);
      } catch (err) {
        if (!queryRejected(err)) throw err;
      }
      const candidate = await replacementFor(key, failingId);
      if (candidate !== null) {
        try {
          const json = await get(graphqlPath(candidate, variables), key);
          ids = { ...ids, [key]: candidate };
          await queryIds.confirm(key, candidate);
          return json;
        } catch (err) {
          if (!queryRejected(err)) throw err;
        }
      }
      await queryIds.unfixed(candidate === null ? [failingId] : [failingId, candidate]);
      throw new ApiError(
        ERR.LINKEDIN_FORMAT_CHANGED,
        `LinkedIn no longer answers its ${key} query (HTTP 400), and its web app names no query id that works`,
        { status: 400, query: key },
      );
    }

    return {
      /** Which route the session's calls take now: 'worker', or 'tab' after a refusal. */
      get route() {
        return route;
      },
      /** The signed-in member's id (`ACo…`). */
      async me() {
        return parseMe(await get(ME_PATH, '/me'));
      },
      /**
       * A person's profile for the backfill, by slug (by member id when there
       * is none): `{profile}` (profile-parse.js) or `{gone: true}` when
       * LinkedIn no longer has it (404/410, or an answer without them).
       */
      async profile({ memberId = null, slug = null }) {
        const identity = slug || memberId;
        const path =
          `${PROFILE_PATH}?q=memberIdentity&memberIdentity=${encodeURIComponent(identity)}` +
          `&decorationId=${PROFILE_DECORATION}`;
        const answer = await send(path);
        if (PROFILE_GONE_STATUSES.has(answer.status)) return { gone: true };
        checkAnswer(answer, 'profile', now);
        const profile = parseProfile(jsonOf(answer, 'profile'), { memberId, slug });
        return profile === null ? { gone: true } : { profile };
      },
      /**
       * A profile photo from LinkedIn's CDN, fetched by the browser (for the
       * photos LinkedIn's CDN refused PingCRM's server): `{bytes, contentType}`,
       * or null when it is not a JPEG, PNG or WebP within 5 MB or did not come.
       */
      async photo(url) {
        if (typeof url !== 'string' || !url.startsWith('https://')) return null;
        await pace();
        try {
          const res = await fetch(url, {
            method: 'GET',
            credentials: 'omit',
            cache: 'no-store',
            redirect: 'error',
            signal: AbortSignal.timeout(timeoutMs),
          });
          const contentType = (res.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
          const declared = Number(res.headers.get('Content-Length') ?? 0);
          if (!res.ok || !PHOTO_LIMITS.types.includes(contentType) || declared > PHOTO_LIMITS.maxBytes) return null;
          const bytes = await res.arrayBuffer();
          return bytes.byteLength > 0 && bytes.byteLength <= PHOTO_LIMITS.maxBytes ? { bytes, contentType } : null;
        } catch {
          return null;
        }
      },
      /** A page of conversations, newest activity first; `before`: only activity strictly older. */
      async conversations({ selfId, before = null }) {
        const variables = { mailboxUrn: `urn:li:fsd_profile:${selfId}`, lastUpdatedBefore: before };
        return parseConversationsPage(await graphql('conversations', variables), selfId);
      },
      /** The newest messages of a conversation; `before`: the page of messages strictly older. */
      async messages({ selfId, conversationUrn, before = null }) {
        const variables =
          before === null
            ? { conversationUrn }
            : { conversationUrn, deliveredAt: before, countBefore: MESSAGES_PAGE_SIZE, countAfter: 0 };
        return parseMessagesPage(await graphql('messages', variables), selfId);
      },
    };
  }

  return { openSession };
}
