// bills.js - the duty and tax bills the caller may see (its party's; all of them for
// customs, tax and administrators): amount, due date, whether paid or secured by a
// guarantee, and the declaration each one is for.
import { h } from '../dom.js';
import { t, fmtDate, fmtTime } from '../i18n.js';
import { listScreen } from '../ui.js';

export function billsView(ctx) {
  return listScreen(ctx, {
    prefix: 'bills',
    path: '/v1/bills',
    id: 'bills-list',
    cols: ['number', 'declaration', 'amount', 'status', 'due', 'issued', 'guarantee'],
    row: (b, cell) => h('tr', { dataset: { number: b.number, status: b.status } },
      cell('number', b.number),
      cell('declaration', h('a', { href: `#/declarations/${b.declaration}` }, b.declaration_number)),
      cell('amount', `${b.amount} ${b.currency}`, { class: 'num' }),
      cell('status', h('span', { class: `badge bill-${b.status}` }, t(`bills.status.${b.status}`))),
      cell('due', fmtDate(b.due_date)),
      cell('issued', fmtTime(b.issued_at)),
      cell('guarantee', b.guarantee || '—')),
  });
}
