// rules.js - routing rules as data (administrators; supervisors may read): the list with
// what each rule matches, enable/disable, every version with who changed what and when,
// and a form to add a rule or write a new version of one. Problems from the API are shown
// next to their fields (/conditions/hs_prefixes/2 -> the HS prefixes field).
import { h, replace, clear } from '../dom.js';
import { api } from '../api.js';
import { t, label, fmtDecimal } from '../i18n.js';
import { field, listErrorSlot, showErrors, clearErrors, errorSummary, busy, notice, errorMessage } from '../forms.js';
import { pageHead, loading, empty, agencyNames, agencyLabel, timeEl } from '../ui.js';

const TYPES = ['IM', 'EX', 'VA', 'VD'];
const LISTS = ['hs_prefixes', 'origins', 'destinations', 'procedures'];

function conditionsText(r) {
  const c = r.conditions || {};
  const parts = [];
  if (r.always) parts.push(t('rules.always'));
  for (const k of LISTS) if (c[k]?.length) parts.push(`${t(`rules.${k}`)}: ${c[k].join(', ')}`);
  if (c.value_above) parts.push(t('rules.value_above_text', { value: fmtDecimal(c.value_above), currency: c.value_currency || '' }).trim());
  return parts.join('; ') || '—';
}

function changedFields(a, b) {
  if (!a) return [t('rules.created')];
  const out = [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === 'version') continue;
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(t(`rules.f_${k}`));
  }
  return out.length ? out : [t('rules.no_change')];
}

