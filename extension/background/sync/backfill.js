// Profile backfill, after each sync (docs/linkedin-sync.md, "Profile
// backfill"): once the sync's pushes are done, the extension takes from
// PingCRM the contacts missing a title, company or photo whose turn has
// come (POST /api/v1/linkedin/backfill). Taking them puts off their next
// turn, so it asks once per sync, right before fetching. It fetches at most
// MAX_PROFILES_PER_SYNC of those profiles from Voyager — paced like every
// other Voyager call — and pushes them as `profiles`; a profile LinkedIn no
// longer has goes in `profiles_gone`, so PingCRM stops asking for it. A
// candidate with a `photo_url` is a photo LinkedIn's CDN refused PingCRM's
// server: the browser fetches it and sends the bytes. Profiles only enrich
// contacts the user has; the backend never creates one from them.

import { ERR } from '../../lib/errors.js';
import { ApiError, PATHS, contactPhotoPath } from '../api.js';

/** Profile fetches per sync at most (and photo fetches at most): a sync must not look like profile scraping. */
export const MAX_PROFILES_PER_SYNC = 10;

// LinkedIn errors that stop the backfill and the sync (the sync's back-off handles them); any other failure
// only ends this sync's backfill: the messages are synced, and PingCRM asks for the profiles again later.
const STOPPING = new Set([ERR.LINKEDIN_SLOW_DOWN, ERR.LINKEDIN_SESSION_EXPIRED, ERR.LINKEDIN_NEEDS_TAB]);

/** The candidates worth a look, each contact once, in PingCRM's order (most recently active first). */
export function backfillCandidates(list) {
  const seen = new Set();
  return (Array.isArray(list) ? list : []).filter((item) => {
    if (!item || typeof item.contact_id !== 'string' || seen.has(item.contact_id)) return false;
    seen.add(item.contact_id);
    return true;
  });
}

/** The candidates PingCRM hands out now; none from a PingCRM too old to hand them out this way (404). */
async function takeCandidates(api) {
  try {
    const { data } = await api.request(PATHS.LINKEDIN_BACKFILL, { method: 'POST', auth: true });
    return backfillCandidates(data?.candidates);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return [];
    throw err;
  }
}

/**
 * Take the candidates, fetch and push their profiles, then send the refused photos.
 * @param {{session: object, api: {request: Function}, checkpoint: () => Promise<void>}} deps
 * @returns {Promise<{profiles: number, gone: number, photos: number}>}
 */
export async function backfillProfiles({ session, api, checkpoint }) {
  await checkpoint();
  const wanted = await takeCandidates(api);
  const profiles = [];
  const gone = [];
  let stopped = null;
  for (const candidate of wanted.filter((c) => c.slug || c.member_id).slice(0, MAX_PROFILES_PER_SYNC)) {
    const asked = { memberId: candidate.member_id ?? null, slug: candidate.slug ?? null };
    try {
      await checkpoint();
      const found = await session.profile(asked);
      if (found.gone) gone.push({ member_id: asked.memberId, slug: asked.slug });
      else profiles.push(found.profile);
    } catch (err) {
      if (err instanceof ApiError && STOPPING.has(err.code)) stopped = err;
      else if (!(err instanceof ApiError)) throw err;
      break;
    }
  }
  if (profiles.length > 0 || gone.length > 0) {
    await checkpoint();
    await api.request(PATHS.LINKEDIN_PUSH, {
      method: 'POST',
      body: { conversations: [], profiles, profiles_gone: gone },
      auth: true,
    });
  }
  if (stopped !== null) throw stopped;

  let photos = 0;
  for (const candidate of wanted.filter((c) => typeof c.photo_url === 'string').slice(0, MAX_PROFILES_PER_SYNC)) {
    await checkpoint();
    const photo = await session.photo(candidate.photo_url);
    if (photo === null) continue;
    await checkpoint();
    try {
      await api.request(contactPhotoPath(candidate.contact_id, candidate.photo_url), {
        method: 'PUT',
        bytes: { data: photo.bytes, contentType: photo.contentType },
        auth: true,
      });
      photos += 1;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // PingCRM refused this photo (not an image after all, the contact merged away…): the others may still go.
      if (err.status >= 400 && err.status < 500 && err.status !== 429) continue;
      // PingCRM cannot take photos now (down, busy): the messages are synced; it names the photo again later.
      break;
    }
  }
  return { profiles: profiles.length, gone: gone.length, photos };
}
