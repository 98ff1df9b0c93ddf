// Entry point: hash router and the signed-in shell.
//
// Routes are `#/signin`, `#/register`, `#/contacts` (`?source=` filters it,
// `?sort=` orders it), `#/contacts/<id>` (one contact), `#/contacts/import`,
// `#/suggestions`, `#/settings/integrations/linkedin`. Each page module exports
// `render(container, ctx)`; ctx.signal aborts when the user navigates away, so
// a late answer never paints over the next page; ctx.params holds a route's
// parts (`id`).

import { api, session, setUnauthorizedHandler } from './api.js';
import { el, replace } from './dom.js';
import * as contactPage from './pages/contact.js';
import * as contactsPage from './pages/contacts.js';
import * as importPage from './pages/import.js';
import * as linkedinPage from './pages/linkedin.js';
import * as signinPage from './pages/signin.js';
import * as suggestionsPage from './pages/suggestions.js';

const HOME = '/contacts';

const ROUTES = {
  '/signin': { page: signinPage, isPublic: true, mode: 'signin', title: 'Sign in' },
  '/register': { page: signinPage, isPublic: true, mode: 'register', title: 'Create account' },
  '/contacts': { page: contactsPage, nav: 'contacts', title: 'Contacts' },
  '/contacts/import': { page: importPage, nav: 'contacts', title: 'Import · Contacts' },
  '/suggestions': { page: suggestionsPage, nav: 'suggestions', title: 'Suggestions' },
  '/settings/integrations/linkedin': { page: linkedinPage, nav: 'settings', title: 'LinkedIn · Settings' },
};

// Routes with a part in the path, tried after the fixed ones (so `/contacts/import` stays the import page).
const PATTERNS = [
  {
    pattern: /^\/contacts\/([^/]+)$/,
    route: { page: contactPage, nav: 'contacts', title: 'Contact' },
    params: (match) => ({ id: decodeURIComponent(match[1]) }),
  },
];

/** The route of `path` and its parts, or null. */
function routeOf(path) {
  if (ROUTES[path]) return { route: ROUTES[path], params: {} };
  for (const { pattern, route, params } of PATTERNS) {
    const match = pattern.exec(path);
    if (match) {
      try {
        return { route, params: params(match) };
      } catch {
        return null; // a malformed %-escape
      }
    }
  }
  return null;
}

const ALIASES = {
  '/settings': '/settings/integrations/linkedin',
  '/settings/integrations': '/settings/integrations/linkedin',
};

const NAV = [
  { id: 'contacts', label: 'Contacts', href: '#/contacts' },
  { id: 'suggestions', label: 'Suggestions', href: '#/suggestions', count: 'nav-suggestions-count' },
  { id: 'settings', label: 'Settings', href: '#/settings/integrations/linkedin' },
];

const app = document.getElementById('app');
let controller = null;
let returnTo = null; // where to go after signing in
let flash = null; // one-time message for the sign-in page

function currentPath() {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  return ALIASES[path] ?? path;
}

export function navigate(path, { replace: replaceEntry = false } = {}) {
  const hash = `#${path}`;
  if (location.hash === hash) {
    render();
  } else if (replaceEntry) {
    location.replace(hash);
  } else {
    location.hash = hash;
  }
}

function signOut(message = null) {
  session.clear();
  flash = message;
  navigate('/signin');
}

setUnauthorizedHandler(() => {
  const route = routeOf(currentPath())?.route;
  if (route?.isPublic) return;
  returnTo = currentPath();
  session.clear();
  flash = 'Your session ended. Sign in again to continue.';
  navigate('/signin', { replace: true });
});

function shell(route, user) {
  const main = el('main', { id: 'main', className: 'page', tabindex: '-1' });
  const navItems = NAV.map((item) =>
    el(
      'li',
      {},
      el(
        'a',
        { href: item.href, 'aria-current': item.id === route.nav ? 'page' : null },
        item.label,
        item.count ? el('span', { className: 'nav-count', id: item.count, hidden: true }) : null,
      ),
    ),
  );
  const header = el(
    'header',
    { className: 'topbar' },
    el(
      'div',
      { className: 'topbar-inner' },
      el('a', { className: 'brand', href: `#${HOME}` }, 'PingCRM'),
      el('nav', { 'aria-label': 'Main' }, el('ul', {}, navItems)),
      el(
        'div',
        { className: 'account' },
        el('span', { id: 'account-email', title: 'Signed in as' }, user.email ?? ''),
        el('button', { type: 'button', className: 'secondary', id: 'sign-out', onClick: () => signOut() }, 'Sign out'),
      ),
    ),
  );
  replace(app, header, main);
  if (route.nav !== 'suggestions') refreshPendingCount(); // the Suggestions page reports its own
  return main;
}

/** The navigation's pending-suggestions count; hidden at 0 or when unknown. Read as "Suggestions, 3 pending". */
function setPendingCount(n) {
  const badge = document.getElementById('nav-suggestions-count');
  if (!badge) return;
  const known = Number.isInteger(n) && n > 0;
  badge.hidden = !known;
  replace(
    badge,
    known ? el('span', { 'aria-hidden': 'true' }, n > 99 ? '99+' : String(n)) : null,
    known ? el('span', { className: 'visually-hidden' }, `, ${n} pending`) : null,
  );
}

async function refreshPendingCount() {
  const signal = controller?.signal;
  try {
    const page = await api('/api/v1/suggestions?status=pending&limit=1', { signal });
    if (!signal?.aborted) setPendingCount(page.pending_count);
  } catch {
    // Suggestions unavailable (or signed out, which the router handles): no count is shown.
  }
}

function render() {
  controller?.abort();
  controller = new AbortController();
  const path = currentPath();
  const { route, params } = routeOf(path) ?? {};
  const user = session.get();
  if (!route) {
    navigate(user ? HOME : '/signin', { replace: true });
    return;
  }
  if (!route.isPublic && !user) {
    returnTo = path;
    navigate('/signin', { replace: true });
    return;
  }
  if (route.isPublic && user) {
    navigate(HOME, { replace: true });
    return;
  }
  document.title = `${route.title} · PingCRM`;
  const ctx = {
    signal: controller.signal,
    mode: route.mode,
    params,
    navigate,
    api,
    setPendingCount,
    query: new URLSearchParams(location.hash.split('?')[1] ?? ''),
    // Sign-in pages: consume the flash message and learn where to go next.
    takeFlash() {
      const message = flash;
      flash = null;
      return message;
    },
    signedIn() {
      const next = returnTo && routeOf(returnTo) && !routeOf(returnTo).route.isPublic ? returnTo : HOME;
      returnTo = null;
      navigate(next);
    },
  };
  if (route.isPublic) {
    app.replaceChildren();
    route.page.render(app, ctx);
  } else {
    route.page.render(shell(route, user), ctx);
  }
}

window.addEventListener('hashchange', render);
render();
