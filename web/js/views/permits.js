// permits.js - the licences, permits and certificates the caller may see (its party's as
// holder; an issuing agency's own): validity, status, uses, and per line what is left to
// draw. Declarations that cite a permit draw on it when they are registered.
import { h } from '../dom.js';
import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { notice, errorMessage } from '../forms.js';
import { pageHead, empty } from '../ui.js';

/** "12,000 of 100,000 KGM left" or "5,000.00 of 9,000.00 left" per permit line. */
function lineText(l) {
  const parts = [];
  if (l.quantity !== undefined)
    parts.push(t('permits.left', { left: l.remaining_quantity, of: l.quantity, unit: l.unit || '' }));
  if (l.value !== undefined) parts.push(t('permits.left', { left: l.remaining_value, of: l.value, unit: '' }));
  return `${l.hs_prefix}${l.description ? ` ${l.description}` : ''}: ${parts.join('; ') || '—'}`;
}

export async function permitsView(ctx) {
  ctx.setTitle(t('permits.title'));
  ctx.main.append(pageHead(t('permits.title')), h('p', { class: 'muted' }, t('permits.intro')));
  let items;
  try {
    items = (await api('GET', '/v1/permits')).items;
  } catch (e) {
    ctx.main.append(notice('error', errorMessage(e)));
    return;
  }
  if (!items.length) {
    ctx.main.append(empty(t('permits.none')));
    return;
  }
  const cols = ['number', 'issuer', 'valid', 'status', 'uses', 'lines'];
  const rows = items.map((p) => h('tr', { dataset: { type: p.type, number: p.number, status: p.status } },
    h('th', { scope: 'row', 'data-label': t('permits.col.number') }, p.number, h('br'), h('small', null, p.type)),
    h('td', { 'data-label': t('permits.col.issuer') }, p.issuer),
    h('td', { 'data-label': t('permits.col.valid') }, `${fmtDate(p.valid_from)} – ${fmtDate(p.valid_to)}`),
    h('td', { 'data-label': t('permits.col.status') },
      h('span', { class: `badge permit-${p.status}` }, t(`permits.status.${p.status}`))),
    h('td', { class: 'num', 'data-label': t('permits.col.uses') },
      p.max_uses ? t('permits.uses_of', { n: p.uses, max: p.max_uses }) : t('permits.uses', { n: p.uses })),
    h('td', { 'data-label': t('permits.col.lines') },
      h('ul', { class: 'plain' }, p.lines.map((l) => h('li', null, lineText(l)))))));
  ctx.main.append(h('section', { class: 'card' }, h('div', { class: 'table-scroll' },
    h('table', { class: 'list', id: 'permits-list' },
      h('caption', null, t('permits.caption')),
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(`permits.col.${c}`))))),
      h('tbody', null, rows)))));
}
