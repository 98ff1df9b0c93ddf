// The in-tab route: a Voyager call made by an open LinkedIn tab's own page.
//
// LinkedIn may refuse the service worker's requests (no Origin,
// `Sec-Fetch-Site: none`) although the session is valid. The same request
// made from inside a www.linkedin.com page is a same-origin request of
// LinkedIn's own web app. `chrome.scripting.executeScript({world: 'MAIN'})`
// runs `fetchAnswer` there; the answer (LinkedIn's data, which that page can
// read anyway) comes back to the worker as a plain object.
//
// What the page gets: the path and the request headers of this one call
// (the csrf token is LinkedIn's own JSESSIONID, which the page's scripts can
// read from document.cookie). Nothing of PingCRM (no token, no address)
// ever goes to the page.

import { ERR } from '../../lib/errors.js';
import { ApiError } from '../api.js';
import { fetchAnswer } from './fetch-answer.js';

export const LINKEDIN_TABS = 'https://www.linkedin.com/*';
/** Tabs tried before giving up (a closed or frozen tab throws; the next one may work). */
export const MAX_TABS_TRIED = 3;

/** Open www.linkedin.com tabs, the likeliest to answer first: the active one, then the most recently used. */
export async function linkedInTabs(chrome) {
  const tabs = await chrome.tabs.query({ url: LINKEDIN_TABS });
  return tabs
    .filter((tab) => !tab.discarded && typeof tab.id === 'number')
    .sort((a, b) => Number(b.active) - Number(a.active) || (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
}

/**
 * @param {{chrome: object, origin: string, timeoutMs: number}} deps
 * @returns {(path: string, options: {headers: object, maxChars: number}) => Promise<object>}
 *   resolves to the answer; throws linkedin_needs_tab with no usable LinkedIn
 *   tab, linkedin_unreachable when the page's fetch got no HTTP answer.
 */
export function createTabRoute({ chrome, origin, timeoutMs }) {
  return async function send(path, { headers, maxChars }) {
    const tabs = (await linkedInTabs(chrome)).slice(0, MAX_TABS_TRIED);
    for (const tab of tabs) {
      let results;
      try {
        results = await chrome.scripting.executeScript({
          target: { tabId: tab.id },
          world: 'MAIN',
          func: fetchAnswer,
          args: [origin + path, headers, timeoutMs, maxChars, origin],
        });
      } catch {
        continue; // closed, navigating, or showing an error page: try the next tab
      }
      const answer = results?.[0]?.result;
      if (!answer || answer.left) continue;
      if (answer.status === 0) throw new ApiError(ERR.LINKEDIN_UNREACHABLE, `Cannot reach LinkedIn from its tab (${answer.error})`);
      return answer;
    }
    throw new ApiError(
      ERR.LINKEDIN_NEEDS_TAB,
      'LinkedIn refused the extension’s own requests; open linkedin.com in a tab to sync through it',
    );
  };
}
