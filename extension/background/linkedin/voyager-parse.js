// Tolerant parsers for LinkedIn's Voyager answers (docs/linkedin-sync.md §1;
// reference shapes in tests/fixtures/voyager/). LinkedIn adds, renames
// and drops fields without notice, so unknown fields are ignored and an item
// missing something essential is dropped on its own. Only an answer without
// the list itself is an error (format_changed): an unreadable answer must
// never look like "nothing new".

import { ERR } from '../../lib/errors.js';
import { ApiError } from '../api.js';

// The member id inside a profile URN, also when the URN is nested in another
// one (`urn:li:msg_messagingParticipant:urn:li:fsd_profile:ACo…`).
const PROFILE_URN = /urn:li:(?:fsd_profile|fs_miniProfile):([A-Za-z0-9_-]+)/;
// LinkedIn shows `/in/<ACo… member id>` when it has no public slug to show.
const MEMBER_ID_LIKE = /^ACo[A-Za-z0-9_-]{10,}$/;
const PROFILE_URL = /^https:\/\/(?:[a-z0-9-]+\.)*linkedin\.com\/in\/([^/?#]+)/i;

function formatChanged(message) {
  return new ApiError(ERR.LINKEDIN_FORMAT_CHANGED, message);
}

/** The member id (`ACo…`) in a profile URN, or null. */
export function memberIdOf(urn) {
  return typeof urn === 'string' ? (PROFILE_URN.exec(urn)?.[1] ?? null) : null;
}

/** A Voyager text: a plain string or `{text}`; '' when absent. */
function textOf(value) {
  if (typeof value === 'string') return value;
  return typeof value?.text === 'string' ? value.text : '';
}

/** Epoch milliseconds (a number, or digits in a string), else null. */
function timeOf(value) {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null;
}

function urnOf(element) {
  for (const value of [element?.entityUrn, element?.backendUrn]) {
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

/** `/in/<slug>` of a LinkedIn profile URL, unless it only carries a member id. */
export function slugOf(profileUrl, memberId) {
  const match = typeof profileUrl === 'string' ? PROFILE_URL.exec(profileUrl) : null;
  if (!match) return null;
  let slug;
  try {
    slug = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return slug === memberId || MEMBER_ID_LIKE.test(slug) ? null : slug;
}

/**
 * The self member id from `GET /voyager/api/me`: the profile the answer
 * points at (`*miniProfile`, `miniProfile`) or the MiniProfile in `included[]`.
 */
export function parseMe(json) {
  const pointers = [json?.data?.['*miniProfile'], json?.['*miniProfile'], json?.data?.miniProfile, json?.miniProfile];
  const included = Array.isArray(json?.included) ? json.included : [];
  const miniProfiles = included.filter((item) => /MiniProfile/.test(String(item?.$type ?? '')));
  const urns = [
    ...pointers.map((p) => (typeof p === 'string' ? p : (p?.entityUrn ?? p?.dashEntityUrn))),
    ...miniProfiles.map((item) => item.entityUrn),
    ...included.map((item) => item?.entityUrn),
  ];
  for (const urn of urns) {
    const id = memberIdOf(urn);
    if (id) return id;
  }
  throw formatChanged('LinkedIn /me names no profile');
}

/**
 * `data.<key>.elements` of a GraphQL answer; the key varies between queries
 * and pages, so the one object under `data` holding an `elements` array wins.
 */
export function graphqlElements(json, what) {
  const data = json?.data;
  if (data && typeof data === 'object') {
    for (const value of Object.values(data)) {
      if (Array.isArray(value?.elements)) return value.elements;
    }
  }
  throw formatChanged(`LinkedIn's ${what} answer has no data.<key>.elements list`);
}

/** One message element → {urn, sentAt, text, fromSelf}, or null without urn, time or sender. */
export function parseMessage(element, selfId) {
  const urn = urnOf(element);
  const sentAt = timeOf(element?.deliveredAt);
  const sender = element?.sender;
  const senderId = memberIdOf(sender?.hostIdentityUrn) ?? memberIdOf(sender?.entityUrn) ?? memberIdOf(sender?.memberProfile?.entityUrn);
  if (!urn || sentAt === null || !senderId) return null;
  return { urn, sentAt, text: textOf(element.body), fromSelf: senderId === selfId };
}

function participantOf(element) {
  const member = element?.participantType?.member ?? {};
  const memberId = memberIdOf(element?.hostIdentityUrn) ?? memberIdOf(element?.entityUrn);
  const profileUrl = typeof member.profileUrl === 'string' && PROFILE_URL.test(member.profileUrl) ? member.profileUrl : null;
  return {
    memberId,
    slug: slugOf(profileUrl, memberId),
    firstName: textOf(member.firstName),
    lastName: textOf(member.lastName),
    headline: textOf(member.headline),
    profileUrl,
  };
}

/**
 * One conversation element → {urn, lastActivityAt, isGroup, partner, embeddedMessages},
 * or null without urn or activity time. `partner` is the one participant
 * other than self, null when there is none with a member id (or it is a group).
 */
export function parseConversation(element, selfId) {
  const urn = urnOf(element);
  const lastActivityAt = timeOf(element?.lastActivityAt);
  if (!urn || lastActivityAt === null) return null;
  const participants = Array.isArray(element.conversationParticipants) ? element.conversationParticipants : [];
  const others = participants.map(participantOf).filter((p) => p.memberId !== selfId);
  const isGroup = element.groupChat === true || others.length > 1;
  const partner = !isGroup && others.length === 1 && others[0].memberId ? others[0] : null;
  const embedded = Array.isArray(element.messages?.elements) ? element.messages.elements : [];
  return {
    urn,
    lastActivityAt,
    isGroup,
    partner,
    embeddedMessages: embedded.map((m) => parseMessage(m, selfId)).filter(Boolean),
  };
}

/** A conversations page → parsed conversations (unreadable items dropped). */
export function parseConversationsPage(json, selfId) {
  return graphqlElements(json, 'conversations')
    .map((element) => parseConversation(element, selfId))
    .filter(Boolean);
}

/** A messages page → parsed messages (unreadable items dropped). */
export function parseMessagesPage(json, selfId) {
  return graphqlElements(json, 'messages')
    .map((element) => parseMessage(element, selfId))
    .filter(Boolean);
}
