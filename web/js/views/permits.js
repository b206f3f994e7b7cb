// permits.js - the licences, permits and certificates the caller may see (its party's as
// holder; an issuing agency's own): validity, status, uses, and per line what is left to
// draw. Declarations that cite a permit draw on it when they are registered.
import { h } from '../dom.js';
import { t, fmtDate } from '../i18n.js';
import { listScreen } from '../ui.js';

/** "12,000 of 100,000 KGM left" or "5,000.00 of 9,000.00 left" per permit line. */
function lineText(l) {
  const parts = [];
  if (l.quantity !== undefined)
    parts.push(t('permits.left', { left: l.remaining_quantity, of: l.quantity, unit: l.unit || '' }));
  if (l.value !== undefined) parts.push(t('permits.left', { left: l.remaining_value, of: l.value, unit: '' }));
  return `${l.hs_prefix}${l.description ? ` ${l.description}` : ''}: ${parts.join('; ') || '—'}`;
}

export function permitsView(ctx) {
  return listScreen(ctx, {
    prefix: 'permits',
    path: '/v1/permits',
    id: 'permits-list',
    cols: ['number', 'issuer', 'valid', 'status', 'uses', 'lines'],
    row: (p, cell) => h('tr', { dataset: { type: p.type, number: p.number, status: p.status } },
      cell('number', [p.number, h('br'), h('small', null, p.type)]),
      cell('issuer', p.issuer),
      cell('valid', `${fmtDate(p.valid_from)} – ${fmtDate(p.valid_to)}`),
      cell('status', h('span', { class: `badge permit-${p.status}` }, t(`permits.status.${p.status}`))),
      cell('uses', p.max_uses ? t('permits.uses_of', { n: p.uses, max: p.max_uses })
        : t('permits.uses', { n: p.uses }), { class: 'num' }),
      cell('lines', h('ul', { class: 'plain' }, p.lines.map((l) => h('li', null, lineText(l)))))),
  });
}
