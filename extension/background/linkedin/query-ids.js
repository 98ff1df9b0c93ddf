// LinkedIn's GraphQL query ids, found at run time.
//
// The messaging queries are persisted queries named `<query>.<32 hex>`
// (`messengerConversations.0d5e…`); a LinkedIn deploy can replace the hash,
// and the old id then answers 400. The ids below are the first guess. On a
// 400 the session (voyager.js) asks LinkedIn's own web app for the current
// ones: the messaging page's HTML and the script bundles it references carry
// them. Discovery is bounded (one page, MAX_BUNDLES bundles, a size cap per
// answer, a time cap), spaced like every other LinkedIn call, runs at most
// once per sync, and is not repeated within REDISCOVER_AFTER_MS for an id
// it could not replace: it never runs in a loop.

import { KEYS, createStore } from '../../lib/storage.js';

/** The ids LinkedIn's web app used when this version was released. */
export const KNOWN_QUERY_IDS = Object.freeze({
  conversations: 'messengerConversations.0d5e6781bbee71c3e51c8843c6519f48',
  messages: 'messengerMessages.5846eeb71c981f11e0134cb6626cc314',
});

/** Query name (the part before the dot) of each query the sync uses. */
export const QUERY_NAMES = Object.freeze({
  conversations: 'messengerConversations',
  messages: 'messengerMessages',
});

export const DISCOVERY = Object.freeze({
  /** The page whose HTML references the messaging bundles. */
  pagePath: '/messaging/',
  /** Bundles read at most, in the page's order. */
  maxBundles: 8,
  /** Characters of the page read at most. */
  maxPageChars: 3_000_000,
  /** Bytes of one bundle read at most (LinkedIn's are 0.1–3 MB). */
  maxBundleBytes: 5_000_000,
  /** The whole discovery, every request included. */
  timeMs: 30_000,
});

/** A discovery that could not replace an id is not repeated for it within this time. */
export const REDISCOVER_AFTER_MS = 24 * 60 * 60_000;

/** Where bundles may be fetched from: LinkedIn's CDN and LinkedIn itself, nothing else. */
export const BUNDLE_ORIGINS = Object.freeze(['https://static.licdn.com', 'https://www.linkedin.com']);

