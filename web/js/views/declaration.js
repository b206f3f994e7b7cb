// declaration.js - one declaration: where it stands agency by agency, its timeline, its
// content. The declarant answers holds and may cancel; an officer sees the task of the
// officer's own agency first and decides it (approve; reject with a reason code; hold
// with a note; inspect at a date and time; then record the inspection's result).
// The page follows the live feed: a decision taken elsewhere shows up without reloading.
import { h, replace, clear } from '../dom.js';
import { api } from '../api.js';
import { t, label, fmtTime, fmtDate, fmtDecimal } from '../i18n.js';
import { field, listErrorSlot, showErrors, clearErrors, errorSummary, busy, notice, errorMessage } from '../forms.js';
import {
  pageHead, statusBadge, taskBadge, sinceEl, timeEl, loading, facts, agencyNames, agencyLabel, typeLabel, liveLine,
} from '../ui.js';
import { localToUtc } from './declform.js';

const OPEN = new Set(['pending', 'held', 'inspection']);
const FINAL = new Set(['released', 'cleared', 'refused', 'cancelled']);
export const REASON_CODES = ['documents_missing', 'documents_invalid', 'classification', 'valuation', 'origin',
  'licence_missing', 'prohibited', 'sps_noncompliant', 'inspection_failed', 'other'];

