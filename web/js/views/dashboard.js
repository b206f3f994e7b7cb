// dashboard.js - "my declarations": for each, its status and, agency by agency, who
// approved and who is still pending and since when; drafts kept in this browser; filters
// (kept in the address so a filtered view can be bookmarked); live updates.
import { h, replace, clear } from '../dom.js';
import { api, mapLimit } from '../api.js';
import { t, label, fmtTime } from '../i18n.js';
import { errorMessage, notice } from '../forms.js';
import { listDrafts, deleteDraft } from '../drafts.js';
import { pageHead, statusBadge, taskBadge, sinceEl, loading, empty, agencyNames, liveLine, typeLabel } from '../ui.js';

const PAGE = 20;
const STATUSES = ['registered', 'under_review', 'awaiting_payment', 'released', 'cleared', 'refused', 'cancelled'];
const TYPES = ['IM', 'EX', 'VA', 'VD'];
const OPEN = new Set(['pending', 'held', 'inspection']);

export async function dashboardView(ctx) {
  const user = ctx.session.user;
  const isAdmin = user.role === 'administrator';
  const title = isAdmin ? t('dash.title_all') : t('dash.title');
  ctx.setTitle(title);
  const names = await agencyNames();
  const filters = {
    status: ctx.query.get('status') || '',
    type: ctx.query.get('type') || '',
    hs: ctx.query.get('hs') || '',
  };
  const actions = isAdmin ? [] : [
    h('a', { class: 'button primary', href: '#/declarations/new?type=IM', id: 'new-goods' }, t('dash.new_goods')),
    h('a', { class: 'button secondary', href: '#/declarations/new?type=VA', id: 'new-vessel' }, t('dash.new_vessel')),
  ];
  ctx.main.append(pageHead(title, ...actions));

  if (!isAdmin) {
    const drafts = listDrafts(user.login);
    if (drafts.length) {
      const box = h('section', { class: 'card drafts', id: 'drafts' }, h('h2', null, t('dash.drafts')),
        h('p', { class: 'muted' }, t('dash.drafts_note')));
      const ul = h('ul', { class: 'plain draft-list' });
      for (const d of drafts) {
        const li = h('li', null,
          h('a', { href: `#/declarations/new?draft=${encodeURIComponent(d.id)}` },
            `${label('type', d.type)} ${d.reference || t('dash.no_reference')}`),
          ' ', h('span', { class: 'muted' }, t('dash.saved_at', { time: fmtTime(d.saved_at) })), ' ',
          h('button', {
            type: 'button', class: 'linklike danger',
            'aria-label': t('dash.delete_draft_named', { name: d.reference || d.id }),
            on: { click: () => { deleteDraft(user.login, d.id); li.remove(); if (!ul.children.length) box.remove(); } },
          }, t('dash.delete_draft')));
        ul.append(li);
      }
      box.append(ul);
      ctx.main.append(box);
    }
  }

  // filters
  const sel = (id, lab, value, opts) => h('div', { class: 'field' }, h('label', { for: id }, lab),
    h('select', { id, on: { change: apply } }, h('option', { value: '' }, t('common.any')),
      opts.map(([v, l]) => h('option', { value: v, selected: v === value }, l))));
  const hsInput = h('input', { id: 'f-hs', type: 'search', inputmode: 'numeric', value: filters.hs, maxlength: 10, on: { change: apply } });
  const filterBar = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters'), on: { submit: (e) => { e.preventDefault(); apply(); } } },
    sel('f-status', t('decl.status'), filters.status, STATUSES.map((s) => [s, label('status', s)])),
    sel('f-type', t('decl.type'), filters.type, TYPES.map((s) => [s, typeLabel(s)])),
    h('div', { class: 'field' }, h('label', { for: 'f-hs' }, t('dash.hs_filter')), hsInput));
  function apply() {
    const q = new URLSearchParams();
    const st = document.getElementById('f-status').value;
    const ty = document.getElementById('f-type').value;
    const hs = hsInput.value.trim();
    if (st) q.set('status', st);
    if (ty) q.set('type', ty);
    if (/^\d{2,10}$/.test(hs)) q.set('hs', hs);
    else if (hs) return;
    const s = q.toString();
    ctx.navigate(`#/declarations${s ? `?${s}` : ''}`);
  }
  const live = liveLine();
  const tableBox = h('div', { id: 'decl-list' }, loading());
  const more = h('div', { class: 'more' });
  ctx.main.append(filterBar, live.el, tableBox, more);

  const tbody = h('tbody');
  const rows = new Map(); // id -> {tr, decl}
  let next = null;

  function taskCell(d) {
    if (!d.tasks) return h('span', { class: 'muted' }, t('common.loading'));
    if (d.tasks.length === 0) return h('span', { class: 'muted' }, '—');
    return h('ul', { class: 'plain agency-list' }, d.tasks.map((tk) => h('li', { dataset: { agency: tk.agency, state: tk.state } },
      h('span', { class: 'agency-code', title: names[tk.agency] || tk.agency }, tk.agency), ' ',
      taskBadge(tk.state), ' ', sinceEl(tk.since, OPEN.has(tk.state)))));
  }

  function row(d) {
    return h('tr', { dataset: { id: d.id, number: d.number } },
      h('td', { 'data-label': t('decl.number') }, h('a', { href: `#/declarations/${d.id}` }, d.number)),
      h('td', { 'data-label': t('decl.reference') }, d.reference),
      h('td', { 'data-label': t('decl.type') }, label('type', d.type)),
      h('td', { 'data-label': t('decl.status') }, statusBadge(d.status)),
      h('td', { 'data-label': t('dash.agencies'), class: 'agencies' }, taskCell(d)),
      h('td', { 'data-label': t('decl.updated') }, fmtTime(d.updated_at)));
  }

  function put(d) {
    const old = rows.get(d.id);
    const tr = row(d);
    if (old) old.tr.replaceWith(tr);
    else tbody.append(tr);
    rows.set(d.id, { tr, decl: d });
  }

  async function details(list) {
    await mapLimit(list, 4, async (d) => {
      try {
        const full = await api('GET', `/v1/declarations/${d.id}`);
        put(full);
      } catch {
        put({ ...d, tasks: [] });
      }
    });
  }

  async function loadPage(after) {
    const r = await api('GET', '/v1/declarations', { query: { ...filters, limit: PAGE, after } });
    next = r.next || null;
    return r.items || [];
  }

  function renderMore() {
    clear(more);
    if (next) {
      more.append(h('button', {
        type: 'button', class: 'secondary', id: 'load-more',
        on: {
          click: async (e) => {
            e.target.disabled = true;
            const items = await loadPage(next);
            items.forEach((d) => put(d));
            renderMore();
            await details(items);
          },
        },
      }, t('common.load_more')));
    }
  }

  try {
    const items = await loadPage();
    if (!items.length) {
      replace(tableBox, empty(filters.status || filters.type || filters.hs ? t('dash.none_filtered') : t('dash.none')));
    } else {
      replace(tableBox, h('table', { class: 'list responsive' },
        h('caption', { class: 'visually-hidden' }, title),
        h('thead', null, h('tr', null, [t('decl.number'), t('decl.reference'), t('decl.type'), t('decl.status'), t('dash.agencies'), t('decl.updated')]
          .map((c) => h('th', { scope: 'col' }, c)))), tbody));
      items.forEach((d) => put(d));
      renderMore();
      await details(items);
    }
    live.mark();
  } catch (e) {
    replace(tableBox, notice('error', errorMessage(e)));
  }

  // live: refresh the rows an event touches; a new declaration of ours reloads the page
  ctx.live(async (events) => {
    const ids = [...new Set(events.map((e) => e.declaration))];
    const known = ids.filter((id) => rows.has(id));
    if (ids.some((id) => !rows.has(id)) && events.some((e) => e.kind === 'registered')) {
      ctx.navigate(window.location.hash);
      return;
    }
    if (known.length) {
      await details(known.map((id) => rows.get(id).decl));
      live.mark();
    }
  });
}
