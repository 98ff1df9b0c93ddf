// A fake LinkedIn Voyager API, as a fake `fetch`, serving the requests of
// docs/linkedin-sync.md §1 from a seeded, generated account: 1:1 chats,
// group chats (with and without the `groupChat` flag), partners whose
// profile URL only carries their ACo… id, names as strings or {text},
// the latest message embedded in every other conversation, pages of 20.
//
// Like the browser, it attaches the www.linkedin.com cookies from the fake
// chrome's jar only when `credentials: 'include'`; like LinkedIn, it answers
// 401 without a valid li_at, 403 when csrf-token is not JSESSIONID without
// its quotes, and 400 for a missing Rest.li header, a malformed `variables`
// or a GraphQL query id it does not serve. Faults (status, HTML, redirects,
// bad JSON) and held requests are injectable.
//
// Switches for what real LinkedIn does to an extension: `rotateQueryIds()`
// (the old ids answer 400, the new ones are in the messaging page's script
// bundles on static.licdn.com, or nowhere), and `refuseWorker` (requests
// that do not come from a LinkedIn page — `pageFetch`, the fetch a tab makes
// — answer 403).

export const LINKEDIN = 'https://www.linkedin.com';
export const CDN = 'https://static.licdn.com';
/** The ids the extension ships with (background/linkedin/query-ids.js). */
export const SHIPPED_QUERY_IDS = Object.freeze({
  conversations: 'messengerConversations.0d5e6781bbee71c3e51c8843c6519f48',
  messages: 'messengerMessages.5846eeb71c981f11e0134cb6626cc314',
});
export const COOKIES = Object.freeze({ li_at: 'AQEDAR-fake-li-at-SECRET-0042', JSESSIONID: '"ajax:8675309123456789"' });
export const PAGE_SIZE = 20;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const FIRST = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Zoë', 'José', 'Łukasz', 'Ngozi', 'Kenji'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Müller', 'García', 'Okafor', 'Tanaka', 'van Rossum'];
const HEADLINES = ['COO at Acme', 'Staff Engineer at Initech', 'Founder · Tools for small teams', ''];
const SNIPPETS = ['Hey, great to connect!', 'Thanks for the intro earlier.', 'Congrats on the new role 🎉', 'Sounds good — talk soon.'];
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A LinkedIn account with generated conversations.
 * @param {{seed?: number, oneToOne?: number, acoOnly?: number, groupChats?: number, unflaggedGroups?: number,
 *          longThreads?: number, longThreadLength?: number, now?: number}} options
 *   `acoOnly` partners have no slug; `unflaggedGroups` of the group chats omit `groupChat`
 *   (recognisable only by their participants); `longThreads` chats have `longThreadLength` (45) messages.
 */
