// bills.js - the duty and tax bills the caller may see (its party's; all of them for
// customs, tax and administrators): amount, due date, whether paid or secured by a
// guarantee, and the declaration each one is for.
import { h } from '../dom.js';
import { api } from '../api.js';
import { t, fmtDate, fmtTime } from '../i18n.js';
import { notice, errorMessage } from '../forms.js';
import { pageHead, empty } from '../ui.js';

export async function billsView(ctx) {
  ctx.setTitle(t('bills.title'));
  ctx.main.append(pageHead(t('bills.title')), h('p', { class: 'muted' }, t('bills.intro')));
  let items;
  try {
    items = (await api('GET', '/v1/bills')).items;
  } catch (e) {
    ctx.main.append(notice('error', errorMessage(e)));
    return;
  }
  if (!items.length) {
    ctx.main.append(empty(t('bills.none')));
    return;
  }
  const cols = ['number', 'declaration', 'amount', 'status', 'due', 'issued', 'guarantee'];
  const rows = items.map((b) => h('tr', { dataset: { number: b.number, status: b.status } },
    h('th', { scope: 'row', 'data-label': t('bills.col.number') }, b.number),
    h('td', { 'data-label': t('bills.col.declaration') },
      h('a', { href: `#/declarations/${b.declaration}` }, b.declaration_number)),
    h('td', { class: 'num', 'data-label': t('bills.col.amount') }, `${b.amount} ${b.currency}`),
    h('td', { 'data-label': t('bills.col.status') },
      h('span', { class: `badge bill-${b.status}` }, t(`bills.status.${b.status}`))),
    h('td', { 'data-label': t('bills.col.due') }, fmtDate(b.due_date)),
    h('td', { 'data-label': t('bills.col.issued') }, fmtTime(b.issued_at)),
    h('td', { 'data-label': t('bills.col.guarantee') }, b.guarantee || '—')));
  ctx.main.append(h('section', { class: 'card' }, h('div', { class: 'table-scroll' },
    h('table', { class: 'list', id: 'bills-list' },
      h('caption', null, t('bills.caption')),
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(`bills.col.${c}`))))),
      h('tbody', null, rows)))));
}
