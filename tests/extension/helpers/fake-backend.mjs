// A fake PingCRM edge, as a fake `fetch`. It records every request so tests
// can assert where the token went. Requests to any other origin fail like an
// unreachable host does (TypeError: fetch failed).

export const API_URL = 'http://127.0.0.1:8000';

/** The push limits of docs/linkedin-sync.md §2, as the real backend enforces them. */
export const PUSH_LIMITS = Object.freeze({ bytes: 5_242_880, conversations: 100, messages: 2_000, textChars: 8_000 });

function problem(status, code, detail) {
  return { status, body: { type: 'about:blank', title: code, status, detail, code } };
}

/**
 * @param {{apiUrl?: string, now?: () => number}} options
 */
export function createFakeBackend({ apiUrl = API_URL, now = Date.now } = {}) {
  const origin = new URL(apiUrl).origin;
  const state = {
    codeSeq: 0,
    tokenSeq: 0,
    codes: new Map(), // code -> {secret, approved, consumed, expiresAt}
    tokens: new Map(), // token -> {valid: boolean, renewable: boolean}
    email: 'ada@example.com',
    pairedApiUrl: apiUrl,
    down: false, // every request fails like a closed port
    overrides: [], // queue of {match: (method, path) => bool, status, body, headers}
    // LinkedIn pushes (docs/linkedin-sync.md §2)
    pushes: [], // accepted push bodies, in order
    backfill: [], // what every POST /api/v1/linkedin/backfill hands out: [{contact_id, member_id, slug, photo_url}]
    contacts: new Map(), // member_id -> partner
    interactions: new Map(), // message urn -> {member_id, from_self, text, sent_at}
    // How far back each conversation's messages reach (docs/linkedin-sync.md §2, history):
    // urn -> {partner, oldest, newest, first, gap: {before, after} | null}
    conversations: new Map(),
    // Suggestions (the API of suggestions_service through the edge): the items as the API answers them.
    suggestions: [], // {id, contact: {id, full_name, member_id, slug, avatar_url}, reason, message, drafter, status, …}
  };
  const calls = [];

  function issueToken() {
    const token = `tok-${++state.tokenSeq}`;
    state.tokens.set(token, { valid: true, renewable: true });
    return token;
  }

  /** The history rules of docs/linkedin-sync.md §2, as contacts_service applies them. */
  function recordHistory(conversation, memberId) {
    const times = conversation.messages.map((m) => m.sent_at).filter(Number.isFinite);
    let row = state.conversations.get(conversation.urn);
    if (!row) {
      if (times.length === 0) return;
      row = { partner: { member_id: memberId, slug: conversation.partner.slug ?? null }, oldest: Math.min(...times), newest: Math.max(...times), first: null, gap: null };
      state.conversations.set(conversation.urn, row);
    } else if (times.length > 0) {
      const [low, high] = [Math.min(...times), Math.max(...times)];
      if (row.gap) {
        const inside = times.filter((t) => t > row.gap.after && t < row.gap.before);
        if (low <= row.gap.after) row.gap = null;
        else if (inside.length) row.gap.before = Math.min(row.gap.before, ...inside);
      }
      const missingAfter = conversation.older_missing_after;
      if (Number.isFinite(missingAfter) && row.oldest <= missingAfter) {
        row.gap = { before: low, after: row.gap ? Math.min(row.gap.after, missingAfter) : missingAfter };
      }
      row.oldest = Math.min(row.oldest, low);
      row.newest = Math.max(row.newest, high);
    }
    if (Number.isFinite(conversation.first_message_at)) {
      row.first = conversation.first_message_at;
      if (row.gap && row.first >= row.gap.after) row.gap = null;
    }
  }

  /** GET /api/v1/linkedin/history?limit= */
  function history(limit) {
    const pending = [...state.conversations.entries()]
      .filter(([, row]) => row.gap || !(row.first !== null && row.oldest <= row.first))
      .sort(([, a], [, b]) => b.newest - a.newest);
    const iso = (ms) => new Date(ms).toISOString();
    return {
      status: 200,
      body: {
        conversations: pending.slice(0, limit).map(([urn, row]) => ({
          urn,
          partner: row.partner,
          before: iso(row.gap ? row.gap.before : row.oldest),
          after: row.gap ? iso(row.gap.after) : null,
        })),
        total: pending.length,
      },
    };
  }

  /** POST /api/v1/linkedin/push with the backend's limits, dedupe by message URN, and per-item rejects. */
  function push(body, bytes) {
    if (bytes > PUSH_LIMITS.bytes) return problem(413, 'request_too_large', 'request body too large');
    const conversations = Array.isArray(body?.conversations) ? body.conversations : [];
    const messages = conversations.flatMap((c) => (Array.isArray(c?.messages) ? c.messages : []));
    if (conversations.length > PUSH_LIMITS.conversations) return problem(422, 'too_many_conversations', 'too many conversations');
    if (messages.length > PUSH_LIMITS.messages) return problem(422, 'too_many_messages', 'too many messages');
    if (messages.some((m) => typeof m?.text === 'string' && [...m.text].length > PUSH_LIMITS.textChars)) {
      return problem(422, 'message_text_too_long', 'message text too long');
    }
    state.pushes.push(body);
    const answer = { contacts_created: 0, contacts_updated: 0, interactions_created: 0, interactions_skipped: 0, rejected: [] };
    conversations.forEach((conversation, i) => {
      const memberId = conversation?.partner?.member_id;
      if (typeof conversation?.urn !== 'string' || typeof memberId !== 'string' || memberId === '') {
        answer.rejected.push({ path: `conversations[${i}]`, reason: 'partner.member_id and urn are required' });
        return;
      }
      if (state.contacts.has(memberId)) answer.contacts_updated += 1;
      else answer.contacts_created += 1;
      // A partner's empty names never replace stored ones.
      state.contacts.set(memberId, { ...state.contacts.get(memberId), ...conversation.partner });
      recordHistory(conversation, memberId);
      conversation.messages.forEach((m, j) => {
        if (typeof m?.urn !== 'string' || !(Number.isFinite(m.sent_at) || typeof m.sent_at === 'string')) {
          answer.rejected.push({ path: `conversations[${i}].messages[${j}]`, reason: 'urn and sent_at are required' });
        } else if (state.interactions.has(m.urn)) {
          answer.interactions_skipped += 1;
        } else {
          state.interactions.set(m.urn, { member_id: memberId, from_self: m.from_self, text: m.text, sent_at: m.sent_at });
          answer.interactions_created += 1;
        }
      });
    });
    return { status: 200, body: answer };
  }

  function route(method, url, headers, body, bytes = 0) {
    const path = url.pathname;
    const override = state.overrides.findIndex((o) => o.match(method, path));
    if (override >= 0) {
      const [o] = state.overrides.splice(override, 1);
      return { status: o.status, body: o.body, headers: o.headers };
    }
    const bearer = (headers.get('authorization') ?? '').replace(/^Bearer /, '');
    if (method === 'POST' && path === '/api/v1/extension/codes') {
      const code = `PING-${String(++state.codeSeq).padStart(6, 'A')}`;
      const secret = `secret-${state.codeSeq}`;
      state.codes.set(code, { secret, approved: false, consumed: false, expiresAt: now() + 600_000 });
      return { status: 201, body: { code, poll_secret: secret, expires_in: 600 } };
    }
    if (method === 'GET' && path === '/api/v1/extension/pair') {
      const c = state.codes.get(url.searchParams.get('code'));
      // Codes and statuses as the real edge answers them (auth_service/README.md).
      if (!c) return problem(404, 'pairing_code_not_found', 'pairing code not found');
      if (headers.get('x-pairing-secret') !== c.secret) return problem(403, 'wrong_poll_secret', 'wrong poll secret for this pairing code');
      if (c.consumed) return problem(409, 'pairing_code_collected', 'the token for this pairing code was already collected');
      if (now() >= c.expiresAt) return problem(410, 'pairing_code_expired', 'Expired');
      if (!c.approved) return { status: 202, body: { status: 'pending' } };
      c.consumed = true;
      return {
        status: 200,
        body: { status: 'paired', token: issueToken(), api_url: state.pairedApiUrl, expires_at: '2030-01-01T00:00:00Z' },
      };
    }
    if (method === 'POST' && path === '/api/v1/extension/refresh') {
      const t = state.tokens.get(body?.token);
      if (!t || !t.renewable) return problem(401, 'refresh_declined', 'token can no longer be renewed');
      state.tokens.delete(body.token);
      return { status: 200, body: { token: issueToken(), expires_at: '2030-02-01T00:00:00Z' } };
    }
    if (path === '/api/v1/extension/status' && method === 'GET') {
      if (!state.tokens.get(bearer)?.valid) return problem(401, 'invalid_token', 'Bad token');
      return { status: 200, body: { paired: true, email: state.email, paired_at: '2026-01-02T03:04:05Z', last_sync_at: null } };
    }
    if (path === '/api/v1/linkedin/history' && method === 'GET') {
      if (!state.tokens.get(bearer)?.valid) return problem(401, 'invalid_token', 'Bad token');
      return history(Number(url.searchParams.get('limit') ?? 50));
    }
    if (path === '/api/v1/linkedin/push' && method === 'POST') {
      if (!state.tokens.get(bearer)?.valid) return problem(401, 'invalid_token', 'Bad token');
      return push(body, bytes);
    }
    if (path === '/api/v1/linkedin/backfill' && method === 'POST') {
      if (!state.tokens.get(bearer)?.valid) return problem(401, 'invalid_token', 'Bad token');
      return { status: 200, body: { candidates: state.backfill } };
    }
    if (path === '/api/v1/suggestions' && method === 'GET') {
      if (!state.tokens.get(bearer)?.valid) return problem(401, 'invalid_token', 'Bad token');
      const q = url.searchParams;
      const filters = [['member_id', (s) => s.contact.member_id], ['slug', (s) => s.contact.slug], ['contact_id', (s) => s.contact.id]].filter(([name]) => q.has(name));
      if (filters.length !== 1) return problem(422, 'validation_failed', 'give exactly one of contact_id, member_id, slug');
      const [[name, field]] = filters;
      const items = state.suggestions.filter((s) => field(s) === q.get(name) && (!q.has('status') || s.status === q.get('status')));
      return { status: 200, body: { items, next_cursor: null } };
    }
    const one = /^\/api\/v1\/suggestions\/([^/]+)$/.exec(path);
    if (one && method === 'PATCH') {
      if (!state.tokens.get(bearer)?.valid) return problem(401, 'invalid_token', 'Bad token');
      const s = state.suggestions.find((item) => item.id === decodeURIComponent(one[1]));
      if (!s) return problem(404, 'not_found', 'no such suggestion');
      if (!['dismissed', 'snoozed', 'sent'].includes(body?.status)) return problem(422, 'validation_failed', 'bad status');
      s.status = body.status;
      return { status: 200, body: s };
    }
    const regenerate = /^\/api\/v1\/suggestions\/([^/]+)\/regenerate$/.exec(path);
    if (regenerate && method === 'POST') {
      if (!state.tokens.get(bearer)?.valid) return problem(401, 'invalid_token', 'Bad token');
      const s = state.suggestions.find((item) => item.id === decodeURIComponent(regenerate[1]));
      if (!s) return problem(404, 'not_found', 'no such suggestion');
      s.drafts = (s.drafts ?? 1) + 1;
      s.message = `${s.message.replace(/ \(draft \d+\)$/, '')} (draft ${s.drafts})`;
      return { status: 200, body: s };
    }
    if (path === '/api/v1/extension/pair' && method === 'DELETE') {
      if (!state.tokens.get(bearer)?.valid) return problem(401, 'invalid_token', 'Bad token');
      state.tokens.delete(bearer);
      return { status: 204, body: null };
    }
    return problem(404, 'not_found', `No route ${method} ${path}`);
  }

  async function fetch(input, init = {}) {
    const url = new URL(String(input));
    const headers = new Headers(init.headers ?? {});
    const body = init.body ? JSON.parse(init.body) : undefined;
    const method = (init.method ?? 'GET').toUpperCase();
    calls.push({ url: url.toString(), origin: url.origin, method, path: url.pathname, headers, body, init });
    if (state.down || url.origin !== origin) throw new TypeError('fetch failed');
    const r = route(method, url, headers, body, init.body ? Buffer.byteLength(init.body) : 0);
    const resHeaders = new Headers(r.headers ?? {});
    if (r.body !== null && r.body !== undefined && typeof r.body !== 'string') {
      resHeaders.set('Content-Type', r.status >= 400 ? 'application/problem+json' : 'application/json');
    }
    const payload = r.body === null || r.body === undefined ? null : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    return new Response(payload, { status: r.status, headers: resHeaders });
  }

  /** Serve the same routes over real HTTP on 127.0.0.1:<random port>. */
  async function listen() {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url, 'http://127.0.0.1');
        const headers = new Headers(req.headers);
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text ? JSON.parse(text) : undefined;
        calls.push({ url: url.toString(), origin: null, method: req.method, path: url.pathname, headers, body, init: null });
        const r = route(req.method, url, headers, body, Buffer.byteLength(text));
        const out = r.body === null || r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
        res.writeHead(r.status, { ...(out ? { 'Content-Type': 'application/json' } : {}), ...(r.headers ?? {}) });
        res.end(out);
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  return {
    fetch,
    listen,
    calls,
    state,
    /** The user entered `code` in the web app. */
    approve(code) {
      state.codes.get(code).approved = true;
    },
    /** Make the next matching request answer with this response. */
    override(method, path, status, body = null, headers = {}) {
      state.overrides.push({ match: (m, p) => m === method && p === path, status, body, headers });
    },
    callsTo(path) {
      return calls.filter((c) => c.path === path);
    },
  };
}

/** A controllable clock. */
export function createClock(start = Date.parse('2026-03-01T12:00:00Z')) {
  let t = start;
  const now = () => t;
  now.advance = (ms) => {
    t += ms;
  };
  return now;
}
