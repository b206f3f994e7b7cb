// status.js - public status lookup, no sign-in: the official number plus the declarant's
// own reference give the status and the agencies still working on it, nothing more.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { t, fmtTime } from '../i18n.js';
import { field, showErrors, clearErrors, errorSummary, busy, notice, errorMessage } from '../forms.js';
import { pageHead, statusBadge, agencyNames, agencyLabel, facts, typeLabel } from '../ui.js';

export async function statusView(ctx) {
  ctx.setTitle(t('lookup.title'));
  const summary = errorSummary();
  const number = field({ path: '?number', label: t('lookup.number'), required: true, hint: t('lookup.number_hint'), attrs: { inputmode: 'numeric', maxlength: 18, autocomplete: 'off' }, value: ctx.query.get('number') || '' });
  const reference = field({ path: '?reference', label: t('lookup.reference'), required: true, hint: t('lookup.reference_hint'), attrs: { maxlength: 35, autocomplete: 'off' } });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'status-submit' }, t('lookup.submit'));
  const result = h('div', { id: 'status-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'card narrow', id: 'status-form', novalidate: true }, summary, number.el, reference.el,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form, summary);
    replace(result);
    await busy(submit, async () => {
      try {
        const r = await api('GET', '/v1/public/declaration-status', {
          query: { number: number.input.value.replace(/\s+/g, ''), reference: reference.input.value.trim() },
        });
        const names = await agencyNames();
        replace(result, h('section', { class: 'card result', id: 'status-card' },
          h('h2', null, t('lookup.result', { number: r.number })),
          facts([
            [t('decl.status'), statusBadge(r.status)],
            [t('decl.type'), typeLabel(r.type)],
            [t('lookup.updated'), h('time', { datetime: r.updated_at }, fmtTime(r.updated_at))],
            [t('lookup.pending'), r.pending.length
              ? h('ul', { class: 'plain' }, r.pending.map((a) => h('li', null, agencyLabel(names, a))))
              : t('lookup.pending_none')],
          ])));
      } catch (e) {
        if (e.status === 400) showErrors(form, e.errors, summary);
        else if (e.status === 404) replace(result, notice('error', t('lookup.not_found')));
        else replace(result, notice('error', errorMessage(e)));
      }
    }, t('common.searching'));
  });
  ctx.main.append(pageHead(t('lookup.title')), h('p', null, t('lookup.intro')), form, result);
}
