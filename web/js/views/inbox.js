// inbox.js - an agency's inbox: the tasks routed to the officer's agency. "To decide"
// (pending, then under inspection) is the default view; within each, oldest first (by the
// time the task entered its state), so nothing waits unseen. Filters by state and type
// are kept in the address. The list follows the live feed.
import { h, replace, clear, debounce } from '../dom.js';
import { api } from '../api.js';
import { t, label } from '../i18n.js';
import { notice, errorMessage } from '../forms.js';
import { pageHead, taskBadge, statusBadge, sinceEl, loading, empty, liveLine, agencyNames, agencyLabel, typeLabel } from '../ui.js';

const VIEWS = {
  open: ['pending', 'inspection'],
  held: ['held'],
  approved: ['approved'],
  rejected: ['rejected'],
  closed: ['closed'],
  all: [null],
};
const ORDER = { pending: 0, inspection: 1, held: 2, approved: 3, rejected: 4, closed: 5 };
const TYPES = ['IM', 'EX', 'VA', 'VD'];
const PAGE = 100;

export async function inboxView(ctx) {
  const user = ctx.session.user;
  const names = await agencyNames();
  const agencies = user.role === 'administrator' ? Object.keys(names) : [user.agency];
  const agency = agencies.includes(ctx.query.get('agency')) ? ctx.query.get('agency') : agencies[0];
  const view = VIEWS[ctx.query.get('view')] ? ctx.query.get('view') : 'open';
  const type = TYPES.includes(ctx.query.get('type')) ? ctx.query.get('type') : '';
  const title = t('inbox.title', { agency: agencyLabel(names, agency) });
  ctx.setTitle(title);

  const go = (changes) => {
    const q = new URLSearchParams({ view, ...(type ? { type } : {}), ...(user.role === 'administrator' ? { agency } : {}), ...changes });
    for (const [k, v] of [...q]) if (!v) q.delete(k);
    ctx.navigate(`#/inbox?${q}`);
  };
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': t('inbox.views') },
    Object.keys(VIEWS).map((v) => h('a', {
      href: `#/inbox?view=${v}${type ? `&type=${type}` : ''}${user.role === 'administrator' ? `&agency=${agency}` : ''}`,
      class: ['tab', v === view && 'active'], 'aria-current': v === view ? 'true' : false, id: `tab-${v}`,
    }, t(`inbox.view_${v}`))));
  const typeSel = h('select', { id: 'f-type', on: { change: (e) => go({ type: e.target.value }) } },
    h('option', { value: '' }, t('common.any')), TYPES.map((x) => h('option', { value: x, selected: x === type }, typeLabel(x))));
  const agencySel = user.role === 'administrator'
    ? h('div', { class: 'field' }, h('label', { for: 'f-agency' }, t('inbox.agency')),
      h('select', { id: 'f-agency', on: { change: (e) => go({ agency: e.target.value }) } },
        agencies.map((a) => h('option', { value: a, selected: a === agency }, agencyLabel(names, a)))))
    : null;
  const live = liveLine();
  const listBox = h('div', { id: 'inbox-list' }, loading());
  const more = h('div', { class: 'more' });
  ctx.main.append(pageHead(title), tabs,
    h('form', { class: 'filters', role: 'search', on: { submit: (e) => e.preventDefault() } },
      agencySel, h('div', { class: 'field' }, h('label', { for: 'f-type' }, t('decl.type')), typeSel)),
    live.el, listBox, more);

  let cursors = {};
  let tasks = [];

  async function fetchState(state, after) {
    const r = await api('GET', `/v1/agencies/${encodeURIComponent(agency)}/tasks`, {
      query: { state: state || undefined, type: type || undefined, limit: PAGE, after },
    });
    cursors[state || 'all'] = r.next || null;
    return r.items || [];
  }

  function sortTasks(list) {
    return list.sort((a, b) => (ORDER[a.state] - ORDER[b.state]) || a.since.localeCompare(b.since) || a.id - b.id);
  }

  function renderList() {
    if (!tasks.length) {
      replace(listBox, empty(t(`inbox.empty_${view}`)));
      clear(more);
      return;
    }
    replace(listBox, h('table', { class: 'list responsive inbox' },
      h('caption', { class: 'visually-hidden' }, title),
      h('thead', null, h('tr', null, [t('decl.number'), t('decl.type'), t('decl.reference'), t('inbox.task'), t('inbox.since'), t('task.why'), t('decl.status')]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, tasks.map((tk) => h('tr', { dataset: { task: tk.id, decl: tk.declaration.id, number: tk.declaration.number, state: tk.state } },
        h('td', { 'data-label': t('decl.number') }, h('a', { href: `#/declarations/${tk.declaration.id}?task=${tk.id}` }, tk.declaration.number)),
        h('td', { 'data-label': t('decl.type') }, label('type', tk.declaration.type)),
        h('td', { 'data-label': t('decl.reference') }, tk.declaration.reference),
        h('td', { 'data-label': t('inbox.task') }, taskBadge(tk.state)),
        h('td', { 'data-label': t('inbox.since') }, sinceEl(tk.since, ['pending', 'held', 'inspection'].includes(tk.state))),
        h('td', { 'data-label': t('task.why'), class: 'reason' }, tk.reason),
        h('td', { 'data-label': t('decl.status') }, statusBadge(tk.declaration.status)))))));
    clear(more);
    const pending = Object.entries(cursors).filter(([, c]) => c);
    if (pending.length) {
      more.append(h('button', {
        type: 'button', class: 'secondary', id: 'load-more',
        on: {
          click: async (e) => {
            e.target.disabled = true;
            for (const [state, c] of pending) tasks.push(...await fetchState(state === 'all' ? null : state, c));
            sortTasks(tasks);
            renderList();
          },
        },
      }, t('common.load_more')));
    }
  }

  async function load() {
    cursors = {};
    const parts = await Promise.all(VIEWS[view].map((s) => fetchState(s)));
    tasks = sortTasks(parts.flat());
    renderList();
    live.mark();
  }

  try {
    await load();
  } catch (e) {
    replace(listBox, notice('error', errorMessage(e)));
  }
  const reload = debounce(() => load().catch((e) => replace(listBox, notice('error', errorMessage(e)))), 300);
  ctx.live(() => reload());
  ctx.onCleanup(() => reload.cancel());
}
