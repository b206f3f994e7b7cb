// home.js - the landing page for visitors; signed-in users go to their own start page.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { homeOf } from '../app.js';

export async function homeView(ctx) {
  if (ctx.session.user) {
    ctx.navigate(homeOf(ctx.session.user));
    return;
  }
  ctx.setTitle(t('home.title'));
  ctx.main.append(
    h('section', { class: 'hero' },
      h('h1', { tabindex: '-1' }, t('home.title')),
      h('p', { class: 'lead' }, t('home.lead')),
      h('div', { class: 'actions' },
        h('a', { class: 'button primary', href: '#/signin' }, t('nav.signin')),
        h('a', { class: 'button secondary', href: '#/status' }, t('home.status_cta')))),
    h('section', { class: 'grid-3' },
      h('div', { class: 'card' }, h('h2', null, t('home.traders')), h('p', null, t('home.traders_text'))),
      h('div', { class: 'card' }, h('h2', null, t('home.officers')), h('p', null, t('home.officers_text'))),
      h('div', { class: 'card' }, h('h2', null, t('home.systems')), h('p', null, t('home.systems_text'), ' ',
        h('a', { href: '/v1/openapi.yaml' }, t('home.api_link'))))));
}
