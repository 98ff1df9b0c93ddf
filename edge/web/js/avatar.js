// A contact's photo: initials at once, the photo once it has loaded.
//
// Avatars are fetched with the bearer token and shown through blob: URLs
// (docs/decisions.md, avatars); the browser's cache answers the next fetch.
// Every blob URL is revoked when the page goes (ctx.signal aborts).

import { fetchBlob } from './api.js';
import { el } from './dom.js';

/** "Ada Lovelace" → "AL"; "ada" → "A"; "" → "?". */
export function initials(name) {
  const words = String(name ?? '')
    .trim()
    .split(/\s+/)
    .filter((word) => /\p{L}|\p{N}/u.test(word));
  if (words.length === 0) return '?';
  const first = [...words[0]][0];
  const last = words.length > 1 ? [...words[words.length - 1]][0] : '';
  return (first + last).toUpperCase();
}

/**
 * A round avatar of `name`. With `url` (an edge path such as
 * /api/v1/avatars/<sha>) the thumbnail replaces the initials when it arrives;
 * a missing or refused photo leaves the initials.
 */
export function avatar(url, name, { signal, className = 'avatar' } = {}) {
  const node = el('span', { className, 'aria-hidden': 'true' }, initials(name));
  if (!url) return node;
  const thumb = `${url}${url.includes('?') ? '&' : '?'}size=thumb`;
  fetchBlob(thumb, { signal })
    .then((blob) => {
      if (signal?.aborted) return;
      const src = URL.createObjectURL(blob);
      signal?.addEventListener('abort', () => URL.revokeObjectURL(src));
      node.replaceChildren(el('img', { src, alt: '', width: '48', height: '48' }));
      node.classList.add('has-photo');
    })
    .catch(() => {
      // No photo to show (gone, or not this user's): the initials stay.
    });
  return node;
}
