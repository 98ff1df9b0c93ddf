// Contact photos. An <img src> cannot send the bearer token, so each photo is
// fetched with it and shown through a blob: URL (README, "Avatars"); the
// browser's HTTP cache answers a photo seen before without asking the edge
// (the answer is private, immutable, a year long). Until a photo arrives —
// and for a contact without one — the initials stand in, so a row never
// jumps and a failed photo costs nothing but the picture.

import { session } from './api.js';
import { el } from './dom.js';

/**
 * "Ada Lovelace" → "AL"; "Ève" → "È"; "" → "?". Words that start with a letter or digit count first, so the
 * emoji many LinkedIn names carry stay out: "Jane Doe 🚀" → "JD" (a name of emoji alone keeps its first).
 */
export function initials(name) {
  const all = String(name ?? '').trim().split(/\s+/).filter(Boolean);
  const named = all.filter((word) => /^[\p{L}\p{N}]/u.test(word));
  const words = named.length > 0 ? named : all;
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((word) => Array.from(word)[0].toLocaleUpperCase()).join('') || '?';
}

/**
 * Photos for one page: blob URLs are revoked when the page goes (`signal`).
 * @param {AbortSignal} signal
 */
export function createAvatars(signal) {
  const urls = [];
  signal.addEventListener('abort', () => urls.splice(0).forEach((url) => URL.revokeObjectURL(url)));

  async function load(path, img, frame) {
    const current = session.get();
    if (!current) return;
    try {
      const response = await fetch(path, {
        headers: { Authorization: `Bearer ${current.token}` },
        credentials: 'omit',
        signal,
      });
      if (!response.ok) return;
      const url = URL.createObjectURL(await response.blob());
      urls.push(url);
      img.src = url;
      await img.decode();
      frame.classList.add('has-photo');
    } catch {
      // No photo (aborted, unreachable, not an image): the initials stay.
    }
  }

  /**
   * A contact's photo, initials while it loads or when there is none.
   * @param {{full_name: string, avatar_url: string|null}} contact
   * @param {'small'|'large'} size small uses the 96 × 96 thumbnail
   */
  return function avatar(contact, size = 'small') {
    const img = el('img', { alt: '', className: 'avatar-img', decoding: 'async' });
    const frame = el(
      'span',
      { className: `avatar avatar-${size}`, 'aria-hidden': 'true' },
      el('span', { className: 'avatar-initials' }, initials(contact.full_name)),
      img,
    );
    if (!contact.avatar_url) return frame;
    const thumb = `${contact.avatar_url}${contact.avatar_url.includes('?') ? '&' : '?'}size=thumb`;
    load(size === 'small' ? thumb : contact.avatar_url, img, frame);
    return frame;
  };
}