export function generateAccount({
  seed = 1,
  oneToOne = 10,
  acoOnly = 2,
  groupChats = 2,
  unflaggedGroups = 1,
  longThreads = 1,
  longThreadLength = 45,
  now = Date.parse('2026-03-01T12:00:00Z'),
} = {}) {
  const rnd = seededRandom(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  let memberSeq = 0;
  let threadSeq = 0;

  function member({ withSlug = true } = {}) {
    memberSeq += 1;
    let id = 'ACoAA';
    for (let i = 0; i < 34; i += 1) id += pick(ID_CHARS);
    const firstName = pick(FIRST);
    const lastName = pick(LAST);
    const base = `${firstName}-${lastName}`.toLowerCase().normalize('NFD').replace(/[^a-z-]/g, '');
    return {
      memberId: id,
      urn: `urn:li:fsd_profile:${id}`,
      firstName,
      lastName,
      slug: withSlug ? `${base}-${memberSeq.toString(16)}` : null,
      headline: pick(HEADLINES),
      namesAsText: rnd() < 0.5,
    };
  }

  const me = member();
  const account = { me, conversations: [], now };

  function message(conversation, at, sender, text) {
    const index = conversation.messages.length;
    const id = `2-${Buffer.from(`${at}b${seed}/${conversation.threadId}/${index}`).toString('base64')}`;
    const m = { urn: `urn:li:msg_message:(${me.urn},${id})`, deliveredAt: at, sender, text };
    conversation.messages.push(m);
    return m;
  }

  function conversation(others, { group, flagged, count, newestAt }) {
    threadSeq += 1;
    const threadId = `2-${Buffer.from(`thread-${seed}-${threadSeq}_010`).toString('base64')}`;
    const c = {
      threadId,
      urn: `urn:li:msg_conversation:(${me.urn},${threadId})`,
      others,
      isGroup: group,
      groupFlagPresent: flagged,
      // How many of the newest messages the conversations page embeds (LinkedIn embeds the latest one).
      embedCount: threadSeq % 2 === 0 ? 1 : 0,
      messages: [],
    };
    const times = [newestAt];
    for (let i = 1; i < count; i += 1) times.push(times[i - 1] - int(2 * MINUTE, 48 * HOUR));
    times.reverse();
    times.forEach((at, i) => {
      // Both directions whenever there is more than one message.
      const sender = count > 1 && i === 0 ? others[0] : count > 1 && i === 1 ? me : pick([...others, me]);
      message(c, at, sender, pick(SNIPPETS));
    });
    return c;
  }

  /** Add conversations whose activity is newer than every existing one. Returns them newest first. */
  account.addConversations = ({
    oneToOne: n1 = 0,
    acoOnly: nAco = 0,
    groupChats: nGroups = 0,
    unflaggedGroups: nUnflagged = 0,
    longThreads: nLong = 0,
    longThreadLength: longLength = 45,
  } = {}) => {
    const plans = [];
    for (let i = 0; i < n1; i += 1) {
      plans.push({ others: [member({ withSlug: i >= nAco })], group: false, flagged: rnd() < 0.5, count: i < nLong ? longLength : int(1, 5) });
    }
    for (let i = 0; i < nGroups; i += 1) {
      const others = Array.from({ length: int(2, 3) }, () => member());
      plans.push({ others, group: true, flagged: i >= nUnflagged, count: int(2, 5) });
    }
    // Shuffle deterministically so kinds mix on every page.
    for (let i = plans.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rnd() * (i + 1));
      [plans[i], plans[j]] = [plans[j], plans[i]];
    }
    // 15 min to 18 h between two conversations' last activity, never a tie.
    const spacing = plans.map(() => int(1, 72) * (HOUR / 4) + int(1, 59_999));
    const newest = account.conversations.length ? Math.max(...account.conversations.map(last)) : null;
    let at = newest === null ? now - int(5, 30) * MINUTE : newest + spacing.reduce((a, b) => a + b, 0) + HOUR;
    return plans.map((plan, i) => {
      const c = conversation(plan.others, { group: plan.group, flagged: plan.flagged, count: plan.count, newestAt: at });
      account.conversations.push(c);
      at -= spacing[i];
      return c;
    });
  };

  /** A new message: its conversation becomes the newest. */
  account.addMessage = (c, text, { fromSelf = false, at = null } = {}) => {
    const newest = Math.max(...account.conversations.map(last));
    return message(c, at ?? newest + MINUTE, fromSelf ? me : c.others[0], text);
  };

  account.newestFirst = () => [...account.conversations].sort((a, b) => last(b) - last(a));
  account.oneToOne = () => account.newestFirst().filter((c) => !c.isGroup);
  account.groupChats = () => account.newestFirst().filter((c) => c.isGroup);
  account.byUrn = (urn) => account.conversations.find((c) => c.urn === urn);

  account.addConversations({ oneToOne, acoOnly, groupChats, unflaggedGroups, longThreads, longThreadLength });
  return account;
}

