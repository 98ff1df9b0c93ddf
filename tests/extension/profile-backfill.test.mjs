// Profile backfill: the parser on LinkedIn's dash profile shape and its
// variants, and what a sync's backfill fetches, pushes and uploads through
// the real Voyager client (its fetch answered here).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { parseProfile } from '../../extension/background/linkedin/profile-parse.js';
import { PROFILE_DECORATION, createVoyager } from '../../extension/background/linkedin/voyager.js';
import { ApiError } from '../../extension/background/api.js';
import { MAX_PROFILES_PER_SYNC, backfillProfiles } from '../../extension/background/sync/backfill.js';
import { KEYS } from '../../extension/lib/storage.js';
import { createFakeChrome } from './helpers/fake-chrome.mjs';
import { signIn } from './helpers/fake-voyager.mjs';
import { createWorld } from './helpers/sync-world.mjs';

const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/voyager/profile.json', import.meta.url), 'utf8'));
const ASKED = { memberId: 'ACoTESTMEMBER1', slug: 'partner-one' };
const copy = () => structuredClone(FIXTURE);
const PHOTO = 'https://media.licdn.com/dms/image/test/profile-displayphoto-shrink_';

function position(company, title, start, end = null) {
  return {
    $type: 'com.linkedin.voyager.dash.identity.profile.Position',
    entityUrn: `urn:li:fsd_position:(ACoTESTMEMBER1,${company})`,
    companyName: company,
    title,
    dateRange: end ? { start, end } : { start },
  };
}

describe('profile extraction', () => {
  it('reads the reference shape: names, headline, location, positions current first, photos largest first', () => {
    assert.deepEqual(parseProfile(FIXTURE, ASKED), {
      member_id: 'ACoTESTMEMBER1',
      slug: 'partner-one',
      profile_url: 'https://www.linkedin.com/in/partner-one/',
      first_name: 'Partner',
      last_name: 'One',
      headline: 'COO at Acme',
      location: 'San Francisco Bay Area',
      positions: [
        { title: 'COO', company: 'Acme', current: true },
        { title: 'Engineer', company: 'OldCo', current: false },
      ],
      photo_urls: ['800_800', '400_400', '200_200', '100_100'].map(
        (size, i) => `${PHOTO}${size}/0/1700000000000?e=1767225600&v=beta&t=${'dcba'[i]}`,
      ),
    });
  });

  it('several current positions: the most recent start first; past ones after them', () => {
    const json = copy();
    json.included = [
      json.included[0],
      position('Board', 'Advisor', { year: 2019, month: 3 }),
      position('OldCo', 'Engineer', { year: 2010 }, { year: 2024, month: 6 }),
      position('Startup', 'Founder', { year: 2023, month: 11 }),
      position('Acme', 'COO', { year: 2023, month: 2 }),
    ];
    assert.deepEqual(parseProfile(json, ASKED).positions, [
      { title: 'Founder', company: 'Startup', current: true },
      { title: 'COO', company: 'Acme', current: true },
      { title: 'Advisor', company: 'Board', current: true },
      { title: 'Engineer', company: 'OldCo', current: false },
    ]);
  });

  it('no photo, no positions: empty lists, the rest still read', () => {
    const json = copy();
    delete json.included[0].profilePicture;
    json.included = [json.included[0]];
    const profile = parseProfile(json, ASKED);
    assert.deepEqual([profile.photo_urls, profile.positions], [[], []]);
    assert.equal(profile.headline, 'COO at Acme');
  });

  it('names and titles as {text} objects; artifacts without widths keep LinkedIn order reversed', () => {
    const json = copy();
    Object.assign(json.included[0], { firstName: { text: 'Ève ' }, lastName: { text: 'Martin' }, headline: { text: 'CTO' } });
    json.included[1].title = { text: 'CTO' };
    json.included[0].profilePicture.displayImageReference.vectorImage.artifacts = [
      { fileIdentifyingUrlPathSegment: 'small.jpg' },
      { fileIdentifyingUrlPathSegment: 'large.jpg' },
    ];
    const profile = parseProfile(json, ASKED);
    assert.deepEqual([profile.first_name, profile.last_name, profile.headline], ['Ève', 'Martin', 'CTO']);
    assert.deepEqual(profile.positions[0], { title: 'CTO', company: 'Acme', current: true });
    assert.deepEqual(profile.photo_urls, [`${PHOTO}large.jpg`, `${PHOTO}small.jpg`]);
  });

  it('only the person asked for: another profile and its positions in the same answer are not theirs', () => {
    const json = copy();
    json.included.push(
      { ...json.included[0], entityUrn: 'urn:li:fsd_profile:ACoSOMEONEELSE', publicIdentifier: 'else', firstName: 'Else' },
      { ...position('Elsewhere', 'CEO', { year: 2025 }), entityUrn: 'urn:li:fsd_position:(ACoSOMEONEELSE,1)' },
    );
    json.included.reverse();
    const profile = parseProfile(json, ASKED);
    assert.equal(profile.first_name, 'Partner');
    assert.deepEqual(profile.positions.map((p) => p.company), ['Acme', 'OldCo']);
    assert.equal(parseProfile({ included: [] }, ASKED), null);
  });

  it('a non-https photo root is not an address to fetch', () => {
    const json = copy();
    json.included[0].profilePicture.displayImageReference.vectorImage.rootUrl = 'http://media.licdn.com/x/';
    assert.deepEqual(parseProfile(json, ASKED).photo_urls, []);
  });
});

