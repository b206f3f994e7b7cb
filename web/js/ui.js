// ui.js - small pieces shared by the screens: status badges, times, agency names,
// loading and empty states.
import { h } from './dom.js';
import { api } from './api.js';
import { t, label, fmtTime, fmtAgo, fmtDuration } from './i18n.js';
import { notice, errorMessage } from './forms.js';

/** A declaration status as a coloured badge ("Under review"). */
export function statusBadge(status) {
  return h('span', { class: ['badge', `st-${status}`], dataset: { status } }, label('status', status));
}

/** A task state as a badge ("Pending"). */
export function taskBadge(state) {
  return h('span', { class: ['badge', `ts-${state}`], dataset: { state } }, label('task', state));
}

/** <time> showing the local time, with the exact UTC instant on hover. */
export function timeEl(iso, withSeconds = false) {
  if (!iso) return h('span', null, '—');
  return h('time', { datetime: iso, title: iso }, fmtTime(iso, withSeconds));
}

/** "since 14:05 (for 2 hr 5 min)" for an open task, "14:05" for a closed one. */
export function sinceEl(iso, open) {
  if (!iso) return null;
  const span = Date.now() - new Date(iso).getTime();
  return h('span', { class: 'since' },
    open ? t('task.since', { time: fmtTime(iso) }) : fmtTime(iso),
    open ? h('span', { class: 'muted' }, ` (${t('task.for', { duration: fmtDuration(span) })})`) : null);
}

export function agoEl(iso) {
  return h('time', { datetime: iso, title: fmtTime(iso, true) }, fmtAgo(iso));
}

let agencies = null;
/** Agency code -> name, loaded once (GET /v1/agencies is public). */
export async function agencyNames() {
  if (agencies) return agencies;
  try {
    const r = await api('GET', '/v1/agencies');
    agencies = Object.fromEntries((r.items || []).map((a) => [a.code, a.name]));
  } catch {
    agencies = {};
  }
  return agencies;
}

/** "Inspection and Quarantine (QUARANTINE)" when the name is known. */
export function agencyLabel(names, code) {
  return names?.[code] ? `${names[code]} (${code})` : code;
}

export function loading(text) {
  return h('p', { class: 'loading', role: 'status' }, text || t('common.loading'));
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

/** A page title with optional actions beside it. */
export function pageHead(title, ...actions) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, title),
    actions.length ? h('div', { class: 'actions' }, actions) : null);
}

/** A definition list from [[term, value], ...] (value: text or node; empty ones left out). */
export function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => h('div', { class: 'fact' }, h('dt', null, k), h('dd', null, v))));
}

/** Type label: "Import (IM)". */
export function typeLabel(type) {
  return `${label('type', type)} (${type})`;
}

/** A live indicator that says when the view last refreshed itself. */
export function liveLine() {
  const el = h('p', { class: 'live-line', role: 'status', 'aria-live': 'polite' });
  return {
    el,
    mark() {
      el.textContent = t('live.updated', { time: fmtTime(new Date().toISOString(), true) });
    },
  };
}

/** A read-only list screen: a title and intro, then the items of GET `path` as a table of
 * `cols`, one row(item, cell) each, or the empty text, or the error. Strings come from
 * `${prefix}.title|intro|none|caption|col.<col>`. cell(col, content, attrs) makes the cell
 * of a column, labelled for narrow screens (the first column heads its row). */
export async function listScreen(ctx, { prefix, path, id, cols, row }) {
  ctx.setTitle(t(`${prefix}.title`));
  ctx.main.append(pageHead(t(`${prefix}.title`)), h('p', { class: 'muted' }, t(`${prefix}.intro`)));
  let items;
  try {
    items = (await api('GET', path)).items;
  } catch (e) {
    ctx.main.append(notice('error', errorMessage(e)));
    return;
  }
  if (!items.length) {
    ctx.main.append(empty(t(`${prefix}.none`)));
    return;
  }
  const cell = (col, content, attrs = {}) => h(col === cols[0] ? 'th' : 'td',
    { ...(col === cols[0] ? { scope: 'row' } : {}), 'data-label': t(`${prefix}.col.${col}`), ...attrs }, content);
  ctx.main.append(h('section', { class: 'card' }, h('div', { class: 'table-scroll' },
    h('table', { class: 'list', id },
      h('caption', null, t(`${prefix}.caption`)),
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(`${prefix}.col.${c}`))))),
      h('tbody', null, items.map((item) => row(item, cell)))))));
}