// `<name>.<hash>` as it appears in a script, JSON, an HTML attribute or a URL:
// the dot may be escaped (\u002e, \x2e, %2E, &#46;, &#x2e;).
const ID_PATTERN = /\b(messengerConversations|messengerMessages)(?:\.|\\u002[eE]|\\x2[eE]|%2[eE]|&#46;|&#x2[eE];)([0-9a-f]{32})(?![0-9A-Za-z])/g;
const NAME_KEYS = Object.fromEntries(Object.entries(QUERY_NAMES).map(([key, name]) => [name, key]));

/**
 * The query ids in a text, per query, in order of first appearance, without repeats.
 * @returns {{conversations: string[], messages: string[]}}
 */
export function extractQueryIds(text) {
  const found = { conversations: [], messages: [] };
  for (const [, name, hash] of String(text).matchAll(ID_PATTERN)) {
    const list = found[NAME_KEYS[name]];
    const id = `${name}.${hash}`;
    if (!list.includes(id)) list.push(id);
  }
  return found;
}

function decodeEntities(value) {
  return value.replace(/&amp;/g, '&').replace(/&#x2[fF];/g, '/').replace(/&#47;/g, '/');
}

/**
 * The script bundles a LinkedIn page references (`<script src>`, and
 * `<link rel="preload|modulepreload">` of scripts), absolute, on
 * BUNDLE_ORIGINS only, in page order, without repeats.
 */
export function bundleUrls(html, pageUrl) {
  const urls = [];
  const add = (raw) => {
    let url;
    try {
      url = new URL(decodeEntities(raw), pageUrl);
    } catch {
      return;
    }
    if (BUNDLE_ORIGINS.includes(url.origin) && !urls.includes(url.href)) urls.push(url.href);
  };
  for (const tag of String(html).matchAll(/<(script|link)\b[^>]*>/gi)) {
    const attrs = tag[0];
    if (tag[1].toLowerCase() === 'script') {
      const src = /\bsrc\s*=\s*["']([^"']+)["']/i.exec(attrs);
      if (src) add(src[1]);
    } else if (/\brel\s*=\s*["']?modulepreload/i.test(attrs) || /\bas\s*=\s*["']?script\b/i.test(attrs)) {
      const href = /\bhref\s*=\s*["']([^"']+)["']/i.exec(attrs);
      if (href) add(href[1]);
    }
  }
  return urls;
}

function merge(into, more) {
  for (const key of Object.keys(into)) {
    for (const id of more[key]) if (!into[key].includes(id)) into[key].push(id);
  }
}

/**
 * Look for the current query ids: the messaging page first, then its
 * bundles, until every query has a candidate or a limit is hit. Both are
 * looked for whichever failed: a LinkedIn deploy usually replaces both.
 * @param {{getPage: (path: string, deadline: number) => Promise<string|null>,
 *          getBundle: (url: string, deadline: number) => Promise<string|null>,
 *          pageUrl: string, now: () => number, limits?: typeof DISCOVERY}} deps
 *   `getPage`/`getBundle` return the text (capped), or null when it could not be read.
 * @returns {Promise<{conversations: string[], messages: string[]}>}
 */
export async function discoverQueryIds({ getPage, getBundle, pageUrl, now, limits = DISCOVERY }) {
  const deadline = now() + limits.timeMs;
  const found = { conversations: [], messages: [] };
  const done = () => Object.values(found).every((ids) => ids.length > 0);
  const html = await getPage(limits.pagePath, deadline);
  if (html === null) return found;
  merge(found, extractQueryIds(html));
  for (const url of bundleUrls(html, pageUrl).slice(0, limits.maxBundles)) {
    if (done() || now() >= deadline) break;
    const text = await getBundle(url, deadline);
    if (text !== null) merge(found, extractQueryIds(text));
  }
  return found;
}

/**
 * Read a response body up to `maxBytes`, then stop reading (a cap, not an
 * error: the ids of a huge bundle are often near its start).
 */
export async function readCapped(res, maxBytes) {
  if (!res.body?.getReader) return (await res.text()).slice(0, maxBytes);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    while (bytes < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = value.byteLength > maxBytes - bytes ? value.subarray(0, maxBytes - bytes) : value;
      bytes += chunk.byteLength;
      text += decoder.decode(chunk, { stream: true });
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return text + decoder.decode();
}

/**
 * The stored ids (KEYS.QUERY_IDS) and the rule for when discovery may run.
 * @param {{chrome: object, now: () => number}} deps
 */
export function createQueryIdStore({ chrome, now }) {
  const store = createStore(chrome);
  const read = async () => (await store.get(KEYS.QUERY_IDS)) ?? { ids: {}, foundAt: null, triedAt: null, unfixed: [] };

  return {
    /** The ids to use now: the ones found last, else the built-in ones. */
    async current() {
      const { ids } = await read();
      return { ...KNOWN_QUERY_IDS, ...ids };
    },
    /** False when a recent discovery already failed to replace `failingId`. */
    async mayDiscover(failingId) {
      const stored = await read();
      const recent = stored.triedAt !== null && now() - stored.triedAt < REDISCOVER_AFTER_MS;
      return !(recent && stored.unfixed.includes(failingId));
    },
    /** A discovery ran now. */
    async tried() {
      await store.set(KEYS.QUERY_IDS, { ...(await read()), triedAt: now() });
    },
    /** `id` answered `key`'s query: use it from now on. */
    async confirm(key, id) {
      const stored = await read();
      await store.set(KEYS.QUERY_IDS, {
        ...stored,
        ids: { ...stored.ids, [key]: id },
        foundAt: now(),
        unfixed: stored.unfixed.filter((unfixed) => !unfixed.startsWith(`${QUERY_NAMES[key]}.`)),
      });
    },
    /** These ids were rejected and discovery found nothing better. */
    async unfixed(ids) {
      const stored = await read();
      await store.set(KEYS.QUERY_IDS, { ...stored, unfixed: [...new Set([...stored.unfixed, ...ids])] });
    },
  };
}