function last(conversation) {
  return conversation.messages[conversation.messages.length - 1].deliveredAt;
}

// ---- answers, in Voyager's shapes (tests/fixtures/voyager/) ----

const text = (value, asObject) => (asObject ? { _type: 'com.linkedin.pemberly.text.AttributedText', text: value, attributes: [] } : value);

function participant(m) {
  const details = {
    profileUrl: `${LINKEDIN}/in/${m.slug ?? m.memberId}`,
    firstName: text(m.firstName, m.namesAsText),
    lastName: text(m.lastName, m.namesAsText),
    distance: 'DISTANCE_1',
  };
  if (m.headline) details.headline = text(m.headline, m.namesAsText);
  return {
    _type: 'com.linkedin.messenger.MessagingParticipant',
    entityUrn: `urn:li:msg_messagingParticipant:${m.urn}`,
    hostIdentityUrn: m.urn,
    participantType: { member: details },
  };
}

function messageElement(c, m) {
  return {
    _type: 'com.linkedin.messenger.Message',
    entityUrn: m.urn,
    backendUrn: m.urn.replace('msg_message', 'messagingMessage'),
    deliveredAt: m.deliveredAt,
    body: { _type: 'com.linkedin.pemberly.text.AttributedText', text: m.text, attributes: [] },
    sender: { ...participant(m.sender), memberProfile: { entityUrn: m.sender.urn, firstName: m.sender.firstName } },
    conversation: { entityUrn: c.urn },
  };
}

function conversationElement(account, c) {
  const element = {
    _type: 'com.linkedin.messenger.Conversation',
    entityUrn: c.urn,
    backendUrn: `urn:li:messagingThread:${c.threadId}`,
    lastActivityAt: last(c),
    read: true,
    categories: ['INBOX'],
    conversationParticipants: [...c.others, account.me].map(participant),
  };
  if (c.groupFlagPresent) element.groupChat = c.isGroup;
  if (c.embedCount > 0) element.messages = { elements: c.messages.slice(-c.embedCount).map((m) => messageElement(c, m)) };
  return element;
}

function meAnswer(account) {
  return {
    data: { $type: 'com.linkedin.voyager.common.Me', plainId: 4242, '*miniProfile': `urn:li:fs_miniProfile:${account.me.memberId}` },
    included: [
      {
        $type: 'com.linkedin.voyager.identity.shared.MiniProfile',
        entityUrn: `urn:li:fs_miniProfile:${account.me.memberId}`,
        dashEntityUrn: account.me.urn,
        publicIdentifier: account.me.slug,
        firstName: account.me.firstName,
        lastName: account.me.lastName,
      },
    ],
  };
}

// ---- request parsing ----

class BadRequest extends Error {}

/** A query parameter exactly as sent (Rest.li values must not be decoded twice). */
function rawParam(search, name) {
  for (const pair of search.replace(/^\?/, '').split('&')) {
    const i = pair.indexOf('=');
    if ((i < 0 ? pair : pair.slice(0, i)) === name) return i < 0 ? '' : pair.slice(i + 1);
  }
  return null;
}