/** The real Voyager client; LinkedIn answered by `answer(url)` → {status, body, contentType}. */
function world(answer) {
  const chrome = createFakeChrome();
  signIn(chrome);
  const calls = [];
  const sleeps = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    const { status = 200, body = '', contentType = 'application/json' } = answer(url);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : body instanceof Uint8Array ? body : text, {
      status,
      headers: { 'Content-Type': contentType },
    });
  };
  const voyager = createVoyager({ chrome, fetch, random: () => 0.5, sleep: async (ms) => sleeps.push(ms) });
  const requests = [];
  const w = { voyager, calls, sleeps, requests, candidates: [] }; // candidates: what PingCRM hands out
  w.api = {
    async request(path, options) {
      requests.push({ path, ...options });
      return { status: 200, data: path === BACKFILL ? { candidates: w.candidates } : {} };
    },
  };
  w.pushes = () => requests.filter((r) => r.path === '/api/v1/linkedin/push');
  return w;
}

const BACKFILL = '/api/v1/linkedin/backfill';

function profileFor(identity) {
  const json = copy();
  const id = identity.startsWith('ACo') ? identity : `ACo${identity.replace(/-/g, '')}`;
  json.data['*elements'] = [`urn:li:fsd_profile:${id}`];
  json.included[0] = { ...json.included[0], entityUrn: `urn:li:fsd_profile:${id}`, publicIdentifier: identity };
  json.included = [json.included[0]];
  return json;
}

const identityOf = (url) => decodeURIComponent(new URL(url).searchParams.get('memberIdentity'));

