// The worker's handler map: one entry per message type in lib/messages.js.
// Handlers receive the payload and return data (or throw an ApiError).

import { MSG } from '../lib/messages.js';
import { createApi } from './api.js';
import { createSuggestions } from './composer/suggestions.js';
import { createPairing } from './pairing.js';
import { createStatus } from './status.js';
import { createSync } from './sync/sync.js';

/**
 * @param {{chrome: object, fetch: Function, now?: () => number, timeoutMs?: number,
 *          sync?: ReturnType<typeof createSync>}} deps
 *   `sync`: the worker instance's sync engine (it must outlive one message:
 *   it guards against two syncs started by the same worker).
 */
export function createHandlers(deps) {
  const api = createApi(deps);
  const pairing = createPairing({ ...deps, api });
  const status = createStatus({ ...deps, api });
  const sync = deps.sync ?? createSync({ ...deps, api });
  const suggestions = createSuggestions({ ...deps, api });
  return {
    [MSG.PAIRING_START]: () => pairing.start(),
    [MSG.PAIRING_POLL]: () => pairing.poll(),
    [MSG.STATUS_GET]: (payload) => status.get({ verify: Boolean(payload?.verify) }),
    [MSG.PAIRING_DISCONNECT]: () => pairing.disconnect(),
    [MSG.SETTINGS_SET_API_URL]: (payload) => pairing.setApiUrl(payload?.apiUrl),
    [MSG.SYNC_PAGE_LOADED]: () => sync.pageLoaded(),
    [MSG.SYNC_NOW]: () => sync.syncNow(),
    [MSG.SUGGESTIONS_FOR_CONVERSATION]: (payload) => suggestions.forConversation(payload),
    [MSG.SUGGESTIONS_REGENERATE]: (payload) => suggestions.regenerate(payload),
    [MSG.SUGGESTIONS_MARK_SENT]: (payload) => suggestions.markSent(payload),
  };
}