/** `(key:value,…)` with literal punctuation and percent-encoded values, as LinkedIn reads it. */
export function parseVariables(raw) {
  if (!raw || !raw.startsWith('(') || !raw.endsWith(')')) throw new BadRequest(`variables is not a Rest.li record: ${raw}`);
  const items = [];
  let depth = 0;
  let start = 1;
  for (let i = 1; i < raw.length - 1; i += 1) {
    if (raw[i] === '(') depth += 1;
    else if (raw[i] === ')') depth -= 1;
    else if (raw[i] === ',' && depth === 0) {
      items.push(raw.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) throw new BadRequest('unbalanced parentheses');
  }
  if (depth !== 0) throw new BadRequest('unbalanced parentheses');
  items.push(raw.slice(start, -1));
  const out = {};
  for (const item of items) {
    const i = item.indexOf(':');
    const key = item.slice(0, i);
    const value = item.slice(i + 1);
    if (i <= 0 || value === '') throw new BadRequest(`not key:value: ${item}`);
    if (/[:,]/.test(value.replace(/[()]/g, ''))) throw new BadRequest(`value of ${key} is not percent-encoded: ${value}`);
    out[key] = decodeURIComponent(value);
  }
  return out;
}

function intVar(vars, name) {
  if (!(name in vars)) return null;
  if (!/^\d+$/.test(vars[name])) throw new BadRequest(`${name} is not epoch ms`);
  return Number(vars[name]);
}

function fakeResponse({ status = 200, body = '', contentType = 'application/json', headers = {}, url, redirected = false }) {
  const h = new Headers(headers);
  if (contentType && !h.has('Content-Type')) h.set('Content-Type', contentType);
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, ok: status >= 200 && status < 300, headers: h, url, redirected, text: async () => payload };
}

/** A 32-hex query hash from a seed. */
function hashOf(seed) {
  const rnd = seededRandom(seed);
  return Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
}

/** A script bundle: filler code, and the ids in the given format (or none). */
export function bundleText(ids, { format = 'quoted', fillerChars = 2_000 } = {}) {
  const filler = 'function n(e){return e&&e.__esModule?e.default:e}'.repeat(Math.ceil(fillerChars / 50)).slice(0, fillerChars);
  if (!ids) return `${filler};var graphql={endpoint:"voyagerMessagingGraphQL/graphql"};`;
  const write = {
    quoted: (id) => `queryId:"${id}"`,
    json: (id) => `\\"queryId\\":\\"${id.replace('.', '\\u002e')}\\"`,
    url: (id) => `"/voyager/api/voyagerMessagingGraphQL/graphql?queryId=${id.replace('.', '%2E')}&variables="`,
  }[format];
  return `${filler};define("messaging/queries",[],function(){return{conversations:{${write(ids.conversations)}},messages:{${write(ids.messages)}}}});${filler}`;
}

/**
 * @param {{chrome: object, account: ReturnType<typeof generateAccount>}} options
 */
