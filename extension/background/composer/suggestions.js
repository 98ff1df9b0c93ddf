// P and R for LinkedIn's composer, on the worker's side: resolve the
// conversation's partner and talk to PingCRM's suggestions API (the content
// script does DOM work only; only the worker reaches the network).
//
// Partner: the thread id through the conversations the sync recorded
// (thread-partners.js), else the profile link the page shows. The backend
// is asked by member id when known (what the sync pushes), else by slug.
//
// Errors the composer words itself: not_paired / pairing_revoked, the
// server unreachable (server_unreachable), a service behind it down
// (unavailable: any 503), failing (server_error: any other 5xx),
// rate_limited with retryAfterMs (any 429), partner_unknown,
// invalid_request; any other problem `code` passes through.

import { ERR } from '../../lib/errors.js';
import { ApiError, PATHS } from '../api.js';
import { partnerOfThread } from './thread-partners.js';

const THREAD_ID = /^[A-Za-z0-9+/=_.-]{1,200}$/;
const MEMBER_ID = /^ACo[A-Za-z0-9_-]{10,100}$/;
const SLUG = /^[^\s/?#]{1,200}$/;
const SUGGESTION_ID = /^[A-Za-z0-9_-]{1,100}$/;
const MAX_NAME = 200;

function invalid(message) {
  return new ApiError(ERR.INVALID_REQUEST, message);
}

/** The composer's hints, checked: {threadId, memberId, slug, name}. */
function readHints(payload) {
  const { threadId = null, profile = null, name = '' } = payload ?? {};
  if (threadId !== null && !(typeof threadId === 'string' && THREAD_ID.test(threadId))) throw invalid('threadId is malformed');
  if (typeof name !== 'string') throw invalid('name must be a string');
  const memberId = profile?.memberId ?? null;
  const slug = profile?.slug ?? null;
  if (memberId !== null && !(typeof memberId === 'string' && MEMBER_ID.test(memberId))) throw invalid('profile.memberId is malformed');
  if (slug !== null && !(typeof slug === 'string' && SLUG.test(slug))) throw invalid('profile.slug is malformed');
  return { threadId, memberId, slug, name: name.trim().slice(0, MAX_NAME) };
}

/** What the composer shows of a suggestion; null for an item it cannot show. */
export function suggestionView(item) {
  if (typeof item?.id !== 'string' || typeof item.message !== 'string' || item.message === '') return null;
  return {
    id: item.id,
    message: item.message,
    reason: { kind: String(item.reason?.kind ?? ''), text: String(item.reason?.text ?? '') },
    drafter: typeof item.drafter === 'string' ? item.drafter : null,
    contactName: typeof item.contact?.full_name === 'string' ? item.contact.full_name : null,
  };
}

/** 429, 503 and other 5xx in the three codes the composer words; the rest unchanged. */
async function calling(request) {
  try {
    return await request();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 429) {
      throw new ApiError(ERR.RATE_LIMITED, err.message, { status: 429, retryAfterMs: err.retryAfterMs, problem: err.problem });
    }
    if (err.status === 503) {
      throw new ApiError(ERR.UNAVAILABLE, err.message, { status: 503, retryAfterMs: err.retryAfterMs, problem: err.problem });
    }
    if (err.status >= 500) throw new ApiError(ERR.SERVER_ERROR, err.message, { status: err.status, problem: err.problem });
    throw err;
  }
}

/**
 * @param {{chrome: object, api: ReturnType<import('../api.js').createApi>}} deps
 */
export function createSuggestions({ chrome, api }) {
  async function resolvePartner(hints) {
    const known = hints.threadId ? await partnerOfThread(chrome, hints.threadId) : null;
    if (known) return { memberId: known.memberId, slug: known.slug, name: known.name || hints.name };
    if (hints.memberId || hints.slug) return { memberId: hints.memberId, slug: hints.slug, name: hints.name };
    return null;
  }

  /** The pending suggestions for the partner of a conversation: {partner: {name, memberId, slug}, suggestions}. */
  async function forConversation(payload) {
    const hints = readHints(payload);
    const partner = await resolvePartner(hints);
    if (!partner) throw new ApiError(ERR.PARTNER_UNKNOWN, 'The page names neither a known thread nor a profile');
    const query = new URLSearchParams({ status: 'pending' });
    if (partner.memberId) query.set('member_id', partner.memberId);
    else query.set('slug', partner.slug);
    const { data } = await calling(() => api.request(`${PATHS.SUGGESTIONS}?${query}`, { auth: true }));
    if (!Array.isArray(data?.items)) throw new ApiError(ERR.BAD_RESPONSE, 'The suggestions answer has no items list');
    const suggestions = data.items.map(suggestionView).filter(Boolean);
    const name = partner.name || suggestions[0]?.contactName || null;
    return { partner: { name, memberId: partner.memberId ?? null, slug: partner.slug ?? null }, suggestions };
  }

  function suggestionPath(payload, suffix = '') {
    const id = payload?.id;
    if (!(typeof id === 'string' && SUGGESTION_ID.test(id))) throw invalid('id is malformed');
    return `${PATHS.SUGGESTIONS}/${encodeURIComponent(id)}${suffix}`;
  }

  function expectSuggestion(data, what) {
    const view = suggestionView(data);
    if (!view) throw new ApiError(ERR.BAD_RESPONSE, `The ${what} answer is not a suggestion`);
    return view;
  }

  /** A fresh draft of suggestion `id`: the suggestion as the composer shows it. */
  async function regenerate(payload) {
    const path = suggestionPath(payload, '/regenerate');
    const { data } = await calling(() => api.request(path, { method: 'POST', auth: true }));
    return expectSuggestion(data, 'regenerate');
  }

  /** The user sent suggestion `id` from a composer: PATCH it to status sent. */
  async function markSent(payload) {
    const path = suggestionPath(payload);
    const { data } = await calling(() => api.request(path, { method: 'PATCH', body: { status: 'sent' }, auth: true }));
    return expectSuggestion(data, 'mark-sent');
  }

  return { forConversation, regenerate, markSent };
}