export async function declarationView(ctx) {
  const user = ctx.session.user;
  const id = ctx.params.id;
  const isParty = user.role === 'declarant';
  const isOfficer = user.role === 'officer' || user.role === 'supervisor';
  const names = await agencyNames();
  const head = h('div');
  const decisionBox = h('div', { id: 'decision-box' });
  const answerBox = h('div', { id: 'answer-box' });
  const tasksBox = h('section', { class: 'card', id: 'tasks', 'aria-labelledby': 'tasks-title' });
  const timelineBox = h('section', { class: 'card', id: 'timeline', 'aria-labelledby': 'timeline-title' });
  const contentBox = h('section', { class: 'card', id: 'content', 'aria-labelledby': 'content-title' });
  const cancelBox = h('div', { id: 'cancel-box' });
  const live = liveLine();
  ctx.main.append(head, loading());
  let decl = null;
  let decisionKey = '';
  let answerKey = '';

  async function load() {
    const [d, ev] = await Promise.all([
      api('GET', `/v1/declarations/${id}`),
      api('GET', `/v1/declarations/${id}/events`),
    ]);
    return { d, events: ev.items || [] };
  }

  function render({ d, events }) {
    decl = d;
    ctx.setTitle(`${label('type', d.type)} ${d.number}`);
    const final = FINAL.has(d.status);
    if (final) clear(cancelBox);
    const actions = [];
    if (isParty) {
      actions.push(h('a', { class: 'button secondary', href: `#/declarations/new?from=${d.id}`, id: 'copy-decl' }, t('decl.copy')));
      if (!final) actions.push(h('button', { type: 'button', class: 'secondary danger', id: 'cancel-open', on: { click: openCancel } }, t('decl.cancel')));
    }
    replace(head,
      pageHead(t('decl.heading', { type: label('type', d.type), number: d.number }), ...actions),
      h('div', { class: 'decl-summary' },
        h('p', { class: 'status-line', id: 'decl-status' }, statusBadge(d.status), ' ',
          d.pending?.length ? t('decl.waiting_for', { agencies: d.pending.map((p) => p.agency).join(', ') }) : ''),
        facts([
          [t('decl.reference'), d.reference],
          [t('decl.type'), typeLabel(d.type)],
          [GOODS_TYPES.has(d.type) ? t('decl.office') : t('vessel.port'), d.office],
          [t('decl.declarant'), d.declarant],
          [d.principal !== d.declarant ? t('decl.principal') : '', d.principal !== d.declarant ? d.principal : ''],
          [t('decl.created'), timeEl(d.created_at)],
          [t('decl.updated'), timeEl(d.updated_at)],
          [t('decl.clearance'), d.clearance || ''],
        ].filter(([k]) => k))),
      live.el);
    renderTasks(d);
    renderTimeline(events);
    renderContent(d);
    if (isOfficer) renderDecision(d);
    if (isParty) renderAnswer(d);
    live.mark();
  }

  // ---- tasks ----
  function renderTasks(d) {
    const mine = isOfficer ? user.agency : null;
    const sorted = [...d.tasks].sort((a, b) => (b.agency === mine) - (a.agency === mine));
    replace(tasksBox, h('h2', { id: 'tasks-title' }, t('decl.tasks')),
      h('p', { class: 'muted' }, t('decl.tasks_note')),
      sorted.length ? h('ul', { class: 'task-cards' }, sorted.map((tk) => h('li', {
        class: ['task-card', tk.agency === mine && 'mine'], dataset: { agency: tk.agency, state: tk.state },
      },
      h('div', { class: 'task-head' }, h('strong', null, agencyLabel(names, tk.agency)), ' ', taskBadge(tk.state),
        tk.automated ? h('span', { class: 'badge auto' }, t('task.automated')) : null),
      h('p', { class: 'task-since' }, sinceEl(tk.since, OPEN.has(tk.state))),
      h('p', { class: 'task-reason' }, h('span', { class: 'muted' }, `${t('task.why')} `), tk.reason),
      facts([
        [t('task.reason_code'), tk.reason_code ? label('reason', tk.reason_code) : ''],
        [t('task.note'), tk.note || ''],
        [t('task.inspection_at'), tk.inspection_at ? timeEl(tk.inspection_at) : ''],
        [t('task.decided_by'), tk.decided_by || ''],
      ])))) : h('p', null, t('decl.no_tasks')));
  }

  // ---- timeline ----
  function eventText(e) {
    const det = e.detail || {};
    const ag = e.agency ? agencyLabel(names, e.agency) : '';
    switch (e.kind) {
      case 'registered': return t('event.registered', { number: det.number || e.number || '' });
      case 'task_created': return t('event.task_created', { agency: ag });
      case 'decision': return t('event.decision', { agency: ag, state: label('task', det.state) });
      case 'response': return t('event.response');
      case 'payment': return t('event.payment', { how: label('payment', det.bill || 'paid') });
      case 'status': return t('event.status', { status: label('status', e.status) });
      default: return label('event', e.kind);
    }
  }

  function eventDetails(e) {
    const det = e.detail || {};
    const rows = [];
    if (e.kind === 'task_created' && det.reason) rows.push([t('task.why'), det.reason]);
    if (det.reason_code) rows.push([t('task.reason_code'), label('reason', det.reason_code)]);
    if (det.note) rows.push([t('task.note'), det.note]);
    if (det.inspection_at) rows.push([t('task.inspection_at'), timeEl(det.inspection_at)]);
    if (det.message) rows.push([t('answer.message'), det.message]);
    if (Array.isArray(det.documents) && det.documents.length) {
      rows.push([t('answer.documents'), h('ul', { class: 'plain' }, det.documents.map((x) => h('li', null, `${label('doctype', x.type)}: ${x.number}`)))]);
    }
    if (e.kind === 'status' && det.reason) rows.push([t('cancel.reason'), det.reason]);
    if (det.clearance) rows.push([t('decl.clearance'), det.clearance]);
    return rows.length ? facts(rows) : null;
  }

  function renderTimeline(events) {
    replace(timelineBox, h('h2', { id: 'timeline-title' }, t('decl.timeline')),
      h('ol', { class: 'timeline', id: 'timeline-list' }, events.map((e) => h('li', { dataset: { kind: e.kind, seq: e.seq } },
        h('div', { class: 'tl-time' }, timeEl(e.at, true)),
        h('div', { class: 'tl-body' },
          h('p', { class: 'tl-title' }, eventText(e)),
          h('p', { class: 'tl-actor muted' }, e.automated ? t('event.automated', { actor: e.actor }) : t('event.by', { actor: e.actor })),
          eventDetails(e))))));
  }

  // ---- content ----
  function renderContent(d) {
    const c = d.content || {};
    const parts = [h('h2', { id: 'content-title' }, t('decl.content'))];
    if (GOODS_TYPES.has(d.type)) {
      const tr = c.transport || {};
      parts.push(facts([
        [t('decl.procedure'), c.procedure],
        [t('party.importer'), partyText(c.importer)],
        [t('party.exporter'), partyText(c.exporter)],
        [t('party.declarant'), partyText(c.declarant)],
        [t('decl.destination'), c.destination],
        [t('tr.mode'), tr.mode ? `${tr.mode} — ${label('mode', tr.mode)}` : ''],
        [t('tr.vessel_imo'), tr.vessel_imo], [t('tr.voyage'), tr.voyage], [t('tr.bill_of_lading'), tr.bill_of_lading],
        [t('tr.loading'), tr.loading], [t('tr.discharge'), tr.discharge],
        [t('tr.arrival'), tr.arrival ? timeEl(tr.arrival) : ''],
        [t('tr.containers'), (tr.containers || []).join(', ')],
        [t('inv.total'), c.invoice ? `${fmtDecimal(c.invoice.total)} ${c.invoice.currency || ''} (${c.invoice.incoterm || ''})` : ''],
      ]));
      const items = c.items || [];
      parts.push(h('h3', null, t('form.items')), h('table', { class: 'list responsive items-table' },
        h('thead', null, h('tr', null, ['#', t('item.hs'), t('item.description'), t('item.origin'), t('item.quantity'),
          t('item.net_kg'), t('item.gross_kg'), t('item.value'), t('item.documents')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, items.map((it) => h('tr', null,
          h('td', { 'data-label': '#' }, String(it.seq)),
          h('td', { 'data-label': t('item.hs') }, it.hs),
          h('td', { 'data-label': t('item.description'), class: 'desc' }, it.description),
          h('td', { 'data-label': t('item.origin') }, it.origin),
          h('td', { 'data-label': t('item.quantity') }, `${fmtDecimal(it.quantity)} ${it.unit || ''}`),
          h('td', { 'data-label': t('item.net_kg') }, fmtDecimal(it.net_kg)),
          h('td', { 'data-label': t('item.gross_kg') }, fmtDecimal(it.gross_kg)),
          h('td', { 'data-label': t('item.value') }, fmtDecimal(it.value)),
          h('td', { 'data-label': t('item.documents') }, (it.documents || []).map((x) => `${label('doctype', x.type)} ${x.number}`).join('; ') || '—'))))));
    } else {
      const v = c.vessel || {};
      parts.push(facts([
        [t('vessel.name'), v.name], [t('vessel.imo'), v.imo], [t('vessel.flag'), v.flag], [t('vessel.call_sign'), v.call_sign],
        [t('vessel.gross_tonnage'), v.gross_tonnage !== undefined ? String(v.gross_tonnage) : ''],
        [t('vessel.carrier_id'), partyText(c.carrier)], [t('vessel.voyage'), c.voyage],
        [t('vessel.eta'), c.eta ? timeEl(c.eta) : ''], [t('vessel.etd'), c.etd ? timeEl(c.etd) : ''],
        [t('vessel.last_port'), c.last_port], [t('vessel.next_port'), c.next_port],
        [t('vessel.crew_count'), c.crew_count !== undefined ? String(c.crew_count) : ''],
        [t('vessel.passenger_count'), c.passenger_count !== undefined ? String(c.passenger_count) : ''],
        [t('vessel.cargo_summary'), c.cargo_summary],
        [t('vessel.dangerous_goods'), c.dangerous_goods === undefined ? '' : (c.dangerous_goods ? t('common.yes') : t('common.no'))],
        [t('vessel.sanitation'), c.sanitation_certificate_expiry ? fmtDate(c.sanitation_certificate_expiry) : ''],
        [t('vessel.security_level'), c.security_level !== undefined ? String(c.security_level) : ''],
      ]));
      if ((c.crew || []).length) {
        parts.push(h('h3', null, t('vessel.crew_list')), h('table', { class: 'list responsive' },
          h('thead', null, h('tr', null, [t('vessel.crew_name'), t('vessel.crew_nationality'), t('vessel.crew_rank')].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', null, c.crew.map((m) => h('tr', null, h('td', { 'data-label': t('vessel.crew_name') }, m.name),
            h('td', { 'data-label': t('vessel.crew_nationality') }, m.nationality), h('td', { 'data-label': t('vessel.crew_rank') }, m.rank || '—'))))));
      }
    }
    replace(contentBox, ...parts);
  }

  // ---- officer: decide my agency's task ----
  function renderDecision(d) {
    const wanted = ctx.query.get('task');
    const task = d.tasks.find((x) => String(x.id) === wanted && x.agency === user.agency) || d.tasks.find((x) => x.agency === user.agency);
    const key = task ? `${task.id}:${task.state}:${task.since}:${d.status}` : 'none';
    if (key === decisionKey) return;
    decisionKey = key;
    if (!task) {
      replace(decisionBox, notice('info', t('decide.no_task')));
      return;
    }
    if (!(task.state === 'pending' || task.state === 'inspection') || FINAL.has(d.status)) {
      replace(decisionBox, h('section', { class: 'card mine', id: 'my-task' },
        h('h2', null, t('decide.my_task', { agency: agencyLabel(names, task.agency) })),
        h('p', null, taskBadge(task.state), ' ', sinceEl(task.since, OPEN.has(task.state))),
        h('p', null, task.state === 'held' ? t('decide.waiting_declarant') : t('decide.decided'))));
      return;
    }
    const inInspection = task.state === 'inspection';
    const choices = inInspection ? ['approve', 'reject'] : ['approve', 'reject', 'hold', 'inspect'];
    const summary = errorSummary();
    const msg = h('div', { class: 'form-message' });
    const radios = h('div', { class: 'radios', role: 'radiogroup', 'aria-labelledby': 'decision-legend' });
    const decErr = listErrorSlot('/decision');
    const reason = field({ path: '/reason_code', label: t('decide.reason_code'), type: 'select', options: [['', t('decide.reason_choose')], ...REASON_CODES.map((c) => [c, label('reason', c)])] });
    const note = field({ path: '/note', label: t('decide.note'), type: 'textarea', attrs: { maxlength: 2000 } });
    const when = field({ path: '/inspection_at', label: t('decide.inspection_at'), type: 'datetime-local', hint: t('form.local_time') });
    const submit = h('button', { type: 'submit', class: 'primary', id: 'decide-submit' }, t('decide.submit'));
    let chosen = null;
    const sync = () => {
      reason.el.hidden = chosen !== 'reject';
      reason.input.required = chosen === 'reject';
      note.el.hidden = !chosen;
      note.input.required = chosen === 'hold';
      when.el.hidden = chosen !== 'inspect';
      when.input.required = chosen === 'inspect';
      const lab = note.el.querySelector('label');
      lab.firstChild.textContent = chosen === 'hold' ? t('decide.note_hold') : t('decide.note');
    };
    choices.forEach((c) => {
      const rid = `decision-${c}`;
      radios.append(h('div', { class: 'radio' },
        h('input', { type: 'radio', name: 'decision', id: rid, value: c, dataset: { path: c === choices[0] ? '/decision' : '' }, on: { change: () => { chosen = c; sync(); } } }),
        h('label', { for: rid }, inInspection ? label('inspection_result', c) : label('decision', c))));
    });
    // the radios' data-path is only on the first, so /decision problems land next to the group
    for (const r of radios.querySelectorAll('input[data-path=""]')) r.removeAttribute('data-path');
    radios.querySelector('input').dataset.errorId = decErr.id;
    const form = h('form', { class: 'card mine', id: 'decision-form', novalidate: true },
      h('h2', null, t('decide.my_task', { agency: agencyLabel(names, task.agency) })),
      h('p', null, taskBadge(task.state), ' ', sinceEl(task.since, true)),
      inInspection && task.inspection_at ? h('p', null, t('decide.inspection_scheduled', { time: fmtTime(task.inspection_at) })) : null,
      h('p', { class: 'task-reason' }, h('span', { class: 'muted' }, `${t('task.why')} `), task.reason),
      summary,
      h('fieldset', { class: 'plain-fieldset' }, h('legend', { id: 'decision-legend' }, inInspection ? t('decide.result') : t('decide.decision')), radios, decErr),
      reason.el, note.el, when.el, msg,
      h('div', { class: 'form-actions' }, submit));
    sync();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form, summary);
      clear(msg);
      const local = [];
      if (!chosen) local.push({ path: '/decision', code: 'required', message: t('decide.choose') });
      if (chosen === 'reject' && !reason.input.value) local.push({ path: '/reason_code', code: 'required', message: t('decide.reason_required') });
      if (chosen === 'hold' && !note.input.value.trim()) local.push({ path: '/note', code: 'required', message: t('decide.note_required') });
      if (chosen === 'inspect' && !when.input.value) local.push({ path: '/inspection_at', code: 'required', message: t('decide.when_required') });
      if (local.length) {
        showErrors(form, local, summary);
        return;
      }
      const bodyDoc = { decision: chosen };
      if (reason.input.value && chosen !== 'inspect') bodyDoc.reason_code = reason.input.value;
      if (note.input.value.trim()) bodyDoc.note = note.input.value.trim();
      if (chosen === 'inspect') bodyDoc.inspection_at = localToUtc(when.input.value);
      await busy(submit, async () => {
        try {
          const nd = await api('POST', `/v1/tasks/${task.id}/decisions`, { body: bodyDoc });
          ctx.flash(t('decide.done', { decision: label('decision', chosen) }), 'ok', true);
          decisionKey = '';
          render({ d: nd, events: (await api('GET', `/v1/declarations/${id}/events`)).items || [] });
        } catch (e) {
          if (e.status === 422) showErrors(form, e.errors, summary);
          else if (e.status === 409) {
            msg.append(notice('error', t('decide.conflict')));
            decisionKey = '';
            refresh();
          } else msg.append(notice('error', errorMessage(e)));
        }
      }, t('common.saving'));
    });
    replace(decisionBox, form);
  }

  // ---- declarant: answer holds ----
  function renderAnswer(d) {
    const held = d.tasks.filter((x) => x.state === 'held');
    const key = held.map((x) => `${x.id}:${x.since}`).join(',') + d.status;
    if (key === answerKey) return;
    answerKey = key;
    if (!held.length || FINAL.has(d.status)) {
      clear(answerBox);
      return;
    }
    const summary = errorSummary();
    const msg = h('div', { class: 'form-message' });
    const message = field({ path: '/message', label: t('answer.message'), type: 'textarea', rows: 4, attrs: { maxlength: 2000 } });
    const docs = [];
    const docsBox = h('div', { class: 'docs' });
    const renderDocs = () => replace(docsBox, docs.map((x, j) => h('div', { class: 'doc-row grid' },
      field({ path: `/documents/${j}/type`, label: t('item.doc_type', { n: j + 1 }), value: x.type, attrs: { list: 'answer-doc-types', maxlength: 35 }, onInput: (v) => { x.type = v; } }).el,
      field({ path: `/documents/${j}/number`, label: t('item.doc_number', { n: j + 1 }), value: x.number, attrs: { maxlength: 70 }, onInput: (v) => { x.number = v; } }).el,
      h('div', { class: 'row-actions' }, h('button', { type: 'button', class: 'linklike danger', on: { click: () => { docs.splice(j, 1); renderDocs(); } } }, t('item.doc_remove'))))));
    const submit = h('button', { type: 'submit', class: 'primary', id: 'answer-submit' }, t('answer.submit'));
    const form = h('form', { class: 'card attention', id: 'answer-form', novalidate: true },
      h('h2', null, t('answer.title')),
      h('ul', { class: 'plain held-list' }, held.map((x) => h('li', null,
        h('strong', null, agencyLabel(names, x.agency)), ' ', sinceEl(x.since, true),
        h('blockquote', { class: 'held-note' }, x.note || t('answer.no_note'))))),
      summary, message.el, h('h3', null, t('answer.documents')), docsBox,
      h('button', { type: 'button', class: 'secondary small', on: { click: () => { docs.push({ type: '', number: '' }); renderDocs(); } } }, t('item.doc_add')),
      h('datalist', { id: 'answer-doc-types' }, ['phyto', 'health', 'origin', 'licence', 'permit', 'invoice', 'packing_list'].map((x) => h('option', { value: x }))),
      msg, h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form, summary);
      clear(msg);
      const bodyDoc = {};
      if (message.input.value.trim()) bodyDoc.message = message.input.value.trim();
      const ds = docs.filter((x) => x.type.trim() || x.number.trim()).map((x) => ({ type: x.type.trim(), number: x.number.trim() }));
      if (ds.length) bodyDoc.documents = ds;
      await busy(submit, async () => {
        try {
          const nd = await api('POST', `/v1/declarations/${id}/responses`, { body: bodyDoc });
          ctx.flash(t('answer.sent'), 'ok', true);
          answerKey = '';
          render({ d: nd, events: (await api('GET', `/v1/declarations/${id}/events`)).items || [] });
        } catch (e) {
          if (e.status === 422) showErrors(form, e.errors, summary);
          else msg.append(notice('error', errorMessage(e)));
        }
      }, t('common.sending'));
    });
    replace(answerBox, form);
  }

  // ---- declarant: cancel ----
  function openCancel() {
    const box = cancelBox;
    if (box.firstChild) return;
    const reason = field({ path: '/reason', label: t('cancel.reason'), type: 'textarea', attrs: { maxlength: 500 } });
    const msg = h('div', { class: 'form-message' });
    const yes = h('button', { type: 'submit', class: 'primary danger', id: 'cancel-confirm' }, t('cancel.confirm'));
    const form = h('form', { class: 'card attention', id: 'cancel-form', novalidate: true },
      h('h2', null, t('cancel.title')), h('p', null, t('cancel.explain')), reason.el, msg,
      h('div', { class: 'form-actions' }, yes,
        h('button', { type: 'button', class: 'secondary', on: { click: () => { clear(box); document.getElementById('cancel-open')?.focus(); } } }, t('cancel.keep'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clear(msg);
      await busy(yes, async () => {
        try {
          const body = reason.input.value.trim() ? { reason: reason.input.value.trim() } : undefined;
          const nd = await api('POST', `/v1/declarations/${id}/cancel`, { body });
          ctx.flash(t('cancel.done'), 'ok', true);
          render({ d: nd, events: (await api('GET', `/v1/declarations/${id}/events`)).items || [] });
        } catch (e) {
          if (e.status === 422) showErrors(form, e.errors, null);
          else msg.append(notice('error', e.status === 409 ? t('cancel.too_late') : errorMessage(e)));
        }
      }, t('common.saving'));
    });
    box.append(form);
    reason.input.focus();
  }

  async function refresh() {
    try {
      render(await load());
    } catch (e) {
      replace(ctx.main, notice('error', errorMessage(e)));
    }
  }

  try {
    const data = await load();
    replace(ctx.main, head, cancelBox, decisionBox, answerBox, tasksBox, timelineBox, contentBox);
    render(data);
  } catch (e) {
    replace(ctx.main, pageHead(t('decl.not_available')), notice('error', errorMessage(e)),
      h('p', null, h('a', { href: isOfficer ? '#/inbox' : '#/declarations' }, t('nav.back'))));
    return;
  }
  ctx.live((events) => {
    if (events.some((e) => String(e.declaration) === String(id))) refresh();
  });
}

const GOODS_TYPES = new Set(['IM', 'EX']);

function partyText(p) {
  if (!p) return '';
  return p.name ? `${p.name} (${p.id || '—'})` : (p.id || '');
}