export async function rulesView(ctx) {
  const canEdit = ctx.session.user.role === 'administrator';
  ctx.setTitle(t('rules.title'));
  const names = await agencyNames();
  const listBox = h('div', { id: 'rules-list' }, loading());
  const formBox = h('div', { id: 'rule-form-box' });
  const addBtn = canEdit ? h('button', { type: 'button', class: 'primary', id: 'rule-add', on: { click: () => openForm(null) } }, t('rules.add')) : null;
  ctx.main.append(pageHead(t('rules.title'), addBtn), h('p', null, t('rules.intro')), formBox, listBox);
  let rules = [];

  async function load() {
    try {
      const r = await api('GET', '/v1/routing-rules');
      rules = r.items || [];
      renderList();
    } catch (e) {
      replace(listBox, notice('error', errorMessage(e)));
    }
  }

  function renderList() {
    if (!rules.length) {
      replace(listBox, empty(t('rules.none')));
      return;
    }
    replace(listBox, h('table', { class: 'list responsive rules' },
      h('caption', { class: 'visually-hidden' }, t('rules.title')),
      h('thead', null, h('tr', null, [t('rules.f_id'), t('rules.f_agency'), t('rules.f_types'), t('rules.f_conditions'), t('rules.f_auto_decision'),
        t('rules.f_priority'), t('rules.f_enabled'), t('rules.f_version'), t('common.actions')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rules.map((r) => {
        const histRow = h('tr', { class: 'history-row', hidden: true }, h('td', { colspan: 9 }));
        const tr = h('tr', { dataset: { rule: r.id, enabled: String(r.enabled) } },
          h('td', { 'data-label': t('rules.f_id') }, h('strong', null, r.id), h('div', { class: 'muted small' }, r.reason)),
          h('td', { 'data-label': t('rules.f_agency') }, agencyLabel(names, r.agency)),
          h('td', { 'data-label': t('rules.f_types') }, (r.types || []).join(', ')),
          h('td', { 'data-label': t('rules.f_conditions') }, conditionsText(r)),
          h('td', { 'data-label': t('rules.f_auto_decision') }, label('auto', r.auto_decision || 'none')),
          h('td', { 'data-label': t('rules.f_priority') }, String(r.priority ?? 0)),
          h('td', { 'data-label': t('rules.f_enabled') }, h('span', { class: ['badge', r.enabled ? 'ts-approved' : 'ts-closed'] }, r.enabled ? t('rules.enabled') : t('rules.disabled'))),
          h('td', { 'data-label': t('rules.f_version') }, String(r.version)),
          h('td', { 'data-label': t('common.actions'), class: 'actions-cell' },
            canEdit ? h('button', {
              type: 'button', class: 'secondary small toggle', 'aria-label': t(r.enabled ? 'rules.disable_named' : 'rules.enable_named', { id: r.id }),
              on: { click: (e) => toggle(r, e.target) },
            }, r.enabled ? t('rules.disable') : t('rules.enable')) : null,
            canEdit ? h('button', { type: 'button', class: 'secondary small', 'aria-label': t('rules.edit_named', { id: r.id }), on: { click: () => openForm(r) } }, t('rules.edit')) : null,
            h('button', {
              type: 'button', class: 'secondary small history', 'aria-expanded': 'false', 'aria-label': t('rules.history_named', { id: r.id }),
              on: { click: (e) => history(r, histRow, e.target) },
            }, t('rules.history'))));
        return [tr, histRow];
      }))));
  }

  async function toggle(r, button) {
    await busy(button, async () => {
      try {
        await api('POST', `/v1/routing-rules/${encodeURIComponent(r.id)}/${r.enabled ? 'disable' : 'enable'}`);
        ctx.flash(t(r.enabled ? 'rules.disabled_done' : 'rules.enabled_done', { id: r.id }), 'ok', true);
        await load();
      } catch (e) {
        ctx.flash(errorMessage(e), 'error', true);
      }
    });
  }

  async function history(r, row, button) {
    const open = button.getAttribute('aria-expanded') === 'true';
    button.setAttribute('aria-expanded', String(!open));
    row.hidden = open;
    if (open) return;
    const cell = row.firstChild;
    replace(cell, loading());
    try {
      const hist = (await api('GET', `/v1/routing-rules/${encodeURIComponent(r.id)}/history`)).items || [];
      const asc = [...hist].sort((a, b) => a.version - b.version);
      const changes = new Map(asc.map((v, i) => [v.version, changedFields(asc[i - 1]?.rule, v.rule)]));
      replace(cell, h('h3', null, t('rules.history_of', { id: r.id })), h('table', { class: 'list responsive history' },
        h('thead', null, h('tr', null, [t('rules.f_version'), t('rules.changed_at'), t('rules.changed_by'), t('rules.changed'), t('rules.f_enabled'), t('rules.f_conditions')]
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, hist.map((v) => h('tr', null,
          h('td', { 'data-label': t('rules.f_version') }, String(v.version)),
          h('td', { 'data-label': t('rules.changed_at') }, timeEl(v.changed_at)),
          h('td', { 'data-label': t('rules.changed_by') }, v.changed_by),
          h('td', { 'data-label': t('rules.changed') }, changes.get(v.version).join(', ')),
          h('td', { 'data-label': t('rules.f_enabled') }, v.rule?.enabled ? t('rules.enabled') : t('rules.disabled')),
          h('td', { 'data-label': t('rules.f_conditions') }, v.rule ? conditionsText(v.rule) : '—'))))));
    } catch (e) {
      replace(cell, notice('error', errorMessage(e)));
    }
  }

  function openForm(rule) {
    const editing = Boolean(rule);
    const c = rule?.conditions || {};
    const summary = errorSummary();
    const msg = h('div', { class: 'form-message' });
    const id = field({ path: '/id', label: t('rules.f_id'), required: true, value: rule?.id || '', hint: t('rules.id_hint'), attrs: { maxlength: 64, readonly: editing } });
    const agency = field({ path: '/agency', label: t('rules.f_agency'), type: 'select', required: true, value: rule?.agency || Object.keys(names)[0] || '',
      options: Object.keys(names).map((a) => [a, agencyLabel(names, a)]) });
    const typesErr = listErrorSlot('/types');
    const typeBoxes = TYPES.map((x) => {
      const bid = `rule-type-${x}`;
      return h('span', { class: 'check' }, h('input', { type: 'checkbox', id: bid, value: x, props: { checked: (rule?.types || []).includes(x) } }),
        h('label', { for: bid }, `${label('type', x)} (${x})`));
    });
    const lists = Object.fromEntries(LISTS.map((k) => [k, field({ path: `/conditions/${k}`, label: t(`rules.${k}`), value: (c[k] || []).join(', '), hint: t(`rules.${k}_hint`) })]));
    const valueAbove = field({ path: '/conditions/value_above', label: t('rules.value_above'), value: c.value_above || '', attrs: { inputmode: 'decimal' } });
    const valueCur = field({ path: '/conditions/value_currency', label: t('rules.value_currency'), value: c.value_currency || '', attrs: { maxlength: 3 } });
    const always = field({ path: '/always', label: t('rules.always_label'), type: 'checkbox', value: Boolean(rule?.always) });
    const auto = field({ path: '/auto_decision', label: t('rules.f_auto_decision'), type: 'select', value: rule?.auto_decision || 'none', options: [['none', label('auto', 'none')], ['approve', label('auto', 'approve')]] });
    const priority = field({ path: '/priority', label: t('rules.f_priority'), value: String(rule?.priority ?? 10), attrs: { inputmode: 'numeric' } });
    const reason = field({ path: '/reason', label: t('rules.f_reason'), type: 'textarea', required: true, value: rule?.reason || '', hint: t('rules.reason_hint'), wide: true, attrs: { maxlength: 512 } });
    const enabled = field({ path: '/enabled', label: t('rules.f_enabled'), type: 'checkbox', value: rule ? rule.enabled : true });
    const submit = h('button', { type: 'submit', class: 'primary', id: 'rule-submit' }, editing ? t('rules.save_version') : t('rules.create'));
    const form = h('form', { class: 'card', id: 'rule-form', novalidate: true },
      h('h2', null, editing ? t('rules.edit_title', { id: rule.id, version: rule.version + 1 }) : t('rules.add_title')), summary,
      h('div', { class: 'grid' }, id.el, agency.el,
        h('fieldset', { class: 'plain-fieldset wide' }, h('legend', null, t('rules.f_types')), h('div', { class: 'checks' }, typeBoxes), typesErr),
        ...LISTS.map((k) => lists[k].el), valueAbove.el, valueCur.el, always.el, auto.el, priority.el, enabled.el, reason.el),
      msg, h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'secondary', on: { click: () => { clear(formBox); addBtn?.focus(); } } }, t('common.close'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form, summary);
      clear(msg);
      const split = (s) => s.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
      const conditions = {};
      for (const k of LISTS) { const v = split(lists[k].input.value); if (v.length) conditions[k] = v; }
      if (valueAbove.input.value.trim()) conditions.value_above = valueAbove.input.value.trim();
      if (valueCur.input.value.trim()) conditions.value_currency = valueCur.input.value.trim();
      const p = priority.input.value.trim();
      const doc = {
        id: id.input.value.trim(), agency: agency.input.value,
        types: typeBoxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value),
        always: always.input.checked, auto_decision: auto.input.value, enabled: enabled.input.checked,
        reason: reason.input.value.trim(),
        priority: /^-?\d{1,9}$/.test(p) ? Number(p) : p,
      };
      if (Object.keys(conditions).length) doc.conditions = conditions;
      await busy(submit, async () => {
        try {
          const saved = editing
            ? await api('PUT', `/v1/routing-rules/${encodeURIComponent(rule.id)}`, { body: doc })
            : await api('POST', '/v1/routing-rules', { body: doc });
          clear(formBox);
          ctx.flash(t('rules.saved', { id: saved.id, version: saved.version }), 'ok', true);
          await load();
        } catch (e) {
          if (e.errors.length && [409, 422].includes(e.status)) showErrors(form, e.errors, summary);
          else msg.append(notice('error', errorMessage(e)));
        }
      }, t('common.saving'));
    });
    replace(formBox, form);
    (editing ? agency.input : id.input).focus();
  }

  await load();
}
