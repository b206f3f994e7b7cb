// signin.js - the sign-in form (POST /v1/session). The session cookie is HttpOnly; the
// CSRF token from the answer is kept in memory only.
import { h } from '../dom.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { field, showErrors, clearErrors, errorSummary, busy, notice, errorMessage } from '../forms.js';
import { setSession, homeOf, session } from '../app.js';
import { pageHead } from '../ui.js';

export async function signinView(ctx) {
  ctx.setTitle(t('signin.title'));
  if (session.user) {
    ctx.navigate(homeOf(session.user));
    return;
  }
  const summary = errorSummary();
  const msg = h('div', { class: 'form-message' });
  const login = field({ path: '/login', label: t('signin.login'), required: true, attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' } });
  const password = field({ path: '/password', label: t('signin.password'), type: 'password', required: true, attrs: { autocomplete: 'current-password' } });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'signin-submit' }, t('signin.submit'));
  const form = h('form', { class: 'card narrow', id: 'signin-form', novalidate: true }, summary, login.el, password.el, msg,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    msg.textContent = '';
    await busy(submit, async () => {
      try {
        const r = await api('POST', '/v1/session', { body: { login: login.input.value.trim(), password: password.input.value } });
        setSession(r.user, r.csrf);
        const next = ctx.query.get('next');
        ctx.navigate(next && next.startsWith('#/') && !next.startsWith('#/signin') ? next : homeOf(r.user));
      } catch (e) {
        if (e.status === 422) showErrors(form, e.errors, summary);
        else if (e.status === 401) msg.replaceChildren(notice('error', t('signin.bad_credentials')));
        else msg.replaceChildren(notice('error', errorMessage(e)));
        password.input.value = '';
      }
    }, t('signin.busy'));
  });
  ctx.main.append(pageHead(t('signin.title')), h('p', null, t('signin.intro')), form,
    h('p', { class: 'muted' }, t('signin.public'), ' ', h('a', { href: '#/status' }, t('nav.status'))));
  login.input.focus();
}
