// What LinkedIn's answers mean (docs/linkedin-sync.md §1). Both routes a
// call can take (the worker's own fetch, or a fetch inside an open LinkedIn
// tab, linkedin/in-tab.js) hand back the same plain answer:
//
//   {status, url, redirected, contentType, retryAfter, text}
//
// and these pure functions turn it into a typed ApiError or let it pass.

import { ERR } from '../../lib/errors.js';
import { ApiError, parseRetryAfter } from '../api.js';

const LOGIN_PAGE = /^\/(?:login|uas\/login|authwall|signup)\b/;
const CHALLENGE_PAGE = /^\/checkpoint\//;

/** The path an answer was redirected to, '' when it was not. */
export function landedOn(answer) {
  if (!answer.redirected || !answer.url) return '';
  try {
    return new URL(answer.url).pathname;
  } catch {
    return '';
  }
}

/**
 * Why LinkedIn refused a request that carried valid-looking session cookies,
 * or null. From the worker such an answer may only mean "not from a LinkedIn
 * page" (it has no Origin and `Sec-Fetch-Site: none`), so the same call is
 * made again from inside an open LinkedIn tab; from a tab it means what it
 * says (checkAnswer). A 401 is not a refusal: the session itself ended.
 * @returns {'forbidden'|'login_page'|'challenge_page'|null}
 */
export function refusalOf(answer) {
  const path = landedOn(answer);
  if (CHALLENGE_PAGE.test(path)) return 'challenge_page';
  if (LOGIN_PAGE.test(path)) return 'login_page';
  if (answer.status === 403) return 'forbidden';
  return null;
}

function sessionExpired(message) {
  return new ApiError(ERR.LINKEDIN_SESSION_EXPIRED, message);
}

function slowDown(message, { status = 0, retryAfterMs = null } = {}) {
  return new ApiError(ERR.LINKEDIN_SLOW_DOWN, message, { status, retryAfterMs });
}

/** True when the answer is a web page, not data: a challenge or interstitial where JSON was asked for. */
export function isWebPage(answer) {
  return /text\/html/i.test(answer.contentType ?? '') || /^\s*</.test(answer.text ?? '');
}

/**
 * Throw the typed error an answer stands for; return when it is a 2xx.
 * `expectJson`: a web page in its place is a challenge (slow down).
 */
export function checkAnswer(answer, what, now, { expectJson = true } = {}) {
  const path = landedOn(answer);
  if (CHALLENGE_PAGE.test(path)) throw slowDown('LinkedIn asked for a security check', { status: answer.status });
  if (LOGIN_PAGE.test(path)) throw sessionExpired('LinkedIn sent the login page');
  const { status } = answer;
  if (status === 401 || status === 403) throw sessionExpired(`LinkedIn answered HTTP ${status}`);
  if (status === 429 || status === 999) {
    throw slowDown(`LinkedIn answered HTTP ${status}`, { status, retryAfterMs: parseRetryAfter(answer.retryAfter, now()) });
  }
  if (status >= 500) throw new ApiError(ERR.LINKEDIN_UNREACHABLE, `LinkedIn answered HTTP ${status}`, { status });
  if (status < 200 || status >= 300) {
    throw new ApiError(ERR.LINKEDIN_FORMAT_CHANGED, `LinkedIn answered HTTP ${status} to ${what}`, { status });
  }
  if (expectJson && isWebPage(answer)) throw slowDown(`LinkedIn answered a web page to ${what}`, { status });
}

/** The JSON of a checked answer; unreadable JSON is a format change. */
export function jsonOf(answer, what) {
  try {
    return JSON.parse(answer.text);
  } catch {
    throw new ApiError(ERR.LINKEDIN_FORMAT_CHANGED, `LinkedIn answered ${what} with unreadable JSON`, {
      status: answer.status,
    });
  }
}
