// Dispatch `{type, payload}` messages through a handler map and always answer
// `{ok: true, data}` or `{ok: false, error: {code, message}}`.

import { ERR } from '../lib/errors.js';
import { MSG, isKnownType } from '../lib/messages.js';
import { ApiError } from './api.js';

/**
 * Message types a content script may send: "a LinkedIn page loaded" (at
 * worst a page makes the worker consider a sync it would run anyway), and
 * P and R in LinkedIn's composer (they read, redraft and mark sent the
 * user's own suggestions, which the composer shows to the user anyway).
 * Pairing, settings and Sync Now are for extension pages only.
 */
export const CONTENT_SCRIPT_TYPES = new Set([
  MSG.SYNC_PAGE_LOADED,
  MSG.SUGGESTIONS_FOR_CONVERSATION,
  MSG.SUGGESTIONS_REGENERATE,
  MSG.SUGGESTIONS_MARK_SENT,
]);

function fail(code, message) {
  return { ok: false, error: { code, message } };
}

/** True when the sender is a page of this extension (popup, options…). */
export function isExtensionPage(sender, extensionId) {
  return (
    sender?.id === extensionId &&
    typeof sender.url === 'string' &&
    sender.url.startsWith(`chrome-extension://${extensionId}/`)
  );
}

/**
 * @param {Record<string, (payload: any) => Promise<any>>} handlers
 * @param {any} message
 * @param {chrome.runtime.MessageSender} sender
 * @param {string} extensionId chrome.runtime.id
 * @param {{error?: Function}} [log]
 */
export async function dispatch(handlers, message, sender, extensionId, log = console) {
  const type = message?.type;
  if (typeof type !== 'string' || !isKnownType(type) || !handlers[type]) {
    return fail(ERR.UNKNOWN_MESSAGE, `Unknown message type: ${String(type)}`);
  }
  if (sender?.id !== extensionId) return fail(ERR.FORBIDDEN_SENDER, 'Message from another extension');
  if (!isExtensionPage(sender, extensionId) && !CONTENT_SCRIPT_TYPES.has(type)) {
    return fail(ERR.FORBIDDEN_SENDER, `${type} is only accepted from extension pages`);
  }
  try {
    const data = await handlers[type](message.payload ?? {});
    return { ok: true, data: data ?? null };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err.toJSON() };
    log.error?.(`PingCRM: ${type} failed`, err);
    return fail(ERR.EXTENSION_INTERNAL, 'Internal error in the extension');
  }
}
