// Stable error codes carried in `{ok: false, error: {code, message}}` answers
// and in ApiError. Pages map them to human text with `describeError`.

// Codes of PingCRM's problem details that the extension names. Each must be a
// code the backend registers (<package>/error_codes.py); `./dev lint` fails
// otherwise (tools/gen_error_codes.py). Other backend codes pass through with
// the server's own `detail` as their text.
export const SERVER_ERR = Object.freeze({
  INTERNAL: 'internal',
  UNAVAILABLE: 'unavailable',
  // Also the extension's code for an HTTP error answer without problem details.
  HTTP_ERROR: 'http_error',
});

// Every code the extension names: the backend's above, then its own. None of
// its own may be a backend code too (`./dev lint` checks): a page could not
// tell which side failed.
export const ERR = Object.freeze({
  ...SERVER_ERR,
  SERVER_UNREACHABLE: 'server_unreachable',
  SERVER_ERROR: 'server_error',
  BAD_RESPONSE: 'bad_response',
  NOT_PAIRED: 'not_paired',
  ALREADY_PAIRED: 'already_paired',
  PAIRING_REVOKED: 'pairing_revoked',
  UNAUTHORIZED: 'unauthorized',
  CODE_EXPIRED: 'code_expired',
  CODE_UNKNOWN: 'code_unknown',
  CODE_REJECTED: 'code_rejected',
  RATE_LIMITED: 'rate_limited',
  INVALID_API_URL: 'invalid_api_url',
  HOST_PERMISSION_REQUIRED: 'host_permission_required',
  UNKNOWN_MESSAGE: 'unknown_message',
  FORBIDDEN_SENDER: 'forbidden_sender',
  EXTENSION_INTERNAL: 'extension_internal',
  // LinkedIn (Voyager) answers, docs/linkedin-sync.md §1. They end a sync in
  // a state (lib/sync-state.js) that the popup words itself.
  LINKEDIN_SESSION_EXPIRED: 'linkedin_session_expired',
  LINKEDIN_SLOW_DOWN: 'linkedin_slow_down',
  LINKEDIN_FORMAT_CHANGED: 'linkedin_format_changed',
  LINKEDIN_UNREACHABLE: 'linkedin_unreachable',
  /** LinkedIn refused the worker's own requests and no LinkedIn tab is open to make them from. */
  LINKEDIN_NEEDS_TAB: 'linkedin_needs_tab',
  // P and R in LinkedIn's composer (background/composer/).
  PARTNER_UNKNOWN: 'partner_unknown',
  INVALID_REQUEST: 'invalid_request',
});

const TEXT = {
  [SERVER_ERR.INTERNAL]: 'PingCRM answered with a server error. Try again in a moment.',
  [SERVER_ERR.UNAVAILABLE]: 'Part of PingCRM is not running right now. Try again in a moment.',
  [ERR.SERVER_UNREACHABLE]: 'Cannot reach PingCRM at this address. Check the URL and that the server is running.',
  [ERR.SERVER_ERROR]: 'PingCRM answered with a server error. Try again in a moment.',
  [ERR.BAD_RESPONSE]: 'PingCRM sent an answer this extension does not understand. Is the URL right?',
  [ERR.NOT_PAIRED]: 'This browser is not connected to PingCRM.',
  [ERR.ALREADY_PAIRED]: 'Disconnect first to change the PingCRM URL.',
  [ERR.PAIRING_REVOKED]: 'The connection to PingCRM ended. Pair this browser again.',
  [ERR.UNAUTHORIZED]: 'PingCRM refused the extension token.',
  [ERR.CODE_EXPIRED]: 'The code expired; a new one was generated.',
  [ERR.CODE_UNKNOWN]: 'PingCRM does not know this code; a new one was generated.',
  [ERR.CODE_REJECTED]: 'PingCRM rejected this code; getting a new one.',
  [ERR.RATE_LIMITED]: 'Too many requests; slowing down.',
  [ERR.INVALID_API_URL]: 'Enter a URL starting with http:// or https://.',
  [ERR.HOST_PERMISSION_REQUIRED]: 'Allow the extension to access this PingCRM address (save the URL again and accept the prompt).',
  [ERR.UNKNOWN_MESSAGE]: 'Internal error: unknown request.',
  [ERR.EXTENSION_INTERNAL]: 'Something went wrong inside the extension.',
  [ERR.PARTNER_UNKNOWN]: "Can't tell who this conversation is with.",
  [ERR.INVALID_REQUEST]: 'Internal error: malformed request.',
};

/** Human text for an error object `{code, message}`. */
export function describeError(error) {
  if (!error) return '';
  return TEXT[error.code] ?? error.message ?? 'Something went wrong.';
}
