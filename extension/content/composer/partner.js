// Who a composer writes to, as far as the page shows it. The worker turns
// these hints into a partner: the thread id through the conversations the
// sync has seen (member id, slug, name), the profile link as the fallback.
//
// - The full-page view's thread is in the address: /messaging/thread/<id>/.
// - A bubble carries no address of its own; a link to its thread, when it
//   has one, names it.
// - The conversation's header links to the partner's profile: /in/<slug>/,
//   or /in/<ACo… member id>/ when LinkedIn shows no public slug.
// The header is looked for in the composer's conversation: the nearest
// ancestor (across shadow roots) holding such a link, but never the landmark
// itself, which may hold other bubbles or the conversation list.
(function (ns) {
  'use strict';

  const { composedParent, deepQueryAll } = ns.dom;

  const THREAD_PATH = /^\/messaging\/thread\/([^/?#]+)/;
  const PROFILE_PATH = /^\/in\/([^/?#]+)/;
  const MEMBER_ID = /^ACo[A-Za-z0-9_-]{10,}$/;
  const THREAD_ID = /^[A-Za-z0-9+/=_.-]{1,200}$/;
  const SLUG = /^[^\s/?#]{1,200}$/;
  const LINKS = 'a[href]';

  function parse(href, base) {
    try {
      const url = new URL(href, base);
      const host = url.hostname;
      return host === 'linkedin.com' || host.endsWith('.linkedin.com') ? url : null;
    } catch {
      return null;
    }
  }

  function decoded(segment) {
    try {
      return decodeURIComponent(segment);
    } catch {
      return null;
    }
  }

  /** The thread id in a LinkedIn messaging URL, or null. */
  function threadIdFromUrl(href, base) {
    const match = THREAD_PATH.exec(parse(href, base)?.pathname ?? '');
    const id = match ? decoded(match[1]) : null;
    return id && THREAD_ID.test(id) ? id : null;
  }

  /** {memberId} or {slug} of a LinkedIn profile URL, or null. */
  function profileFromUrl(href, base) {
    const match = PROFILE_PATH.exec(parse(href, base)?.pathname ?? '');
    const id = match ? decoded(match[1]) : null;
    if (!id || !SLUG.test(id)) return null;
    return MEMBER_ID.test(id) ? { memberId: id } : { slug: id };
  }

  function textOf(element) {
    return (element.textContent ?? '').replace(/\s+/g, ' ').trim();
  }

  /** The composer's conversation: nearest ancestor below the landmark with a profile or thread link. */
  function conversationOf(form, base) {
    for (let element = composedParent(form); element; element = composedParent(element)) {
      const tag = element.localName;
      const role = element.getAttribute('role');
      if (tag === 'main' || tag === 'aside' || role === 'main' || role === 'complementary') return null;
      const links = deepQueryAll(element, LINKS);
      if (links.some((a) => profileFromUrl(a.getAttribute('href'), base) || threadIdFromUrl(a.getAttribute('href'), base))) {
        return { element, links };
      }
    }
    return null;
  }

  /**
   * What the page says about the partner of `composer` (from find.composerOf):
   * {threadId, profile: {memberId} | {slug} | null, name}.
   */
  function partnerHints(composer, location) {
    const base = location.href;
    const conversation = conversationOf(composer.form, base);
    const links = conversation?.links ?? [];
    let threadId = null;
    if (composer.kind === ns.find.KIND.THREAD) threadId = threadIdFromUrl(location.href, base);
    for (const a of links) {
      if (threadId) break;
      threadId = threadIdFromUrl(a.getAttribute('href'), base);
    }
    const profileLinks = links.filter((a) => profileFromUrl(a.getAttribute('href'), base));
    const profile = profileLinks.length > 0 ? profileFromUrl(profileLinks[0].getAttribute('href'), base) : null;
    // The first link may be the avatar (no text): the name is the first link to the same profile with text.
    const same = profileLinks.filter((a) => JSON.stringify(profileFromUrl(a.getAttribute('href'), base)) === JSON.stringify(profile));
    let name = same.map(textOf).find((text) => text !== '') ?? '';
    if (!name && conversation) {
      const heading = deepQueryAll(conversation.element, 'h1, h2, h3, [role="heading"]')[0];
      name = heading ? textOf(heading) : '';
    }
    return { threadId, profile, name: name.slice(0, 200) };
  }

  ns.partner = Object.freeze({ threadIdFromUrl, profileFromUrl, partnerHints });
})((globalThis.pingcrmComposer ??= {}));
