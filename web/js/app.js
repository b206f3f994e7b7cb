// app.js - the portal's entry: session, navigation by role, hash routing, the live feed.
// Routes are hash fragments (#/declarations/12) because swd serves web/ as plain files.
import { h, replace, clear } from './dom.js';
import { api, setCsrf, whenUnauthorized } from './api.js';
import { initI18n, t, timeZone, LANGUAGES, currentLanguage, setLanguage } from './i18n.js';
import * as live from './live.js';
import { signinView } from './views/signin.js';
import { homeView } from './views/home.js';
import { statusView } from './views/status.js';
import { dashboardView } from './views/dashboard.js';
import { declFormView } from './views/declform.js';
import { declarationView } from './views/declaration.js';
import { inboxView } from './views/inbox.js';
import { rulesView } from './views/rules.js';
import { usersView } from './views/users.js';
import { relTimesView } from './views/reltimes.js';
import { feesView } from './views/fees.js';
import { billsView } from './views/bills.js';
import { permitsView } from './views/permits.js';

const PARTY = ['declarant'];
const AGENCY = ['officer', 'supervisor'];
const ADMIN = ['administrator'];
const ANY = [...PARTY, ...AGENCY, ...ADMIN];

const ROUTES = [
  { re: /^\/$/, view: homeView, public: true },
  { re: /^\/signin$/, view: signinView, public: true },
  { re: /^\/status$/, view: statusView, public: true },
  { re: /^\/release-times$/, view: relTimesView, public: true },
  { re: /^\/fees$/, view: feesView, public: true },
  { re: /^\/declarations$/, view: dashboardView, roles: [...PARTY, ...ADMIN] },
  { re: /^\/declarations\/new$/, view: declFormView, roles: PARTY },
  { re: /^\/declarations\/(\d+)$/, view: declarationView, roles: ANY, params: ['id'] },
  { re: /^\/inbox$/, view: inboxView, roles: [...AGENCY, ...ADMIN] },
  { re: /^\/bills$/, view: billsView, roles: ANY },
  { re: /^\/permits$/, view: permitsView, roles: ANY },
  { re: /^\/admin\/rules$/, view: rulesView, roles: [...ADMIN, 'supervisor'] },
  { re: /^\/admin\/users$/, view: usersView, roles: ADMIN },
];

const SESSION_HINT = 'opensw.signedIn';
export const session = { user: null };
let cleanups = [];
let firstRender = true;
let pendingFlash = null;

/** Where a role starts. */
export function homeOf(user) {
  if (!user) return '#/';
  if (PARTY.includes(user.role)) return '#/declarations';
  if (AGENCY.includes(user.role)) return '#/inbox';
  return '#/admin/rules';
}

export function navigate(hash) {
  if (window.location.hash === hash) render();
  else window.location.hash = hash;
}

/** A message shown once at the top of the next page (or this one when now is true). */
export function flash(text, kind = 'ok', now = false) {
  pendingFlash = { text, kind };
  if (now) showFlash();
}

function showFlash() {
  const box = document.getElementById('flash');
  clear(box);
  if (pendingFlash) {
    box.append(h('p', { class: ['flash-msg', `flash-${pendingFlash.kind}`] }, pendingFlash.text));
    pendingFlash = null;
  }
}

/** Signs in with the answer of POST /v1/session or GET /v1/me. */
export function setSession(user, csrf) {
  session.user = user;
  setCsrf(csrf);
  localStorage.setItem(SESSION_HINT, '1');
  live.start();
  renderChrome();
}

export async function signOut(message) {
  live.stop();
  try { await api('DELETE', '/v1/session'); } catch { /* signed out either way */ }
  session.user = null;
  setCsrf(null);
  localStorage.removeItem(SESSION_HINT);
  renderChrome();
  if (message) flash(message, 'info');
  navigate('#/signin');
}

function navLinks(user) {
  const role = user?.role;
  const links = [];
  if (PARTY.includes(role)) {
    links.push(['#/declarations', t('nav.declarations')], ['#/declarations/new', t('nav.new')],
      ['#/bills', t('nav.bills')], ['#/permits', t('nav.permits')]);
  } else if (AGENCY.includes(role)) {
    links.push(['#/inbox', t('nav.inbox')], ['#/permits', t('nav.permits')]);
    if (role === 'supervisor') links.push(['#/admin/rules', t('nav.rules')]);
  } else if (ADMIN.includes(role)) {
    links.push(['#/admin/rules', t('nav.rules')], ['#/admin/users', t('nav.users')],
      ['#/declarations', t('nav.all_declarations')], ['#/bills', t('nav.bills')]);
  }
  links.push(['#/status', t('nav.status')]);
  links.push(['#/release-times', t('nav.release_times')], ['#/fees', t('nav.fees')]);
  return links;
}

