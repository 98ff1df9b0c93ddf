// Who each 1:1 LinkedIn conversation is with, by the thread id LinkedIn puts
// in its messaging URLs (/messaging/thread/<id>/). The sync records it as it
// parses conversations; P in a composer looks the open thread up here, so
// the partner is known by member id even when the page shows only a name.
//
// Bounded: at most MAX_THREAD_PARTNERS threads, those with the newest
// activity kept. Older threads fall back to the profile link in the
// conversation's header (content/composer/partner.js).

import { KEYS, createStore } from '../../lib/storage.js';

export const MAX_THREAD_PARTNERS = 1000;

// urn:li:msg_conversation:(urn:li:fsd_profile:ACo…,2-…) or urn:li:messagingThread:2-…
const CONVERSATION_URN = /^urn:li:msg_conversation:\([^,]*,([^,()]+)\)$/;
const THREAD_URN = /^urn:li:messagingThread:([^,()]+)$/;

/** The thread id of a conversation URN, or null. */
export function threadIdOf(urn) {
  if (typeof urn !== 'string') return null;
  return (CONVERSATION_URN.exec(urn) ?? THREAD_URN.exec(urn))?.[1] ?? null;
}

function nameOf(partner) {
  return [partner.firstName, partner.lastName].filter(Boolean).join(' ');
}

/**
 * Record the partners of parsed conversations (voyager-parse's shape:
 * {urn, lastActivityAt, isGroup, partner}); group chats and conversations
 * without a partner are left out.
 */
export async function rememberThreadPartners(chrome, conversations) {
  const fresh = [];
  for (const conversation of conversations) {
    const threadId = threadIdOf(conversation.urn);
    const partner = conversation.partner;
    if (!threadId || conversation.isGroup || !partner?.memberId) continue;
    fresh.push([threadId, { memberId: partner.memberId, slug: partner.slug ?? null, name: nameOf(partner), at: conversation.lastActivityAt }]);
  }
  if (fresh.length === 0) return;
  const store = createStore(chrome);
  const known = new Map(Object.entries((await store.get(KEYS.THREAD_PARTNERS)) ?? {}));
  for (const [threadId, entry] of fresh) known.set(threadId, entry);
  const kept = [...known].sort(([, a], [, b]) => b.at - a.at).slice(0, MAX_THREAD_PARTNERS);
  await store.set(KEYS.THREAD_PARTNERS, Object.fromEntries(kept));
}

/** {memberId, slug, name, at} of a thread the sync has seen, or null. */
export async function partnerOfThread(chrome, threadId) {
  const known = (await createStore(chrome).get(KEYS.THREAD_PARTNERS)) ?? {};
  return Object.hasOwn(known, threadId) ? known[threadId] : null;
}