describe('profile backfill after a sync', () => {
  it('fetches at most 10 profiles per sync, by slug or else member id, paced, and pushes them', async () => {
    const candidates = Array.from({ length: 14 }, (_, i) => ({
      contact_id: `c${i}`,
      member_id: i % 2 ? `ACoMEMBER${i}` : null,
      slug: i % 2 ? null : `person-${i}`,
      photo_url: null,
    }));
    const w = world((url) => ({ body: profileFor(identityOf(url)) }));
    w.candidates = candidates;
    const session = await w.voyager.openSession();
    const result = await backfillProfiles({ session, api: w.api, checkpoint: async () => {} });
    assert.deepEqual(result, { profiles: MAX_PROFILES_PER_SYNC, gone: 0, photos: 0 });
    assert.equal(w.calls.length, MAX_PROFILES_PER_SYNC);
    assert.deepEqual(w.calls.slice(0, 2).map((c) => identityOf(c.url)), ['person-0', 'ACoMEMBER1']);
    assert.ok(w.calls.every((c) => c.url.includes(`decorationId=${PROFILE_DECORATION}`) && c.init.credentials === 'include'));
    assert.equal(w.sleeps.length, MAX_PROFILES_PER_SYNC - 1, 'paced like every Voyager call');
    assert.ok(w.sleeps.every((ms) => ms >= 400));
    const [take, push] = w.requests;
    assert.deepEqual([take.path, take.method, take.auth], [BACKFILL, 'POST', true], 'PingCRM hands them out first');
    assert.equal(push.path, '/api/v1/linkedin/push');
    assert.deepEqual(push.body.conversations, []);
    assert.deepEqual(push.body.profiles.map((p) => p.slug).slice(0, 2), ['person-0', 'ACoMEMBER1']);
    assert.deepEqual(push.body.profiles_gone, []);
  });

  it('a profile LinkedIn no longer has (404, 410, or not in the answer) is pushed as gone', async () => {
    const w = world((url) => {
      const who = identityOf(url);
      if (who === 'deleted') return { status: 404, body: { status: 404 } };
      if (who === 'closed') return { status: 410, body: {} };
      if (who === 'empty') return { body: { data: { '*elements': [] }, included: [] } };
      return { body: profileFor(who) };
    });
    const candidates = ['deleted', 'closed', 'empty', 'alive'].map((slug, i) => ({ contact_id: `c${i}`, slug }));
    const session = await w.voyager.openSession();
    w.candidates = candidates;
    const result = await backfillProfiles({ session, api: w.api, checkpoint: async () => {} });
    assert.deepEqual(result, { profiles: 1, gone: 3, photos: 0 });
    assert.deepEqual(w.pushes()[0].body.profiles_gone, [
      { member_id: null, slug: 'deleted' },
      { member_id: null, slug: 'closed' },
      { member_id: null, slug: 'empty' },
    ]);
  });

  it('a photo the CDN refused the server is fetched in the browser and sent as bytes', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const photoUrl = 'https://media.licdn.com/dms/image/p/800_800/0/1?e=1&t=x';
    const w = world((url) => {
      if (url === photoUrl) return { body: jpeg, contentType: 'image/jpeg' };
      if (url.includes('not-an-image')) return { body: '<html>', contentType: 'text/html' };
      return { body: profileFor(identityOf(url)) };
    });
    const candidates = [
      { contact_id: 'with/photo', slug: 'ada', photo_url: photoUrl },
      { contact_id: 'c2', slug: 'bob', photo_url: 'https://media.licdn.com/not-an-image.jpg' },
      { contact_id: 'c3', slug: 'cyd', photo_url: 'http://media.licdn.com/plain-http.jpg' },
    ];
    const session = await w.voyager.openSession();
    w.candidates = candidates;
    const result = await backfillProfiles({ session, api: w.api, checkpoint: async () => {} });
    assert.deepEqual(result, { profiles: 3, gone: 0, photos: 1 });
    const fetched = w.calls.find((c) => c.url === photoUrl);
    assert.equal(fetched.init.credentials, 'omit', 'no LinkedIn cookies to the CDN');
    assert.ok(!w.calls.some((c) => c.url.startsWith('http://')), 'a plain-http address is never fetched');
    const upload = w.requests.find((r) => r.method === 'PUT');
    assert.equal(upload.path, `/api/v1/contacts/with%2Fphoto/photo?source_url=${encodeURIComponent(photoUrl)}`);
    assert.equal(upload.bytes.contentType, 'image/jpeg');
    assert.deepEqual(new Uint8Array(upload.bytes.data), jpeg);
    assert.equal(upload.auth, true);
  });

  it('PingCRM unable to take photos now ends the uploads without failing the sync; a refused one is skipped', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    const w = world((url) => (url.includes('/photo-') ? { body: jpeg, contentType: 'image/jpeg' } : { body: profileFor(identityOf(url)) }));
    const answers = [new ApiError('not_an_image', 'not an image', { status: 422 }), null, new ApiError('media_unavailable', 'down', { status: 503 })];
    const uploads = [];
    const api = {
      async request(path, options) {
        if (path === BACKFILL) return { status: 200, data: { candidates } };
        if (options.method !== 'PUT') return { status: 200, data: {} };
        uploads.push(path);
        const answer = answers.shift();
        if (answer) throw answer;
        return { status: 204, data: null };
      },
    };
    const candidates = ['a', 'b', 'c', 'd'].map((slug) => ({ contact_id: slug, slug, photo_url: `https://media.licdn.com/photo-${slug}.jpg` }));
    const session = await w.voyager.openSession();
    const result = await backfillProfiles({ session, api, checkpoint: async () => {} });
    assert.equal(result.photos, 1);
    assert.equal(uploads.length, 3, 'after the 503 no more uploads this sync');
  });

  it('LinkedIn asking to slow down stops the backfill: what was fetched is pushed, the error ends the sync', async () => {
    let served = 0;
    const w = world((url) => (served++ < 2 ? { body: profileFor(identityOf(url)) } : { status: 429, body: {} }));
    const candidates = ['a', 'b', 'c', 'd'].map((slug) => ({ contact_id: slug, slug }));
    const session = await w.voyager.openSession();
    w.candidates = candidates;
    await assert.rejects(
      backfillProfiles({ session, api: w.api, checkpoint: async () => {} }),
      (err) => err.code === 'linkedin_slow_down',
    );
    assert.equal(w.calls.length, 3, 'nothing asked after the 429');
    assert.deepEqual(w.pushes()[0].body.profiles.map((p) => p.slug), ['a', 'b']);
  });

  it('nothing to enrich: no LinkedIn call, no push', async () => {
    const w = world(() => ({ status: 500 }));
    const session = await w.voyager.openSession();
    const result = await backfillProfiles({ session, api: w.api, checkpoint: async () => {} });
    assert.deepEqual(result, { profiles: 0, gone: 0, photos: 0 });
    assert.deepEqual([w.calls.length, w.requests.map((r) => r.path)], [0, [BACKFILL]], 'asked once, nothing pushed');
  });

  it('a PingCRM too old to hand candidates out (404): no backfill, the sync goes on', async () => {
    const w = world(() => ({ status: 500 }));
    const api = {
      async request() {
        throw new ApiError('not_found', 'Not Found', { status: 404 });
      },
    };
    const session = await w.voyager.openSession();
    const result = await backfillProfiles({ session, api, checkpoint: async () => {} });
    assert.deepEqual([result, w.calls.length], [{ profiles: 0, gone: 0, photos: 0 }, 0]);
  });

  it('PingCRM unavailable when asked: nothing is fetched and the error ends the sync (it tries again later)', async () => {
    const w = world(() => ({ status: 500 }));
    const down = new ApiError('unavailable', 'the contacts service is unavailable', { status: 503 });
    const api = {
      async request() {
        throw down;
      },
    };
    const session = await w.voyager.openSession();
    await assert.rejects(backfillProfiles({ session, api, checkpoint: async () => {} }), (err) => err === down);
    assert.equal(w.calls.length, 0);
  });
});

