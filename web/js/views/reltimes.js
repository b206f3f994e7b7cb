// reltimes.js - public release-time statistics (WCO Time Release Study): a stage
// breakdown bar chart (median per stage), the distribution of total release times, and a
// table per group. Aggregates only; small groups are shown as suppressed.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { field, busy, notice, errorMessage } from '../forms.js';
import { pageHead } from '../ui.js';
import { hbarChart, histogram } from '../chart.js';

/** Seconds as "2 h 05 min", "45 s", "-1 h 30 min". */
export function fmtSeconds(sec) {
  if (sec === undefined || sec === null) return '–';
  const neg = sec < 0;
  let a = Math.abs(sec);
  let out;
  if (a < 60) out = t('dur.s', { s: a });
  else if (a < 3600) out = t('dur.m', { m: Math.round(a / 60) });
  else if (a < 48 * 3600) {
    a = Math.round(a / 60);
    out = t('dur.hm', { h: Math.floor(a / 60), m: String(a % 60).padStart(2, '0') });
  } else out = t('dur.dh', { d: Math.floor(a / 86400), h: Math.round((a % 86400) / 3600) });
  return neg ? `−${out}` : out;
}

const DIMS = ['none', 'type', 'office', 'mode', 'channel', 'agencies', 'agency', 'trusted', 'month'];

function isoDay(offsetDays) {
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

function binLabel(b) {
  const f = (s) => (s < 3600 ? `${s / 60}m` : s < 86400 ? `${s / 3600}h` : `${s / 86400}d`);
  return b.to === null ? `≥${f(b.from)}` : `${f(b.from)}–${f(b.to)}`;
}

export async function relTimesView(ctx) {
  ctx.setTitle(t('rt.title'));
  const by = field({ name: 'by', label: t('rt.by'), type: 'select', value: ctx.query.get('by') || 'month',
    options: DIMS.map((d) => [d, t(`rt.by.${d}`)]) });
  const from = field({ name: 'from', label: t('rt.from'), type: 'date', value: ctx.query.get('from') || isoDay(-200) });
  const to = field({ name: 'to', label: t('rt.to'), type: 'date', value: ctx.query.get('to') || isoDay(0) });
  const type = field({ name: 'type', label: t('rt.type'), type: 'select', value: '',
    options: [['', t('rt.any')], ['IM', 'IM'], ['EX', 'EX']] });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'rt-submit' }, t('rt.show'));
  const out = h('div', { id: 'rt-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'card filters', id: 'rt-form', novalidate: true },
    h('div', { class: 'row' }, by.el, from.el, to.el, type.el), h('div', { class: 'form-actions' }, submit));

  async function load() {
    const query = { by: by.input.value, from: from.input.value, to: to.input.value, type: type.input.value };
    try {
      const doc = await api('GET', '/v1/stats/release-times', { query });
      const csv = `/v1/stats/release-times?${new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter(([, v]) => v)), format: 'csv' })}`;
      render(doc, csv);
    } catch (e) {
      replace(out, notice('error', errorMessage(e)));
    }
  }

  function render(doc, csv) {
    const o = doc.overall;
    const parts = [h('p', { class: 'lead', id: 'rt-count' }, t('rt.count', { n: o.count, min: doc.min_group }))];
    if (o.suppressed) {
      parts.push(notice('info', t('rt.too_few', { min: doc.min_group })));
      replace(out, parts);
      return;
    }
    const stageRows = doc.stages.filter((st) => o.stages[st]).map((st) => ({
      label: t(`rt.stage.${st}`), value: Math.max(0, o.stages[st].median), text: fmtSeconds(o.stages[st].median),
    }));
    parts.push(h('section', { class: 'card' }, h('h2', null, t('rt.breakdown')),
      h('p', { class: 'hint' }, t('rt.breakdown_hint')),
      hbarChart(stageRows, { title: t('rt.breakdown'), id: 'rt-stage-chart' })));
    if (!doc.histogram.suppressed) {
      parts.push(h('section', { class: 'card' }, h('h2', null, t('rt.distribution')),
        histogram(doc.histogram.bins.map((b) => ({ label: binLabel(b), count: b.count })),
          { title: t('rt.distribution'), id: 'rt-histogram' })));
    }
    const head = h('tr', null, [t('rt.group'), t('rt.n'), t('rt.mean'), t('rt.median'), t('rt.p90'), t('rt.min'), t('rt.max')]
      .map((c) => h('th', { scope: 'col' }, c)));
    const rowOf = (key, g) => {
      const tot = g.stages?.total;
      if (g.suppressed || !tot) {
        return h('tr', { class: 'suppressed' }, h('th', { scope: 'row' }, key), h('td', null, g.count),
          h('td', { colspan: 5 }, t('rt.suppressed')));
      }
      return h('tr', null, h('th', { scope: 'row' }, key), h('td', null, g.count),
        [tot.mean, tot.median, tot.p90, tot.min, tot.max].map((v) => h('td', null, fmtSeconds(v))));
    };
    const rows = [rowOf(t('rt.all'), o), ...doc.groups.map((g) => rowOf(g.key, g))];
    const stageTable = h('table', { class: 'list', id: 'rt-stage-table' },
      h('caption', null, t('rt.stage_table')),
      h('thead', null, h('tr', null, [t('rt.stage'), t('rt.n'), t('rt.mean'), t('rt.median'), t('rt.p90'), t('rt.min'), t('rt.max')]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, doc.stages.filter((st) => o.stages[st]).map((st) => {
        const x = o.stages[st];
        return h('tr', null, h('th', { scope: 'row' }, t(`rt.stage.${st}`)), h('td', null, x.count),
          [x.mean, x.median, x.p90, x.min, x.max].map((v) => h('td', null, fmtSeconds(v))));
      })));
    parts.push(h('section', { class: 'card' }, h('h2', null, t('rt.table')),
      h('div', { class: 'table-scroll' }, h('table', { class: 'list', id: 'rt-table' }, h('caption', null, t('rt.table_caption')), h('thead', null, head), h('tbody', null, rows))),
      h('div', { class: 'table-scroll' }, stageTable),
      h('p', null, h('a', { href: csv, id: 'rt-csv' }, t('rt.csv')))));
    replace(out, parts);
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await busy(submit, load, t('common.searching'));
  });
  ctx.main.append(pageHead(t('rt.title')), h('p', null, t('rt.intro')), form, out);
  await load();
}
