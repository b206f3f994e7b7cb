// fees.js - the public fee catalogue of a port (who charges what, on what basis, at which
// rate, government- or market-set, from when; upcoming changes shown beside the rate in
// force) and the estimator for a port call.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { field, busy, notice, errorMessage } from '../forms.js';
import { pageHead } from '../ui.js';

export async function feesView(ctx) {
  ctx.setTitle(t('fees.title'));
  const out = h('div', { id: 'fees-result', 'aria-live': 'polite' });
  const est = h('div', { id: 'fees-estimate', 'aria-live': 'polite' });
  let ports = [];
  try {
    ports = (await api('GET', '/v1/fees')).ports;
  } catch (e) {
    ctx.main.append(pageHead(t('fees.title')), notice('error', errorMessage(e)));
    return;
  }
  const want = ctx.query.get('port');
  const port = field({ name: 'port', label: t('fees.port'), type: 'select',
    value: ports.includes(want) ? want : ports[0], options: ports.map((p) => [p, p]) });
  port.input.id = 'fees-port';

  async function loadCatalogue() {
    try {
      const doc = await api('GET', '/v1/fees', { query: { port: port.input.value } });
      const head = h('tr', null, ['item', 'entity', 'basis', 'rate', 'setting', 'legal', 'from', 'status']
        .map((c) => h('th', { scope: 'col' }, t(`fees.col.${c}`))));
      const rows = doc.items.map((f) => h('tr', { class: f.status === 'upcoming' ? 'upcoming' : null },
        h('th', { scope: 'row' }, f.description, h('br'), h('code', null, f.item)),
        h('td', null, f.entity),
        h('td', null, f.basis || t(`fees.unit.${f.unit}`), !f.basis && f.free_days ? ` (${t('fees.free_days', { n: f.free_days })})` : ''),
        h('td', { class: 'num' }, `${f.rate} ${f.currency}`, h('br'), h('small', null, t(`fees.unit.${f.unit}`))),
        h('td', null, t(`fees.setting.${f.setting}`)),
        h('td', null, f.legal_basis),
        h('td', null, fmtDate(f.effective_from), f.effective_to ? ` – ${fmtDate(f.effective_to)}` : ''),
        h('td', null, t(`fees.status.${f.status}`))));
      replace(out, h('section', { class: 'card' }, h('h2', null, t('fees.catalogue', { port: port.input.value })),
        h('div', { class: 'table-scroll' }, h('table', { class: 'list', id: 'fees-table' }, h('caption', null, t('fees.caption', { date: fmtDate(doc.date) })),
          h('thead', null, head), h('tbody', null, rows)))));
    } catch (e) {
      replace(out, notice('error', errorMessage(e)));
    }
  }

  const num = (name, value = '0') => {
    const f = field({ name, label: t(`fees.in.${name}`), type: 'number', value, attrs: { min: 0, step: 1, inputmode: 'numeric' } });
    f.input.id = `fees-in-${name}`;
    return f;
  };
  const inputs = [num('gross_tonnage', '50000'), num('containers_20', '10'), num('containers_40', '5'),
    num('storage_days', '7'), num('tonnes', '0')];
  const estBtn = h('button', { type: 'submit', class: 'primary', id: 'fees-estimate-submit' }, t('fees.estimate'));
  const estForm = h('form', { class: 'card', id: 'fees-estimate-form', novalidate: true },
    h('h2', null, t('fees.estimator')), h('div', { class: 'row' }, inputs.map((f) => f.el)),
    h('div', { class: 'form-actions' }, estBtn));
  estForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await busy(estBtn, async () => {
      const query = { port: port.input.value };
      for (const f of inputs) query[f.input.name] = f.input.value || '0';
      try {
        const e = await api('GET', '/v1/fees/estimate', { query });
        replace(est, h('section', { class: 'card' },
          h('table', { class: 'list', id: 'fees-estimate-table' },
            h('caption', null, t('fees.estimate_caption', { port: e.port, date: fmtDate(e.date) })),
            h('thead', null, h('tr', null, ['charge', 'rate', 'quantity', 'amount'].map((c) => h('th', { scope: 'col' }, t(`fees.col.${c}`))))),
            h('tbody', null, e.charges.map((c) => h('tr', null, h('th', { scope: 'row' }, c.description),
              h('td', { class: 'num' }, `${c.rate} ${t(`fees.unit.${c.unit}`)}`), h('td', { class: 'num' }, c.quantity),
              h('td', { class: 'num' }, `${c.amount} ${c.currency}`)))),
            h('tfoot', null, e.totals.map((x) => h('tr', null, h('th', { scope: 'row', colspan: 3 }, t('fees.total')),
              h('td', { class: 'num', id: `fees-total-${x.currency}` }, `${x.amount} ${x.currency}`)))))));
      } catch (err) {
        replace(est, notice('error', errorMessage(err)));
      }
    }, t('common.searching'));
  });
  port.input.addEventListener('change', () => { replace(est); loadCatalogue(); });
  ctx.main.append(pageHead(t('fees.title')), h('p', null, t('fees.intro')),
    h('div', { class: 'card filters' }, port.el), out, estForm, est);
  await loadCatalogue();
}