function renderChrome() {
  const user = session.user;
  const current = window.location.hash.split('?')[0] || '#/';
  replace(document.getElementById('brand'), t('app.name'));
  document.getElementById('brand').setAttribute('title', t('app.tagline'));
  replace(document.getElementById('skip-link'), t('app.skip'));
  replace(document.getElementById('nav'), h('ul', null, navLinks(user).map(([href, text]) =>
    h('li', null, h('a', { href, 'aria-current': current === href ? 'page' : false }, text)))));
  const box = document.getElementById('user-box');
  if (user) {
    const who = user.agency || user.party || '';
    replace(box,
      h('span', { class: 'who' },
        h('strong', { id: 'who-login' }, user.login), ' ',
        h('span', { class: 'who-role' }, t(`role.${user.role}`)), who ? ` · ${who}` : ''),
      h('button', { type: 'button', class: 'secondary small', id: 'sign-out', on: { click: () => signOut(t('signin.signed_out')) } }, t('nav.signout')));
  } else {
    replace(box, h('a', { href: '#/signin', class: 'button small' }, t('nav.signin')));
  }
  const footer = document.getElementById('site-footer');
  const langs = Object.entries(LANGUAGES);
  replace(footer,
    h('p', null, t('footer.timezone', { tz: timeZone() })),
    h('p', null, t('footer.api'), ' ', h('a', { href: '/v1/openapi.yaml' }, '/v1/openapi.yaml')),
    langs.length > 1 ? h('p', null, h('label', { for: 'lang' }, t('footer.language')), ' ',
      h('select', { id: 'lang', on: { change: (e) => setLanguage(e.target.value) } },
        langs.map(([code, name]) => h('option', { value: code, selected: code === currentLanguage() }, name)))) : null);
}

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(qs || '') };
}

let lastPath = null;

async function render() {
  for (const fn of cleanups) { try { fn(); } catch { /* ignore */ } }
  cleanups = [];
  const { path, query } = parseHash();
  // a filter changed on the same screen: the focus stays on that control
  const samePath = path === lastPath;
  const keepFocus = samePath ? document.activeElement?.id : null;
  lastPath = path;
  const main = document.getElementById('main');
  renderChrome();
  const route = ROUTES.find((r) => r.re.test(path));
  clear(main);
  if (!route) {
    document.title = `${t('error.page_not_found')} — ${t('app.name')}`;
    main.append(h('h1', { tabindex: '-1' }, t('error.page_not_found')),
      h('p', null, h('a', { href: homeOf(session.user) }, t('nav.home'))));
    showFlash();
    return;
  }
  if (!route.public && !session.user) {
    flash(t('signin.needed'), 'info');
    navigate(`#/signin?next=${encodeURIComponent(window.location.hash)}`);
    return;
  }
  if (route.roles && !route.roles.includes(session.user.role)) {
    main.append(h('h1', { tabindex: '-1' }, t('error.forbidden_page')),
      h('p', null, h('a', { href: homeOf(session.user) }, t('nav.home'))));
    showFlash();
    return;
  }
  const m = route.re.exec(path);
  const params = {};
  (route.params || []).forEach((name, i) => { params[name] = m[i + 1]; });
  const ctx = {
    main, params, query, session, navigate, flash,
    onCleanup: (fn) => cleanups.push(fn),
    setTitle: (title) => { document.title = `${title} — ${t('app.name')}`; },
    live: (fn) => cleanups.push(live.subscribe(fn)),
  };
  showFlash();
  const wasFirst = firstRender;
  firstRender = false;
  try {
    await route.view(ctx);
  } catch (e) {
    console.error('view failed', e);
    main.append(h('p', { class: 'notice notice-error', role: 'alert' }, t('error.generic')));
  }
  main.dataset.ready = path;
  if (samePath) {
    const again = keepFocus ? document.getElementById(keepFocus) : null;
    if (again) again.focus();
  } else if (!wasFirst) {
    (main.querySelector('h1') || main).focus({ preventScroll: false });
  }
}

async function boot() {
  await initI18n();
  whenUnauthorized(() => {
    if (!session.user) return;
    live.stop();
    session.user = null;
    setCsrf(null);
    localStorage.removeItem(SESSION_HINT);
    flash(t('error.signed_out'), 'info');
    navigate(`#/signin?next=${encodeURIComponent(window.location.hash)}`);
  });
  if (localStorage.getItem(SESSION_HINT)) {
    try {
      const me = await api('GET', '/v1/me', { quiet401: true });
      const { csrf, ...user } = me;
      setSession(user, csrf);
    } catch {
      localStorage.removeItem(SESSION_HINT);
    }
  }
  window.addEventListener('hashchange', render);
  await render();
}

boot();
