// edifact.mjs - UN/EDIFACT helpers of the API tests (issue 6): a CUSDEC (D96B) built from
// a JSON goods declaration of declarations.mjs (the profile of docs/edifact.md), a small
// segment reader for the answers (CONTRL, APERAK, CUSRES), and POST /v1/edi.
import { api } from './harness.mjs';

/** Escapes a value for the default separators (release character '?'). */
export function esc(v) {
  return String(v).replace(/[?:+'*]/g, (c) => `?${c}`);
}

/** '2026-12-01T06:00:00Z' -> '202612010600' (date/time format 203). */
function dt203(iso) {
  return iso.replace(/[-:T]/g, '').slice(0, 12);
}

/**
 * The CUSDEC D96B of a goods declaration (IM or EX) in the JSON shape of
 * declarations.mjs, wrapped in one interchange. opts: {sender, qual, icref, release}.
 * Returns the interchange text.
 */
export function cusdec(d, opts = {}) {
  const sender = opts.sender ?? 'TRADER1';
  const qual = opts.qual ?? 'ZZ';
  const icref = opts.icref ?? `IC${Date.now() % 1e9}`;
  const release = opts.release ?? '96B';
  const segs = [];
  const trim = (a) => { while (a.length && a.at(-1) === '') a.pop(); return a; };
  const seg = (...els) => segs.push(trim(els.map((e) => (Array.isArray(e)
    ? trim(e.map((c) => esc(c ?? ''))).join(':') : esc(e ?? '')))).join('+'));
  seg('BGM', d.type === 'EX' ? '830' : '929', d.reference, '9');
  if (d.procedure) seg('CST', '', d.procedure);
  seg('LOC', '22', d.office);
  const t = d.transport || {};
  if (t.loading) seg('LOC', '9', t.loading);
  if (t.discharge) seg('LOC', '11', t.discharge);
  if (t.arrival) seg('DTM', ['132', dt203(t.arrival), '203']);
  for (const c of t.containers || []) seg('EQD', 'CN', c);
  if (t.bill_of_lading) seg('RFF', ['BM', t.bill_of_lading]);
  if (t.mode || t.voyage || t.vessel_imo) {
    seg('TDT', '20', t.voyage ?? '', t.mode ?? '', '', '', '', '', t.vessel_imo ?? '');
  }
  for (const [q, p] of [['IM', d.importer], ['EX', d.exporter], ['DT', d.declarant]]) {
    if (p) seg('NAD', q, p.id ?? '', '', p.name ?? '');
  }
  const inv = d.invoice || {};
  if (inv.incoterm) seg('TOD', '', '', [inv.incoterm, '', 'ZZZ']);
  if (inv.total) seg('MOA', ['39', inv.total, inv.currency ?? '']);
  segs.push('UNS+D');
  for (const it of d.items || []) {
    seg('CST', String(it.seq), it.hs);
    if (it.description) seg('FTX', 'AAA', '', '', it.description);
    if (it.origin) seg('LOC', '27', it.origin);
    if (it.net_kg) seg('MEA', 'WT', 'AAA', ['KGM', it.net_kg]);
    if (it.gross_kg) seg('MEA', 'WT', 'AAB', ['KGM', it.gross_kg]);
    if (it.quantity) seg('MEA', 'AAF', 'SQ', [it.unit ?? '', it.quantity]);
    if (it.value) seg('MOA', ['38', it.value]);
    for (const doc of it.documents || []) seg('DOC', ['', '', '', doc.type], doc.number);
  }
  segs.push('UNS+S');
  const body = [`UNH+1+CUSDEC:D:${release}:UN`, ...segs];
  body.push(`UNT+${body.length + 1}+1`);
  return `UNA:+.? '\n${[`UNB+UNOC:3+${esc(sender)}:${esc(qual)}+OPENSW+261201:0600+${icref}`,
    ...body, `UNZ+1+${icref}`].join("'\n")}'\n`;
}

/**
 * Splits EDIFACT text (default separators, release '?') into interchanges of segments:
 * [[{tag, els: [[comp, ...], ...]}, ...], ...] (one array per UNB..UNZ).
 */
export function readEdifact(text) {
  const segs = [];
  let el = [''];
  let els = [el];
  const flush = () => {
    const tag = els[0][0].trim();
    if (tag) segs.push({ tag, els: els.slice(1) });
    el = [''];
    els = [el];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '?' && i + 1 < text.length) { el[el.length - 1] += text[++i]; continue; }
    if (c === "'") { flush(); continue; }
    if (c === '+') { el = ['']; els.push(el); continue; }
    if (c === ':') { el.push(''); continue; }
    if ((c === '\n' || c === '\r') && els.length === 1 && el.length === 1 && el[0].trim() === '') continue;
    el[el.length - 1] += c;
  }
  const ics = [];
  let cur = null;
  for (const s of segs) {
    if (s.tag === 'UNA') continue;
    if (s.tag === 'UNB') { cur = [s]; ics.push(cur); continue; }
    if (cur) cur.push(s);
  }
  return ics;
}

/** The messages (UNH..UNT) of an interchange, each {type, segs}. */
export function messages(ic) {
  const out = [];
  let cur = null;
  for (const s of ic) {
    if (s.tag === 'UNH') { cur = { ref: s.els[0][0], type: s.els[1][0], version: s.els[1].slice(1, 3).join(''), segs: [s] }; out.push(cur); continue; }
    if (cur) cur.segs.push(s);
    if (s.tag === 'UNT') cur = null;
  }
  return out;
}

/** First component of element n (1-based) of a segment, '' when absent. */
export function val(seg, n, c = 1) {
  return seg?.els?.[n - 1]?.[c - 1] ?? '';
}

/** POST /v1/edi with an EDIFACT body. */
export function postEdi(base, token, text, contentType = 'application/EDIFACT') {
  return api(base, 'POST', '/v1/edi', { token, raw: text, headers: { 'content-type': contentType } });
}

/** GET /v1/declarations/{id}/cusres. */
export function getCusres(base, token, id) {
  return api(base, 'GET', `/v1/declarations/${id}/cusres`, { token });
}
