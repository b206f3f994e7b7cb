// declform.js - the declaration form: goods (import IM, export EX) with item rows that can
// be added, copied and removed and HS search-as-you-type; vessel calls (arrival VA,
// departure VD) with a crew list. Every problem the API answers is shown next to its
// field (forms.js maps the JSON Pointers). What is typed is saved as a draft in this
// browser as it is typed. Submitting twice with the same reference is harmless: the API
// answers the existing declaration (idempotent by reference).
import { h, clear, replace, debounce } from '../dom.js';
import { api } from '../api.js';
import { t, label, fmtTime, fmtDecimal } from '../i18n.js';
import { field, listErrorSlot, showErrors, clearErrors, errorSummary, busy, notice, errorMessage } from '../forms.js';
import { combobox, hsSource, locationSource, countrySource } from '../combo.js';
import { getDraft, saveDraft, deleteDraft, newDraftId } from '../drafts.js';
import { pageHead, typeLabel } from '../ui.js';

const GOODS = ['IM', 'EX'];
const TYPES = ['IM', 'EX', 'VA', 'VD'];
const MODES = ['1', '2', '3', '4', '5', '7', '8', '9'];
const INCOTERMS = ['EXW', 'FCA', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP', 'FAS', 'FOB', 'CFR', 'CIF'];
const UNITS = ['KGM', 'TNE', 'LTR', 'MTQ', 'MTK', 'MTR', 'NAR', 'PR', 'SET', 'C62'];
const DOC_TYPES = ['phyto', 'health', 'origin', 'licence', 'permit', 'invoice', 'packing_list'];
const CURRENCIES = ['USD', 'EUR', 'CNY', 'JPY', 'GBP', 'HKD', 'KRW', 'SGD', 'VND', 'AUD'];

function emptyItem() {
  return { hs: '', description: '', origin: '', quantity: '', unit: 'KGM', net_kg: '', gross_kg: '', value: '', documents: [] };
}

function newReference(type) {
  const d = new Date();
  const ymd = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
  const r = new Uint8Array(3);
  crypto.getRandomValues(r);
  return `${type}-${ymd}-${Array.from(r, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

function goodsModel(type, party) {
  return {
    type, reference: newReference(type), procedure: type === 'EX' ? '1000' : '4000', office: '',
    importer: { id: type === 'IM' ? party : '', name: '' },
    exporter: { id: type === 'EX' ? party : '', name: '' },
    declarant: { id: '', name: '' }, destination: '',
    transport: { mode: '1', vessel_imo: '', voyage: '', bill_of_lading: '', loading: '', discharge: '', arrival: '', containers: '' },
    invoice: { currency: 'USD', incoterm: 'CIF', total: '' },
    items: [emptyItem()],
  };
}

function vesselModel(type, party) {
  return {
    type, reference: newReference(type), port: '',
    vessel: { imo: '', name: '', flag: '', call_sign: '', gross_tonnage: '' },
    voyage: '', eta: '', etd: '', last_port: '', next_port: '', crew_count: '', crew: [],
    passenger_count: '', cargo_summary: '', dangerous_goods: false, sanitation_certificate_expiry: '',
    security_level: '1', carrier: { id: party, name: '' },
  };
}

// ---- model <-> request body ----

/** "2026-12-01T14:00" (local, as datetime-local gives it) -> "2026-12-01T06:00:00Z". */
export function localToUtc(s) {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "2026-12-01T06:00:00Z" -> the local "YYYY-MM-DDTHH:MM" a datetime-local input shows. */
export function utcToLocal(s) {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

const str = (v) => (typeof v === 'string' ? v.trim() : v);
/** An integer field: a number when it is one, else the text (the API names the problem). */
const int = (v) => { const s = str(v); return /^\d{1,15}$/.test(s || '') ? Number(s) : s; };

function compact(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === '' || v === undefined || v === null) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

function party(p) { return compact({ id: str(p.id), name: str(p.name) }); }

export function toBody(m) {
  if (GOODS.includes(m.type)) {
    return compact({
      type: m.type, reference: str(m.reference), procedure: str(m.procedure), office: str(m.office),
      importer: party(m.importer), exporter: party(m.exporter), declarant: party(m.declarant),
      destination: str(m.destination),
      transport: compact({
        mode: str(m.transport.mode), vessel_imo: str(m.transport.vessel_imo), voyage: str(m.transport.voyage),
        bill_of_lading: str(m.transport.bill_of_lading), loading: str(m.transport.loading),
        discharge: str(m.transport.discharge), arrival: localToUtc(m.transport.arrival),
        containers: String(m.transport.containers || '').split(/[\s,;]+/).filter(Boolean),
      }),
      invoice: compact({ currency: str(m.invoice.currency), incoterm: str(m.invoice.incoterm), total: str(m.invoice.total) }),
      items: m.items.map((it, i) => compact({
        seq: i + 1, hs: str(it.hs), description: str(it.description), origin: str(it.origin),
        quantity: str(it.quantity), unit: str(it.unit), net_kg: str(it.net_kg), gross_kg: str(it.gross_kg),
        value: str(it.value),
        documents: (it.documents || []).filter((d) => str(d.type) || str(d.number))
          .map((d) => compact({ type: str(d.type), number: str(d.number) })),
      })),
    });
  }
  return compact({
    type: m.type, reference: str(m.reference), port: str(m.port),
    vessel: compact({
      imo: str(m.vessel.imo), name: str(m.vessel.name), flag: str(m.vessel.flag),
      call_sign: str(m.vessel.call_sign), gross_tonnage: int(m.vessel.gross_tonnage),
    }),
    voyage: str(m.voyage), eta: localToUtc(m.eta), etd: localToUtc(m.etd),
    last_port: str(m.last_port), next_port: str(m.next_port), crew_count: int(m.crew_count),
    crew: m.crew.map((c) => compact({ name: str(c.name), nationality: str(c.nationality), rank: str(c.rank) })),
    passenger_count: int(m.passenger_count), cargo_summary: str(m.cargo_summary),
    dangerous_goods: Boolean(m.dangerous_goods),
    sanitation_certificate_expiry: str(m.sanitation_certificate_expiry),
    security_level: int(m.security_level), carrier: party(m.carrier),
  });
}

/** A submitted declaration's content as a new model (for "copy into a new declaration"). */
function fromContent(c, type, partyId) {
  if (GOODS.includes(type)) {
    const m = goodsModel(type, partyId);
    const tr = c.transport || {};
    Object.assign(m, {
      procedure: c.procedure || m.procedure, office: c.office || '', destination: c.destination || '',
      importer: { id: c.importer?.id || '', name: c.importer?.name || '' },
      exporter: { id: c.exporter?.id || '', name: c.exporter?.name || '' },
      declarant: { id: c.declarant?.id || '', name: c.declarant?.name || '' },
      transport: {
        mode: tr.mode || '1', vessel_imo: tr.vessel_imo || '', voyage: tr.voyage || '', bill_of_lading: tr.bill_of_lading || '',
        loading: tr.loading || '', discharge: tr.discharge || '', arrival: utcToLocal(tr.arrival), containers: (tr.containers || []).join(' '),
      },
      invoice: { currency: c.invoice?.currency || '', incoterm: c.invoice?.incoterm || '', total: c.invoice?.total || '' },
      items: (c.items || []).map((it) => ({
        hs: it.hs || '', description: it.description || '', origin: it.origin || '', quantity: it.quantity || '',
        unit: it.unit || '', net_kg: it.net_kg || '', gross_kg: it.gross_kg || '', value: it.value || '',
        documents: (it.documents || []).map((d) => ({ type: d.type || '', number: d.number || '' })),
      })),
    });
    if (!m.items.length) m.items = [emptyItem()];
    return m;
  }
  const m = vesselModel(type, partyId);
  Object.assign(m, {
    port: c.port || '', voyage: c.voyage || '', eta: utcToLocal(c.eta), etd: utcToLocal(c.etd),
    last_port: c.last_port || '', next_port: c.next_port || '',
    crew_count: c.crew_count ?? '', passenger_count: c.passenger_count ?? '', cargo_summary: c.cargo_summary || '',
    dangerous_goods: Boolean(c.dangerous_goods), sanitation_certificate_expiry: c.sanitation_certificate_expiry || '',
    security_level: String(c.security_level ?? '1'),
    vessel: { imo: c.vessel?.imo || '', name: c.vessel?.name || '', flag: c.vessel?.flag || '', call_sign: c.vessel?.call_sign || '', gross_tonnage: c.vessel?.gross_tonnage ?? '' },
    crew: (c.crew || []).map((x) => ({ name: x.name || '', nationality: x.nationality || '', rank: x.rank || '' })),
    carrier: { id: c.carrier?.id || partyId, name: c.carrier?.name || '' },
  });
  return m;
}

/** Sum of decimal strings with 2 fraction digits, exactly (BigInt cents); null if any is not one. */
function sumMoney(values) {
  let cents = 0n;
  for (const v of values) {
    const s = String(v || '').trim();
    if (!s) continue;
    const m = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(s);
    if (!m) return null;
    cents += BigInt(m[1]) * 100n + BigInt((m[2] || '').padEnd(2, '0'));
  }
  const c = cents.toString().padStart(3, '0');
  return `${c.slice(0, -2)}.${c.slice(-2)}`;
}

// ---- the view ----

export async function declFormView(ctx) {
  const user = ctx.session.user;
  const partyId = user.party || '';
  let draftId = ctx.query.get('draft');
  let model;
  if (draftId && getDraft(user.login, draftId)) {
    model = getDraft(user.login, draftId).model;
  } else {
    draftId = newDraftId();
    const type = TYPES.includes(ctx.query.get('type')) ? ctx.query.get('type') : 'IM';
    model = GOODS.includes(type) ? goodsModel(type, partyId) : vesselModel(type, partyId);
    const from = ctx.query.get('from');
    if (from) {
      try {
        const d = await api('GET', `/v1/declarations/${encodeURIComponent(from)}`);
        model = fromContent(d.content || {}, d.type, partyId);
      } catch (e) {
        ctx.main.append(notice('error', errorMessage(e)));
      }
    }
  }
  ctx.setTitle(t('form.title'));

  const summary = errorSummary();
  const draftState = h('p', { class: 'muted draft-state', role: 'status', 'aria-live': 'polite', id: 'draft-state' });
  const formMsg = h('div', { class: 'form-message' });
  const body = h('div', { class: 'form-body' });
  const submitBtn = h('button', { type: 'submit', class: 'primary', id: 'decl-submit' }, t('form.submit'));
  const form = h('form', { class: 'decl-form', id: 'decl-form', novalidate: true },
    summary, body, formMsg,
    h('div', { class: 'form-actions sticky' }, submitBtn,
      h('button', { type: 'button', class: 'secondary', id: 'save-draft', on: { click: () => persist(true) } }, t('form.save_draft')),
      h('button', {
        type: 'button', class: 'linklike danger', id: 'discard-draft',
        on: {
          click: () => {
            if (!window.confirm(t('form.discard_confirm'))) return;
            autosave.cancel();
            deleteDraft(user.login, draftId);
            ctx.navigate('#/declarations');
          },
        },
      }, t('form.discard')),
      draftState));

  const persist = () => {
    const ok = saveDraft(user.login, draftId, model);
    if (!ctx.query.get('draft')) {
      ctx.query.set('draft', draftId);
      window.history.replaceState(null, '', `#/declarations/new?draft=${encodeURIComponent(draftId)}`);
    }
    draftState.textContent = ok ? t('form.draft_saved', { time: fmtTime(new Date().toISOString(), true) }) : t('form.draft_failed');
  };
  const autosave = debounce(() => persist(false), 800);
  // leaving the page or the form (reload, closed tab, another screen) saves what is pending
  const flush = () => autosave.flush();
  window.addEventListener('pagehide', flush);
  ctx.onCleanup(() => { window.removeEventListener('pagehide', flush); flush(); });

  // field helpers bound to the model
  const get = (path) => path.split('/').slice(1).reduce((o, k) => (o == null ? undefined : o[k]), model);
  const set = (path, v) => {
    const keys = path.split('/').slice(1);
    const last = keys.pop();
    const obj = keys.reduce((o, k) => o[k], model);
    obj[last] = v;
    autosave();
  };
  const f = (path, lab, opts = {}) => {
    const fd = field({ path, label: lab, value: get(path), onInput: (v) => { set(path, v); if (opts.after) opts.after(v); }, ...opts });
    return fd;
  };
  const withCombo = (fd, source, pickHint) => {
    combobox(fd.input, source, { onPick: (o) => fd.setHint(pickHint ? pickHint(o) : `${o.value} — ${o.label}`) });
    return fd;
  };
  const section = (title, ...children) => h('fieldset', { class: 'card section' }, h('legend', null, title), h('div', { class: 'grid' }, children));

  function typeSelect() {
    const fd = field({
      path: '/type', label: t('decl.type'), type: 'select', value: model.type,
      options: TYPES.map((x) => [x, typeLabel(x)]),
      onInput: (v) => {
        const wasGoods = GOODS.includes(model.type);
        if (wasGoods === GOODS.includes(v)) {
          model.type = v;
          if (wasGoods) model.procedure = v === 'EX' ? '1000' : '4000';
        } else {
          const ref = model.reference;
          model = GOODS.includes(v) ? goodsModel(v, partyId) : vesselModel(v, partyId);
          model.reference = ref;
        }
        autosave();
        renderAll();
        body.querySelector('[data-path="/type"]')?.focus();
      },
    });
    return fd.el;
  }

  // ---- goods ----
  const itemsBox = h('div', { class: 'items' });
  const itemsErr = listErrorSlot('/items');
  const sumLine = h('p', { class: 'hint', id: 'items-sum', 'aria-live': 'polite' });

  function updateSum() {
    if (!GOODS.includes(model.type)) return;
    const s = sumMoney(model.items.map((i) => i.value));
    sumLine.textContent = s === null ? t('form.sum_unknown') : t('form.sum', { sum: fmtDecimal(s) });
  }

  function itemRow(it, i) {
    const p = `/items/${i}`;
    const n = i + 1;
    const fs = h('fieldset', { class: 'item card', dataset: { index: i } },
      h('legend', null, t('form.item', { n })));
    const hs = withCombo(f(`${p}/hs`, t('item.hs'), { required: true, hint: t('item.hs_hint'), attrs: { inputmode: 'search', maxlength: 13, class: 'hs-input' } }), hsSource);
    const docsBox = h('div', { class: 'docs' });
    const renderDocs = () => {
      replace(docsBox, it.documents.map((d, j) => {
        const dp = `${p}/documents/${j}`;
        return h('div', { class: 'doc-row grid' },
          f(`${dp}/type`, t('item.doc_type', { n: j + 1 }), { attrs: { list: 'doc-types', maxlength: 35 } }).el,
          f(`${dp}/number`, t('item.doc_number', { n: j + 1 }), { attrs: { maxlength: 70 } }).el,
          h('div', { class: 'row-actions' }, h('button', {
            type: 'button', class: 'linklike danger',
            'aria-label': t('item.doc_remove_named', { n: j + 1, item: n }),
            on: { click: () => { it.documents.splice(j, 1); autosave(); renderDocs(); } },
          }, t('item.doc_remove'))));
      }), listErrorSlot(`${p}/documents`), h('button', {
        type: 'button', class: 'secondary small',
        on: { click: () => { it.documents.push({ type: '', number: '' }); autosave(); renderDocs(); docsBox.querySelectorAll('.doc-row input')[it.documents.length * 2 - 2]?.focus(); } },
      }, t('item.doc_add')));
    };
    renderDocs();
    fs.append(h('div', { class: 'grid' },
      hs.el,
      f(`${p}/description`, t('item.description'), { required: true, wide: true, attrs: { maxlength: 512 } }).el,
      withCombo(f(`${p}/origin`, t('item.origin'), { required: true, attrs: { maxlength: 2, class: 'short' } }), countrySource).el,
      f(`${p}/quantity`, t('item.quantity'), { required: true, attrs: { inputmode: 'decimal' } }).el,
      f(`${p}/unit`, t('item.unit'), { required: true, hint: t('item.unit_hint'), attrs: { list: 'units', maxlength: 3 } }).el,
      f(`${p}/net_kg`, t('item.net_kg'), { required: true, attrs: { inputmode: 'decimal' } }).el,
      f(`${p}/gross_kg`, t('item.gross_kg'), { required: true, attrs: { inputmode: 'decimal' } }).el,
      f(`${p}/value`, t('item.value'), { required: true, attrs: { inputmode: 'decimal' }, after: updateSum }).el),
    h('div', { class: 'docs-box' }, h('h3', null, t('item.documents')), docsBox),
    h('div', { class: 'row-actions' },
      h('button', {
        type: 'button', class: 'secondary small copy-item', 'aria-label': t('form.copy_item_named', { n }),
        on: {
          click: () => {
            model.items.splice(i + 1, 0, JSON.parse(JSON.stringify(it)));
            autosave();
            renderItems();
            itemsBox.querySelectorAll('fieldset.item')[i + 1]?.querySelector('input')?.focus();
          },
        },
      }, t('form.copy_item')),
      h('button', {
        type: 'button', class: 'secondary small danger remove-item', 'aria-label': t('form.remove_item_named', { n }),
        disabled: model.items.length === 1,
        on: {
          click: () => {
            model.items.splice(i, 1);
            autosave();
            renderItems();
            const rows = itemsBox.querySelectorAll('fieldset.item');
            (rows[Math.min(i, rows.length - 1)]?.querySelector('input') || addBtn).focus();
          },
        },
      }, t('form.remove_item'))));
    return fs;
  }

  const addBtn = h('button', {
    type: 'button', class: 'secondary', id: 'add-item',
    on: {
      click: () => {
        if (model.items.length >= 999) return;
        model.items.push(emptyItem());
        autosave();
        renderItems();
        const rows = itemsBox.querySelectorAll('fieldset.item');
        rows[rows.length - 1]?.querySelector('input')?.focus();
      },
    },
  }, t('form.add_item'));

  function renderItems() {
    replace(itemsBox, model.items.map(itemRow));
    updateSum();
  }

  function goodsForm() {
    const isIm = model.type === 'IM';
    const total = f('/invoice/total', t('inv.total'), { required: true, attrs: { inputmode: 'decimal' } });
    const useSum = h('button', {
      type: 'button', class: 'secondary small', id: 'use-sum',
      on: {
        click: () => {
          const s = sumMoney(model.items.map((i) => i.value));
          if (s === null) return;
          total.input.value = s;
          set('/invoice/total', s);
        },
      },
    }, t('form.use_sum'));
    renderItems();
    return [
      section(t('form.general'), typeSelect(),
        f('/reference', t('decl.reference'), { required: true, hint: t('form.reference_hint'), attrs: { maxlength: 35, autocomplete: 'off' } }).el,
        f('/procedure', t('decl.procedure'), { required: true, hint: t('form.procedure_hint'), attrs: { inputmode: 'numeric', maxlength: 4 } }).el,
        withCombo(f('/office', t('decl.office'), { required: true, hint: t('form.office_hint'), attrs: { maxlength: 5 } }), locationSource).el,
        model.type === 'EX' ? withCombo(f('/destination', t('decl.destination'), { required: true, attrs: { maxlength: 2 } }), countrySource).el : null),
      section(t('form.parties'),
        f('/importer/id', t('party.importer_id'), { required: isIm, hint: isIm ? t('form.importer_hint') : '', attrs: { maxlength: 35 } }).el,
        f('/importer/name', t('party.importer_name'), { attrs: { maxlength: 140 } }).el,
        f('/exporter/id', t('party.exporter_id'), { required: !isIm, attrs: { maxlength: 35 } }).el,
        f('/exporter/name', t('party.exporter_name'), { attrs: { maxlength: 140 } }).el,
        f('/declarant/id', t('party.declarant_id'), { hint: t('form.declarant_hint'), attrs: { maxlength: 35 } }).el),
      section(t('form.transport'),
        f('/transport/mode', t('tr.mode'), { type: 'select', required: true, options: MODES.map((m) => [m, `${m} — ${label('mode', m)}`]) }).el,
        f('/transport/vessel_imo', t('tr.vessel_imo'), { hint: t('form.imo_hint'), attrs: { inputmode: 'numeric', maxlength: 10 } }).el,
        f('/transport/voyage', t('tr.voyage'), { attrs: { maxlength: 17 } }).el,
        f('/transport/bill_of_lading', t('tr.bill_of_lading'), { attrs: { maxlength: 35 } }).el,
        withCombo(f('/transport/loading', t('tr.loading'), { attrs: { maxlength: 5 } }), locationSource).el,
        withCombo(f('/transport/discharge', t('tr.discharge'), { attrs: { maxlength: 5 } }), locationSource).el,
        f('/transport/arrival', t('tr.arrival'), { type: 'datetime-local', hint: t('form.local_time') }).el,
        f('/transport/containers', t('tr.containers'), { hint: t('form.containers_hint'), wide: true, attrs: { autocomplete: 'off' } }).el),
      section(t('form.invoice'),
        f('/invoice/currency', t('inv.currency'), { required: true, attrs: { list: 'currencies', maxlength: 3 } }).el,
        f('/invoice/incoterm', t('inv.incoterm'), { type: 'select', required: true, options: INCOTERMS.map((x) => [x, x]) }).el,
        h('div', { class: 'field-group' }, total.el, sumLine, useSum)),
      h('section', { class: 'items-section', 'aria-labelledby': 'items-title' },
        h('h2', { id: 'items-title' }, t('form.items')), itemsErr, itemsBox, addBtn),
    ];
  }

  // ---- vessel calls ----
  const crewBox = h('div', { class: 'crew' });
  function renderCrew() {
    replace(crewBox, model.crew.map((c, i) => {
      const p = `/crew/${i}`;
      return h('fieldset', { class: 'crew-row card' }, h('legend', null, t('vessel.crew_member', { n: i + 1 })),
        h('div', { class: 'grid' },
          f(`${p}/name`, t('vessel.crew_name'), { required: true, attrs: { maxlength: 140 } }).el,
          withCombo(f(`${p}/nationality`, t('vessel.crew_nationality'), { required: true, attrs: { maxlength: 2 } }), countrySource).el,
          f(`${p}/rank`, t('vessel.crew_rank'), { attrs: { maxlength: 70 } }).el),
        h('div', { class: 'row-actions' }, h('button', {
          type: 'button', class: 'secondary small danger', 'aria-label': t('vessel.crew_remove_named', { n: i + 1 }),
          on: { click: () => { model.crew.splice(i, 1); autosave(); renderCrew(); } },
        }, t('vessel.crew_remove'))));
    }));
  }

  function vesselForm() {
    renderCrew();
    return [
      section(t('form.general'), typeSelect(),
        f('/reference', t('decl.reference'), { required: true, hint: t('form.reference_hint'), attrs: { maxlength: 35 } }).el,
        withCombo(f('/port', t('vessel.port'), { required: true, attrs: { maxlength: 5 } }), locationSource).el,
        f('/carrier/id', t('vessel.carrier_id'), { required: true, attrs: { maxlength: 35 } }).el,
        f('/carrier/name', t('vessel.carrier_name'), { attrs: { maxlength: 140 } }).el),
      section(t('vessel.ship'),
        f('/vessel/imo', t('vessel.imo'), { required: true, hint: t('form.imo_hint'), attrs: { inputmode: 'numeric', maxlength: 10 } }).el,
        f('/vessel/name', t('vessel.name'), { required: true, attrs: { maxlength: 140 } }).el,
        withCombo(f('/vessel/flag', t('vessel.flag'), { required: true, attrs: { maxlength: 2 } }), countrySource).el,
        f('/vessel/call_sign', t('vessel.call_sign'), { attrs: { maxlength: 12 } }).el,
        f('/vessel/gross_tonnage', t('vessel.gross_tonnage'), { attrs: { inputmode: 'numeric' } }).el,
        f('/security_level', t('vessel.security_level'), { type: 'select', options: [['1', '1'], ['2', '2'], ['3', '3']] }).el,
        f('/sanitation_certificate_expiry', t('vessel.sanitation'), { type: 'date' }).el),
      section(t('vessel.voyage_section'),
        f('/voyage', t('vessel.voyage'), { attrs: { maxlength: 17 } }).el,
        f('/eta', t('vessel.eta'), { type: 'datetime-local', required: model.type === 'VA', hint: t('form.local_time') }).el,
        f('/etd', t('vessel.etd'), { type: 'datetime-local', required: model.type === 'VD', hint: t('form.local_time') }).el,
        withCombo(f('/last_port', t('vessel.last_port'), { attrs: { maxlength: 5 } }), locationSource).el,
        withCombo(f('/next_port', t('vessel.next_port'), { attrs: { maxlength: 5 } }), locationSource).el),
      section(t('vessel.people_cargo'),
        f('/crew_count', t('vessel.crew_count'), { required: true, attrs: { inputmode: 'numeric' } }).el,
        f('/passenger_count', t('vessel.passenger_count'), { attrs: { inputmode: 'numeric' } }).el,
        f('/cargo_summary', t('vessel.cargo_summary'), { type: 'textarea', wide: true, attrs: { maxlength: 2000 } }).el,
        f('/dangerous_goods', t('vessel.dangerous_goods'), { type: 'checkbox' }).el),
      h('section', { class: 'items-section', 'aria-labelledby': 'crew-title' },
        h('h2', { id: 'crew-title' }, t('vessel.crew_list')), h('p', { class: 'hint' }, t('vessel.crew_hint')),
        listErrorSlot('/crew'), crewBox,
        h('button', {
          type: 'button', class: 'secondary', id: 'add-crew',
          on: {
            click: () => {
              model.crew.push({ name: '', nationality: '', rank: '' });
              autosave();
              renderCrew();
              const rows = crewBox.querySelectorAll('.crew-row');
              rows[rows.length - 1]?.querySelector('input')?.focus();
            },
          },
        }, t('vessel.crew_add'))),
    ];
  }

  const datalists = h('div', { hidden: true },
    h('datalist', { id: 'units' }, UNITS.map((u) => h('option', { value: u }, label('unit', u)))),
    h('datalist', { id: 'currencies' }, CURRENCIES.map((c) => h('option', { value: c }))),
    h('datalist', { id: 'doc-types' }, DOC_TYPES.map((d) => h('option', { value: d }, label('doctype', d)))));

  function renderAll() {
    clearErrors(form, summary);
    replace(body, GOODS.includes(model.type) ? goodsForm() : vesselForm());
  }
  renderAll();

  const describe = (p) => (p === '' ? t('form.whole') : p);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(formMsg);
    clearErrors(form, summary);
    await busy(submitBtn, async () => {
      try {
        const d = await api('POST', '/v1/declarations', { body: toBody(model) });
        deleteDraft(user.login, draftId);
        autosave.cancel();
        ctx.flash(t('form.submitted', { number: d.number }), 'ok');
        ctx.navigate(`#/declarations/${d.id}`);
      } catch (e) {
        if (e.errors.length && [403, 409, 422].includes(e.status)) {
          showErrors(form, e.errors, summary, describe);
        } else {
          formMsg.append(notice('error', errorMessage(e)));
        }
        persist(false);
      }
    }, t('form.submitting'));
  });

  ctx.main.append(pageHead(t('form.title')), h('p', null, t('form.intro')), datalists, form);
  if (ctx.query.get('draft')) draftState.textContent = t('form.draft_loaded');
}
