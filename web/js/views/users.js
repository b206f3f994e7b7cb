// users.js - the administrator's users and API tokens: list and search users, add one
// (a declarant belongs to a party, an officer or supervisor to an agency), disable and
// enable, and per user the API tokens: issue one (its secret is shown once, here, and
// never again) and revoke one.
import { h, replace, clear, debounce } from '../dom.js';
import { api } from '../api.js';
import { t, label } from '../i18n.js';
import { field, showErrors, clearErrors, errorSummary, busy, notice, errorMessage } from '../forms.js';
import { pageHead, loading, empty, agencyNames, agencyLabel, timeEl } from '../ui.js';

const ROLES = ['declarant', 'officer', 'supervisor', 'administrator'];

export async function usersView(ctx) {
  ctx.setTitle(t('users.title'));
  const me = ctx.session.user.login;
  const names = await agencyNames();
  let parties = [];
  try { parties = (await api('GET', '/v1/parties')).items || []; } catch { parties = []; }
  const formBox = h('div', { id: 'user-form-box' });
  const listBox = h('div', { id: 'users-list' }, loading());
  const more = h('div', { class: 'more' });
  const addBtn = h('button', { type: 'button', class: 'primary', id: 'user-add', on: { click: openForm } }, t('users.add'));
  const search = h('input', { id: 'user-q', type: 'search', maxlength: 64, value: ctx.query.get('q') || '', on: { input: debounce(() => load(), 300) } });
  ctx.main.append(pageHead(t('users.title'), addBtn), formBox,
    h('form', { class: 'filters', role: 'search', on: { submit: (e) => { e.preventDefault(); load(); } } },
      h('div', { class: 'field' }, h('label', { for: 'user-q' }, t('users.search')), search)),
    listBox, more);
  let users = [];
  let next = null;

  async function fetchPage(after) {
    const r = await api('GET', '/v1/users', { query: { q: search.value.trim(), after, limit: 100 } });
    next = r.next || null;
    return r.items || [];
  }

  async function load() {
    try {
      users = await fetchPage();
      renderList();
    } catch (e) {
      replace(listBox, notice('error', errorMessage(e)));
    }
  }

  function belongs(u) {
    if (u.party) {
      const p = parties.find((x) => x.national_id === u.party);
      return p ? `${p.name} (${u.party})` : u.party;
    }
    if (u.agency) return agencyLabel(names, u.agency);
    return '—';
  }

  function renderList() {
    if (!users.length) {
      replace(listBox, empty(t('users.none')));
      clear(more);
      return;
    }
    replace(listBox, h('table', { class: 'list responsive users' },
      h('caption', { class: 'visually-hidden' }, t('users.title')),
      h('thead', null, h('tr', null, [t('users.f_login'), t('users.f_name'), t('users.f_role'), t('users.belongs'), t('users.state'), t('users.tokens'), t('common.actions')]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, users.map((u) => {
        const tokRow = h('tr', { class: 'tokens-row', hidden: true }, h('td', { colspan: 7 }));
        const tr = h('tr', { dataset: { login: u.login, disabled: String(u.disabled) } },
          h('td', { 'data-label': t('users.f_login') }, h('strong', null, u.login)),
          h('td', { 'data-label': t('users.f_name') }, u.name),
          h('td', { 'data-label': t('users.f_role') }, label('role', u.role)),
          h('td', { 'data-label': t('users.belongs') }, belongs(u)),
          h('td', { 'data-label': t('users.state') }, h('span', { class: ['badge', u.disabled ? 'ts-closed' : 'ts-approved'] }, u.disabled ? t('users.disabled') : t('users.active'))),
          h('td', { 'data-label': t('users.tokens') }, String(u.active_tokens)),
          h('td', { 'data-label': t('common.actions'), class: 'actions-cell' },
            u.login === me ? null : h('button', {
              type: 'button', class: ['secondary', 'small', !u.disabled && 'danger'], 'aria-label': t(u.disabled ? 'users.enable_named' : 'users.disable_named', { login: u.login }),
              on: { click: (e) => toggle(u, e.target) },
            }, u.disabled ? t('users.enable') : t('users.disable')),
            h('button', {
              type: 'button', class: 'secondary small', 'aria-expanded': 'false', 'aria-label': t('users.tokens_named', { login: u.login }),
              on: { click: (e) => tokens(u, tokRow, e.target) },
            }, t('users.tokens_button'))));
        return [tr, tokRow];
      }))));
    clear(more);
    if (next) {
      more.append(h('button', {
        type: 'button', class: 'secondary', id: 'load-more',
        on: { click: async () => { users.push(...await fetchPage(next)); renderList(); } },
      }, t('common.load_more')));
    }
  }

  async function toggle(u, button) {
    await busy(button, async () => {
      try {
        await api('POST', `/v1/users/${encodeURIComponent(u.login)}/${u.disabled ? 'enable' : 'disable'}`);
        ctx.flash(t(u.disabled ? 'users.enabled_done' : 'users.disabled_done', { login: u.login }), 'ok', true);
        await load();
      } catch (e) {
        ctx.flash(errorMessage(e), 'error', true);
      }
    });
  }

  async function tokens(u, row, button) {
    const open = button.getAttribute('aria-expanded') === 'true';
    button.setAttribute('aria-expanded', String(!open));
    row.hidden = open;
    if (open) return;
    const cell = row.firstChild;
    const shown = h('div', { class: 'token-shown', 'aria-live': 'polite' });
    const draw = async () => {
      replace(cell, loading());
      try {
        const r = await api('GET', `/v1/users/${encodeURIComponent(u.login)}/tokens`);
        const items = r.items || [];
        const summary = errorSummary();
        const name = field({ path: '/name', label: t('tokens.name'), required: true, hint: t('tokens.name_hint'), attrs: { maxlength: 64 } });
        const days = field({ path: '/days', label: t('tokens.days'), hint: t('tokens.days_hint'), attrs: { inputmode: 'numeric' } });
        const issue = h('button', { type: 'submit', class: 'primary small' }, t('tokens.issue'));
        const form = h('form', { class: 'token-form', novalidate: true }, summary, h('div', { class: 'grid' }, name.el, days.el), h('div', { class: 'form-actions' }, issue));
        form.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          clearErrors(form, summary);
          const d = days.input.value.trim();
          const body = { name: name.input.value.trim() };
          if (d) body.days = /^\d{1,6}$/.test(d) ? Number(d) : d;
          await busy(issue, async () => {
            try {
              const tok = await api('POST', `/v1/users/${encodeURIComponent(u.login)}/tokens`, { body });
              await draw();
              showToken(tok);
            } catch (e) {
              if (e.status === 422) showErrors(form, e.errors, summary);
              else { clear(summary); summary.hidden = false; summary.append(notice('error', e.code === 'user_disabled' ? t('tokens.user_disabled') : errorMessage(e))); }
            }
          }, t('common.saving'));
        });
        replace(cell, h('h3', null, t('tokens.of', { login: u.login })), shown,
          items.length ? h('table', { class: 'list responsive tokens' },
            h('thead', null, h('tr', null, [t('tokens.id'), t('tokens.name'), t('tokens.created'), t('tokens.expires'), t('tokens.state'), t('common.actions')].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', null, items.map((k) => h('tr', { dataset: { token: k.id } },
              h('td', { 'data-label': t('tokens.id') }, String(k.id)),
              h('td', { 'data-label': t('tokens.name') }, k.name),
              h('td', { 'data-label': t('tokens.created') }, timeEl(k.created_at)),
              h('td', { 'data-label': t('tokens.expires') }, k.expires_at ? timeEl(k.expires_at) : t('tokens.never')),
              h('td', { 'data-label': t('tokens.state') }, k.revoked_at ? h('span', null, t('tokens.revoked'), ' ', timeEl(k.revoked_at)) : t('tokens.active')),
              h('td', { 'data-label': t('common.actions') }, k.revoked_at ? null : h('button', {
                type: 'button', class: 'secondary small danger', 'aria-label': t('tokens.revoke_named', { id: k.id }),
                on: {
                  click: async (e) => {
                    if (!window.confirm(t('tokens.revoke_confirm', { name: k.name }))) return;
                    await busy(e.target, async () => {
                      try {
                        await api('DELETE', `/v1/tokens/${k.id}`);
                        ctx.flash(t('tokens.revoked_done', { id: k.id }), 'ok', true);
                        await draw();
                      } catch (err) {
                        ctx.flash(errorMessage(err), 'error', true);
                      }
                    });
                  },
                },
              }, t('tokens.revoke'))))))) : h('p', { class: 'muted' }, t('tokens.none')),
          h('h4', null, t('tokens.new')), form);
      } catch (e) {
        replace(cell, notice('error', errorMessage(e)));
      }
    };
    function showToken(tok) {
      const code = h('code', { class: 'secret', id: 'new-token' }, tok.token);
      const copy = h('button', {
        type: 'button', class: 'secondary small',
        on: { click: async () => { try { await navigator.clipboard.writeText(tok.token); copy.textContent = t('tokens.copied'); } catch { copy.textContent = t('tokens.copy_failed'); } } },
      }, t('tokens.copy'));
      replace(cell.querySelector('.token-shown'), h('div', { class: 'card attention', role: 'alert' },
        h('p', null, h('strong', null, t('tokens.shown_once', { name: tok.name }))), h('p', null, code, ' ', copy)));
    }
    await draw();
  }

  function openForm() {
    const summary = errorSummary();
    const msg = h('div', { class: 'form-message' });
    const login = field({ path: '/login', label: t('users.f_login'), required: true, hint: t('users.login_hint'), attrs: { maxlength: 63, autocomplete: 'off', autocapitalize: 'none' } });
    const name = field({ path: '/name', label: t('users.f_name'), attrs: { maxlength: 128 } });
    const role = field({ path: '/role', label: t('users.f_role'), type: 'select', required: true, value: 'declarant', options: ROLES.map((r) => [r, label('role', r)]) });
    const party = field({ path: '/party', label: t('users.f_party'), type: 'select', required: true,
      options: [['', t('users.choose')], ...parties.map((p) => [p.national_id, `${p.name} (${p.national_id})`])] });
    const agency = field({ path: '/agency', label: t('users.f_agency'), type: 'select', required: true,
      options: [['', t('users.choose')], ...Object.keys(names).map((a) => [a, agencyLabel(names, a)])] });
    const password = field({ path: '/password', label: t('users.f_password'), type: 'password', hint: t('users.password_hint'), attrs: { autocomplete: 'new-password', maxlength: 256 } });
    const sync = () => {
      party.el.hidden = role.input.value !== 'declarant';
      agency.el.hidden = !['officer', 'supervisor'].includes(role.input.value);
    };
    role.input.addEventListener('change', sync);
    sync();
    const result = h('div', { 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'primary', id: 'user-submit' }, t('users.create'));
    const form = h('form', { class: 'card', id: 'user-form', novalidate: true }, h('h2', null, t('users.add_title')), summary,
      h('div', { class: 'grid' }, login.el, name.el, role.el, party.el, agency.el, password.el), msg,
      h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'secondary', on: { click: () => { clear(formBox); addBtn.focus(); } } }, t('common.close'))), result);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form, summary);
      clear(msg);
      clear(result);
      const body = { login: login.input.value.trim(), role: role.input.value };
      if (name.input.value.trim()) body.name = name.input.value.trim();
      if (role.input.value === 'declarant' && party.input.value) body.party = party.input.value;
      if (['officer', 'supervisor'].includes(role.input.value) && agency.input.value) body.agency = agency.input.value;
      if (password.input.value) body.password = password.input.value;
      await busy(submit, async () => {
        try {
          const u = await api('POST', '/v1/users', { body });
          password.input.value = '';
          ctx.flash(t('users.created', { login: u.login }), 'ok', true);
          if (u.password) {
            replace(result, h('div', { class: 'card attention', role: 'alert' }, h('p', null, t('users.password_once', { login: u.login })),
              h('p', null, h('code', { class: 'secret', id: 'new-password' }, u.password))));
          } else {
            clear(formBox);
          }
          await load();
        } catch (e) {
          if (e.errors.length && [409, 422].includes(e.status)) showErrors(form, e.errors, summary);
          else msg.append(notice('error', errorMessage(e)));
        }
      }, t('common.saving'));
    });
    replace(formBox, form);
    login.input.focus();
  }

  await load();
}