export function createFakeVoyager({ chrome, account }) {
  const calls = [];
  const faults = []; // {kind, times, response}
  const holds = []; // {kind, skip, arrived, release, resolveArrived}
  // The web app's current query ids, and its messaging page's bundles (url → text).
  let queryIds = { ...SHIPPED_QUERY_IDS };
  const bundles = new Map([[`${CDN}/aero-v1/sc/h/vendor.js`, bundleText(null)]]);
  const bundleReads = [];

  function kindOf(url) {
    if (url.pathname === '/voyager/api/me') return 'me';
    if (url.pathname === '/voyager/api/voyagerMessagingGraphQL/graphql') {
      const queryId = rawParam(url.search, 'queryId') ?? '';
      if (queryId.startsWith('messengerConversations.')) return 'conversations';
      if (queryId.startsWith('messengerMessages.')) return 'messages';
    }
    if (url.pathname === '/messaging/') return 'page';
    if (url.pathname === '/voyager/api/identity/dash/profiles') return 'profile';
    return 'other';
  }

  function messagingPage() {
    const scripts = [...bundles.keys()].map((src) => `<script src="${src}" defer></script>`).join('\n');
    return `<!DOCTYPE html><html><head><title>Messaging | LinkedIn</title>${scripts}</head><body><main id="messaging"></main></body></html>`;
  }

  /** A partner's dash profile (tests/fixtures/voyager/profile.json's shape); 404 for unknown or gone ones. */
  function profileAnswer(identity) {
    const member = account
      .newestFirst()
      .flatMap((c) => c.others)
      .find((m) => m.slug === identity || m.memberId === identity);
    if (!member || api.goneProfiles.has(member.memberId)) return fakeResponse({ status: 404, body: { status: 404 } });
    const urn = `urn:li:fsd_profile:${member.memberId}`;
    return fakeResponse({
      body: {
        data: { '*elements': [urn] },
        included: [
          { $type: 'com.linkedin.voyager.dash.identity.profile.Profile', entityUrn: urn, publicIdentifier: member.slug ?? member.memberId, firstName: member.firstName, lastName: member.lastName, headline: 'Engineer at Acme' },
          { $type: 'com.linkedin.voyager.dash.identity.profile.Position', entityUrn: `urn:li:fsd_position:(${member.memberId},1)`, companyName: 'Acme', title: 'Engineer', dateRange: { start: { year: 2020 } } },
        ],
      },
    });
  }

  function answer(kind, url, headers, cookies) {
    if (cookies.li_at !== COOKIES.li_at) return fakeResponse({ status: 401, body: { status: 401 } });
    if (kind === 'page') return fakeResponse({ body: messagingPage(), contentType: 'text/html; charset=utf-8' });
    if (!cookies.JSESSIONID || headers.get('csrf-token') !== cookies.JSESSIONID.replace(/^"|"$/g, '')) {
      return fakeResponse({ status: 403, body: 'CSRF check failed.', contentType: 'text/plain' });
    }
    if (headers.get('x-restli-protocol-version') !== '2.0.0' || headers.get('accept') !== 'application/vnd.linkedin.normalized+json+2.1') {
      return fakeResponse({ status: 400, body: { status: 400, message: 'missing Rest.li headers' } });
    }
    if (kind === 'me') return fakeResponse({ body: meAnswer(account) });
    if (kind === 'profile') return profileAnswer(url.searchParams.get('memberIdentity'));
    if (kind === 'conversations' || kind === 'messages') {
      const queryId = decodeURIComponent(rawParam(url.search, 'queryId'));
      if (queryId !== queryIds[kind]) return fakeResponse({ status: 400, body: { status: 400, message: 'persisted query not found' } });
    }
    const vars = parseVariables(rawParam(url.search, 'variables'));
    if (kind === 'conversations') {
      if (vars.mailboxUrn !== account.me.urn) throw new BadRequest(`unknown mailbox ${vars.mailboxUrn}`);
      const before = intVar(vars, 'lastUpdatedBefore');
      const page = account
        .newestFirst()
        .filter((c) => before === null || last(c) < before)
        .slice(0, PAGE_SIZE);
      const key = before === null ? 'messengerConversationsBySyncToken' : 'messengerConversationsByCategoryQuery';
      return fakeResponse({ body: { data: { [key]: { elements: page.map((c) => conversationElement(account, c)), metadata: {} } } } });
    }
    if (kind === 'messages') {
      const c = account.byUrn(vars.conversationUrn);
      if (!c) throw new BadRequest(`unknown conversation ${vars.conversationUrn}`);
      const before = intVar(vars, 'deliveredAt');
      const count = intVar(vars, 'countBefore') ?? PAGE_SIZE;
      const older = c.messages.filter((m) => before === null || m.deliveredAt < before);
      const page = count > 0 ? older.slice(-count) : [];
      const key = before === null ? 'messengerMessagesByConversation' : 'messengerMessagesByAnchorTimestamp';
      return fakeResponse({ body: { data: { [key]: { elements: page.map((m) => messageElement(c, m)) } } } });
    }
    return fakeResponse({ status: 404, body: '<html>Not found</html>', contentType: 'text/html' });
  }

  async function fetch(input, init = {}, { fromPage = false } = {}) {
    const url = new URL(String(input));
    if (url.origin === CDN) {
      bundleReads.push(url.toString());
      const text = bundles.get(url.toString());
      return text === undefined ? new Response('Not found', { status: 404 }) : new Response(text, { headers: { 'Content-Type': 'text/javascript' } });
    }
    if (url.origin !== LINKEDIN) throw new TypeError('fetch failed');
    const headers = new Headers(init.headers ?? {});
    // What the browser does with credentials: 'include'.
    const cookies = init.credentials === 'include' ? Object.fromEntries(chrome.cookies.jar) : {};
    const kind = kindOf(url);
    let variables = null;
    try {
      variables = kind === 'conversations' || kind === 'messages' ? parseVariables(rawParam(url.search, 'variables')) : null;
    } catch {
      // answered below with 400
    }
    const call = { url: url.toString(), kind, variables, headers, init, cookies, fromPage };
    calls.push(call);
    if (api.refuseWorker && !fromPage && url.pathname.startsWith('/voyager/api/')) {
      return fakeResponse({ url: url.toString(), status: 403, body: { status: 403, message: 'Forbidden' } });
    }

    const hold = holds.find((h) => h.kind === kind && !h.taken && h.skip-- <= 0);
    if (hold) {
      hold.taken = true;
      hold.resolveArrived();
      await hold.released;
    }
    const faultIndex = faults.findIndex((f) => f.kind === kind || f.kind === 'any');
    const fault = faults[faultIndex];
    if (fault && fault.skip-- <= 0) {
      if (--fault.times <= 0) faults.splice(faultIndex, 1);
      return fakeResponse({ url: url.toString(), ...fault.response });
    }
    try {
      return { ...answer(kind, url, headers, cookies), url: url.toString() };
    } catch (err) {
      if (err instanceof BadRequest) return fakeResponse({ status: 400, body: { status: 400, message: err.message } });
      throw err;
    }
  }

  const api = {
    fetch,
    /** The fetch of a www.linkedin.com page (chrome.scripting's MAIN world). */
    pageFetch: (input, init) => fetch(input, init, { fromPage: true }),
    calls,
    account,
    /** Requests that do not come from a LinkedIn page answer 403. */
    refuseWorker: false,
    /** Member ids whose profiles LinkedIn no longer has (404). */
    goneProfiles: new Set(),
    /** Bundle URLs read, in order. */
    bundleReads,
    bundles,
    get queryIds() {
      return queryIds;
    },
    /**
     * LinkedIn deployed: new query ids. `inBundles`: the messaging page's
     * bundles carry them (in `format`), else no bundle names any id.
     */
    rotateQueryIds({ inBundles = true, format = 'quoted', seed = 99 } = {}) {
      queryIds = { conversations: `messengerConversations.${hashOf(seed)}`, messages: `messengerMessages.${hashOf(seed + 1)}` };
      bundles.set(`${CDN}/aero-v1/sc/h/messaging-${seed}.js`, bundleText(inBundles ? queryIds : null, { format }));
      return queryIds;
    },
    /** Calls of one kind: 'me' | 'conversations' | 'messages' | 'profile'. */
    callsOf: (kind) => calls.filter((c) => c.kind === kind),
    /**
     * Answer `times` requests of `kind` ('any' for all), after letting `skip`
     * through, with `response`: {status, body, contentType, headers, redirected, url}.
     */
    fail(kind, response, { times = 1, skip = 0 } = {}) {
      faults.push({ kind, times, skip, response });
    },
    /** Hold the request of `kind` that comes after `skip` others until released. */
    hold(kind, { skip = 0 } = {}) {
      let release;
      let resolveArrived;
      const h = {
        kind,
        skip,
        taken: false,
        released: new Promise((resolve) => {
          release = resolve;
        }),
        arrived: new Promise((resolve) => {
          resolveArrived = resolve;
        }),
      };
      h.release = release;
      h.resolveArrived = resolveArrived;
      holds.push(h);
      return h;
    },
  };
  return api;
}

/** Put the signed-in LinkedIn session's cookies into the fake chrome's jar. */
export function signIn(chrome) {
  for (const [name, value] of Object.entries(COOKIES)) chrome.cookies.jar.set(name, value);
}
