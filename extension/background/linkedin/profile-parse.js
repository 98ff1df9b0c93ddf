// The profile parser of the backfill (docs/linkedin-sync.md, "Profile
// backfill"): one /identity/dash/profiles answer → the push's `profiles`
// item. Reference shape: tests/fixtures/voyager/profile.json. As the other
// parsers, it tolerates missing and extra fields; an answer without the
// person it was asked for is `null` (the caller decides what that means).

import { memberIdOf } from './voyager-parse.js';

const PROFILE_TYPE = /\.identity\.profile\.Profile$/;
const POSITION_TYPE = /\.identity\.profile\.Position$/;
// The leading width in a CDN file name such as `200_200/0/1700000000000?e=…`.
const WIDTH_IN_SEGMENT = /^(\d+)_\d+\b/;

/** A Voyager text: a plain string or `{text}`; '' when absent. */
function textOf(value) {
  if (typeof value === 'string') return value.trim();
  return typeof value?.text === 'string' ? value.text.trim() : '';
}

/** A `{year, month}` as a number that orders dates (a year alone counts as January); null when absent. */
function monthsOf(date) {
  const year = Number(date?.year);
  if (!Number.isInteger(year) || year <= 0) return null;
  const month = Number(date?.month);
  return year * 12 + (Number.isInteger(month) && month >= 1 && month <= 12 ? month - 1 : 0);
}

function entitiesOf(json) {
  return Array.isArray(json?.included) ? json.included.filter((item) => item && typeof item === 'object') : [];
}

/** The profile entity asked for: by member id, else by slug, else the answer's first element. */
function findProfile(entities, json, { memberId, slug }) {
  const profiles = entities.filter((item) => PROFILE_TYPE.test(item.$type ?? '') && memberIdOf(item.entityUrn));
  const wanted = (item) =>
    (memberId && memberIdOf(item.entityUrn) === memberId) || (slug && item.publicIdentifier === slug);
  const first = Array.isArray(json?.data?.['*elements']) ? json.data['*elements'][0] : null;
  return profiles.find(wanted) ?? profiles.find((item) => item.entityUrn === first) ?? null;
}

/** The photo's CDN addresses, largest first: rootUrl + each artifact's file segment. */
function photoUrlsOf(profile) {
  const picture = profile.profilePicture ?? {};
  const vector =
    picture.displayImageReference?.vectorImage ?? picture.displayImageReferenceResolutionResult?.vectorImage ?? null;
  const root = typeof vector?.rootUrl === 'string' ? vector.rootUrl : '';
  if (!root.startsWith('https://') || !Array.isArray(vector.artifacts)) return [];
  const sized = vector.artifacts
    .map((artifact, index) => {
      const segment = artifact?.fileIdentifyingUrlPathSegment;
      if (typeof segment !== 'string' || segment === '') return null;
      const width = Number.isFinite(artifact.width) ? artifact.width : Number(WIDTH_IN_SEGMENT.exec(segment)?.[1] ?? 0);
      return { url: root + segment, width, index };
    })
    .filter(Boolean);
  // Widest first; without widths, LinkedIn's own order (smallest first) reversed.
  sized.sort((a, b) => b.width - a.width || b.index - a.index);
  return [...new Set(sized.map((item) => item.url))];
}

/**
 * The profile's positions, current ones first (no end date; the most recent
 * start first), then past ones (the most recent end first). A position of
 * another profile in the same answer (its URN names another member) is not
 * this person's.
 */
function positionsOf(entities, memberId) {
  const positions = entities
    .filter((item) => POSITION_TYPE.test(item.$type ?? ''))
    .filter((item) => !memberId || !item.entityUrn || item.entityUrn.includes(memberId))
    .map((item) => {
      const range = item.dateRange ?? item.timePeriod ?? {};
      const end = range.end ?? range.endDate ?? null;
      return {
        title: textOf(item.title),
        company: textOf(item.companyName ?? item.company?.name),
        current: end === null || monthsOf(end) === null,
        start: monthsOf(range.start ?? range.startDate) ?? 0,
        end: monthsOf(end) ?? 0,
      };
    })
    .filter((position) => position.title !== '' || position.company !== '');
  positions.sort((a, b) => Number(b.current) - Number(a.current) || b.start - a.start || b.end - a.end);
  return positions.map(({ title, company, current }) => ({ title, company, current }));
}

/**
 * The push's profile item for the person asked for, or null when the answer
 * does not hold them.
 * @param {object} json a /identity/dash/profiles answer
 * @param {{memberId: string|null, slug: string|null}} asked
 */
export function parseProfile(json, asked) {
  const entities = entitiesOf(json);
  const profile = findProfile(entities, json, asked);
  if (profile === null) return null;
  const memberId = memberIdOf(profile.entityUrn);
  const slug = typeof profile.publicIdentifier === 'string' && profile.publicIdentifier ? profile.publicIdentifier : asked.slug;
  return {
    member_id: memberId,
    slug: slug ?? null,
    profile_url: slug ? `https://www.linkedin.com/in/${encodeURIComponent(slug)}/` : null,
    first_name: textOf(profile.firstName),
    last_name: textOf(profile.lastName),
    headline: textOf(profile.headline),
    location: textOf(profile.geoLocationName ?? profile.locationName ?? profile.geoLocation?.geo?.defaultLocalizedName),
    positions: positionsOf(entities, memberId),
    photo_urls: photoUrlsOf(profile),
  };
}
