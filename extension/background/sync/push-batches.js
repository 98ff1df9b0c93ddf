// Shape parsed conversations into the push contract (docs/linkedin-sync.md §2)
// and group them into pushes that stay inside the backend's limits.

/** The backend's limits, and the body size the extension aims under. */
export const PUSH_LIMITS = Object.freeze({
  conversations: 100,
  messages: 2_000,
  // The backend refuses bodies over 5,242,880 bytes; aim well under it.
  bytes: 4_000_000,
  textChars: 8_000,
});

const encoder = new TextEncoder();
const byteLength = (value) => encoder.encode(JSON.stringify(value)).length;
const EMPTY_BODY_BYTES = byteLength({ conversations: [], profiles: [] });

/**
 * Cut text longer than `max` characters (code points, as the backend counts
 * them, so no surrogate pair is split) and mark the cut with "…".
 */
export function truncateText(text, max = PUSH_LIMITS.textChars) {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A parsed message → a contract message. */
export function toPushMessage(m, limits = PUSH_LIMITS) {
  return { urn: m.urn, from_self: m.fromSelf, text: truncateText(m.text, limits.textChars), sent_at: m.sentAt };
}

/**
 * A parsed conversation and the messages to push → a contract conversation.
 * Unknown slug and profile URL are left out rather than sent empty.
 * `history`: what the walk learned about older messages (docs/linkedin-sync.md §2):
 * `{firstMessageAt?, missingAfter?}`.
 */
export function toPushConversation(conversation, messages, limits = PUSH_LIMITS, history = {}) {
  const p = conversation.partner;
  return {
    urn: conversation.urn,
    partner: {
      member_id: p.memberId,
      ...(p.slug ? { slug: p.slug } : {}),
      first_name: p.firstName,
      last_name: p.lastName,
      headline: p.headline,
      ...(p.profileUrl ? { profile_url: p.profileUrl } : {}),
    },
    messages: messages.map((m) => toPushMessage(m, limits)),
    ...(history.firstMessageAt != null ? { first_message_at: history.firstMessageAt } : {}),
    ...(history.missingAfter != null ? { older_missing_after: history.missingAfter } : {}),
  };
}

/**
 * Split a contract conversation whose messages would not fit one push into
 * parts (same urn and partner) that each fit an empty push. A conversation
 * without messages (it only tells where the conversation starts) is one part.
 */
export function splitConversation(conversation, limits = PUSH_LIMITS) {
  const room = limits.bytes - EMPTY_BODY_BYTES - byteLength({ ...conversation, messages: [] });
  const parts = [];
  let current = [];
  let bytes = 0;
  for (const message of conversation.messages) {
    const size = byteLength(message) + 1; // + the separating comma
    if (current.length > 0 && (current.length >= limits.messages || bytes + size > room)) {
      parts.push({ ...conversation, messages: current });
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0 || parts.length === 0) parts.push({ ...conversation, messages: current });
  return parts;
}

/** The push being filled: conversations, their message count and the body's size in bytes. */
export function createPushBatch(limits = PUSH_LIMITS) {
  let conversations = [];
  let messages = 0;
  let bytes = EMPTY_BODY_BYTES;
  return {
    get size() {
      return conversations.length;
    },
    /** Add a part (from splitConversation) if the push stays inside the limits; false when it is full. */
    tryAdd(part) {
      const size = byteLength(part) + (conversations.length > 0 ? 1 : 0);
      const fits =
        conversations.length < limits.conversations &&
        messages + part.messages.length <= limits.messages &&
        bytes + size <= limits.bytes;
      if (!fits && conversations.length > 0) return false;
      conversations.push(part);
      messages += part.messages.length;
      bytes += size;
      return true;
    },
    /** The push body; empties the batch. */
    take() {
      const body = { conversations, profiles: [] };
      conversations = [];
      messages = 0;
      bytes = EMPTY_BODY_BYTES;
      return body;
    },
  };
}