describe('profile backfill in a whole sync', () => {
  it('after its pushes the sync takes the candidates once; at most 10 are fetched and pushed, gone ones reported', async () => {
    const w = await createWorld({ account: { oneToOne: 12, acoOnly: 2, groupChats: 0, longThreads: 0 } });
    const partners = w.account.oneToOne().map((c) => c.others[0]);
    w.backend.state.backfill = partners.map((p, i) => ({ contact_id: `c${i}`, member_id: p.memberId, slug: p.slug, photo_url: null }));
    w.voyager.goneProfiles.add(partners[1].memberId);
    await w.syncNow();

    // Asked once, after every push of messages and before the profiles' push: nothing handed out goes unfetched.
    const sequence = w.backend.calls.map((c) => c.path).filter((p) => p.startsWith('/api/v1/linkedin/'));
    assert.deepEqual(sequence.filter((p) => p === '/api/v1/linkedin/backfill').length, 1);
    assert.deepEqual(sequence.slice(-2), ['/api/v1/linkedin/backfill', '/api/v1/linkedin/push']);

    const fetched = w.voyager.callsOf('profile').map((c) => new URL(c.url).searchParams.get('memberIdentity'));
    assert.deepEqual(fetched, partners.slice(0, MAX_PROFILES_PER_SYNC).map((p) => p.slug ?? p.memberId));
    const last = w.backend.state.pushes.at(-1);
    assert.deepEqual(last.conversations, []);
    assert.deepEqual(last.profiles_gone, [{ member_id: partners[1].memberId, slug: partners[1].slug }]);
    assert.equal(last.profiles.length, MAX_PROFILES_PER_SYNC - 1);
    assert.deepEqual(last.profiles[0].positions, [{ title: 'Engineer', company: 'Acme', current: true }]);
    const status = await w.local(KEYS.SYNC_STATUS);
    assert.equal(status.state, 'idle');
    assert.deepEqual([status.lastRun.profiles, status.lastRun.profilesGone, status.lastRun.photos], [9, 1, 0]);
  });

  it('LinkedIn slowing down during the backfill: the fetched profiles are pushed, the sync backs off', async () => {
    const w = await createWorld({ account: { oneToOne: 4, acoOnly: 0, groupChats: 0, longThreads: 0 } });
    const partners = w.account.oneToOne().map((c) => c.others[0]);
    w.backend.state.backfill = partners.map((p, i) => ({ contact_id: `c${i}`, member_id: p.memberId, slug: p.slug }));
    w.voyager.fail('profile', { status: 429, body: {} }, { skip: 2 });
    await w.syncNow();
    assert.equal(w.voyager.callsOf('profile').length, 3);
    assert.equal(w.backend.state.pushes.at(-1).profiles.length, 2);
    assert.equal((await w.local(KEYS.SYNC_STATUS)).state, 'backoff');
  });
});
