// "Load more" under a list read page by page with a cursor: the button, and the error line shown above it
// when a page cannot be read (the button stays, so the user can try again).

import { describeError } from './api.js';
import { el } from './dom.js';

/**
 * @param {{id: string, signal: AbortSignal, list: HTMLElement,
 *          fetchMore: (cursor: string) => Promise<string | null | undefined>}} options
 *   `fetchMore` reads the page after `cursor`, adds its items to `list` and answers the next cursor (null
 *   at the end), or undefined when its answer no longer applies (the list was reloaded meanwhile).
 * @returns {{element: HTMLElement, reset: (cursor: string | null | undefined) => void, hasMore: () => boolean}}
 *   `element` goes under the list; `reset` after each first page, with its next cursor; `hasMore` whether
 *   the list has pages still to read.
 */
export function createLoadMore({ id, signal, list, fetchMore }) {
  const button = el('button', { id, type: 'button', className: 'secondary', onClick: () => loadMore() }, 'Load more');
  const error = el('p', { className: 'error', role: 'alert', hidden: true });
  let cursor = null;

  function reset(nextCursor) {
    cursor = nextCursor || null;
    error.hidden = true;
    button.hidden = !cursor;
    button.disabled = false;
    button.textContent = 'Load more';
  }

  // Disabling the button while it loads takes its focus, which would drop a keyboard user at the top of the
  // page: they go on from the first item the page added (or the button again when it added none).
  function focusAfterLoad(shownBefore) {
    const target = list.children[shownBefore]?.querySelector('a[href], button') ?? (button.hidden ? null : button);
    target?.focus();
  }

  async function loadMore() {
    if (!cursor) return;
    const hadFocus = document.activeElement === button;
    const shownBefore = list.children.length;
    button.disabled = true;
    button.textContent = 'Loading…';
    try {
      const next = await fetchMore(cursor);
      if (signal.aborted || next === undefined) return;
      reset(next);
      if (hadFocus) focusAfterLoad(shownBefore);
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      error.textContent = describeError(err);
      error.hidden = false;
      button.disabled = false;
      button.textContent = 'Load more';
      if (hadFocus) button.focus();
    }
  }

  return { element: el('div', { className: 'load-more' }, error, button), reset, hasMore: () => cursor !== null };
}
