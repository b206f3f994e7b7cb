// logistics.test.mjs - issue 9: logistics events posted by a terminal (port1), matched to
// declarations whether they come before or after the declaration, release notices for the
// terminal, gate-out after release, clear errors for bad keys, idempotent duplicates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { system, api } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import { shrimpImport, phoneImport, submitOk, taskOf, decideOk } from './lib/declarations.mjs';

let s;
before(async () => { s = await system(); });
after(async () => {
  const r = await s?.close();
  assert.deepEqual(r, { code: 0, signal: null });
});

const U = `${process.pid % 100000}`.padStart(5, '0');
let seq = 0;

/** A valid ISO 6346 container number, unique in this run. */
function container() {
  seq += 1;
  const body = `TSTU${U.slice(-3)}${String(seq).padStart(3, '0')}`;
  const val = (ch) => {
    if (/\d/.test(ch)) return Number(ch);
    let v = 10;
    for (let c = 65; c < ch.charCodeAt(0); c++) { v++; if (v % 11 === 0) v++; }
    return v;
  };
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += val(body[i]) * 2 ** i;
  return body + ((sum % 11) % 10);
}
const bl = () => `TBL${U}${String(++seq).padStart(6, '0')}`;

const post = (body, login = 'port1') => api(s.base, 'POST', '/v1/logistics/events', {
  token: s.token(login), body,
});
const notices = async (after = 0, wait = 0) => {
  const r = await api(s.base, 'GET', `/v1/logistics/notices?after=${after}&wait=${wait}`,
    { token: s.token('port1') });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const timeline = async (id) => {
  const r = await api(s.base, 'GET', `/v1/declarations/${id}/events`, { token: s.token('trader1') });
  assert.equal(r.status, 200, r.text);
  return r.json.items ?? r.json;
};

test('an event posted before the declaration is linked when the declaration arrives', async () => {
  const b = bl();
  const box = container();
  const ev = await post({ kind: 'arrival', at: '2026-11-20T06:00:00Z', port: 'CNSHA', bill_of_lading: b });
  assert.equal(ev.status, 201, ev.text);
  assert.deepEqual(ev.json.declarations, [], 'nothing to link yet');
  assert.equal(ev.json.key.kind, 'bill_of_lading');
  // a low-value import: customs green channel, guarantee: released at once
  const d = await submitOk(s.base, s.token('trader1'), phoneImport({
    transport: { mode: '1', loading: 'KRPUS', discharge: 'CNSHA', bill_of_lading: b, containers: [box] },
  }));
  assert.equal(d.status, 'released');
  const again = await api(s.base, 'GET', `/v1/logistics/events/${ev.json.id}`, { token: s.token('port1') });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json.declarations, [d.number]);
  const tl = await timeline(d.id);
  const lg = tl.filter((e) => e.kind === 'logistics');
  assert.equal(lg.length, 1, JSON.stringify(tl));
  assert.equal(lg[0].detail.event, 'arrival');
  assert.equal(lg[0].at, '2026-11-20T06:00:00.000000Z');
  // released, with the terminal's event linked: the terminal has its release notice
  const n = await notices();
  const mine = n.items.find((x) => x.number === d.number);
  assert.ok(mine, JSON.stringify(n));
  assert.equal(mine.kind, 'release_notice');
  assert.equal(mine.status, 'released');
  assert.equal(mine.bill_of_lading, b);
  assert.deepEqual(mine.containers, [box]);
  assert.equal(mine.gate_out, undefined);

  // an event after the declaration links at once; gate-out completes the timeline
  const gate = await post({ kind: 'gate_out', at: '2026-11-21T09:30:00Z', container: box.toLowerCase() });
  assert.equal(gate.status, 201, gate.text);
  assert.deepEqual(gate.json.declarations, [d.number]);
  assert.equal(gate.json.key.value, box, 'keys are normalised to capitals');
  const n2 = await notices();
  assert.equal(n2.items.find((x) => x.number === d.number).gate_out, '2026-11-21T09:30:00.000000Z');
  const tl2 = await timeline(d.id);
  assert.deepEqual(tl2.filter((e) => e.kind === 'logistics').map((e) => e.detail.event), ['arrival', 'gate_out']);
});

test('a declaration released later gives the terminal a release notice (long poll)', async () => {
  const b = bl();
  const d = await submitOk(s.base, s.token('trader1'), shrimpImport({
    transport: {
      mode: '1', vessel_imo: '9321483', voyage: '025E', bill_of_lading: b, loading: 'VNSGN',
      discharge: 'CNSHA', arrival: '2026-12-01T06:00:00Z', containers: [container()],
    },
  }));
  assert.equal(d.status, 'under_review');
  const ev = await post({ kind: 'discharge', at: '2026-12-01T08:00:00Z', bill_of_lading: b });
  assert.equal(ev.status, 201, ev.text);
  assert.deepEqual(ev.json.declarations, [d.number]);
  const before = await notices();
  assert.equal(before.items.find((x) => x.number === d.number), undefined, 'not released yet');
  const cursor = before.next;
  const waiting = notices(cursor, 10);
  await decideOk(s.base, s.token('customs1'), taskOf(d, 'CUSTOMS').id, { decision: 'approve' });
  await decideOk(s.base, s.token('quarantine1'), taskOf(d, 'QUARANTINE').id, { decision: 'approve' });
  const got = await waiting;
  assert.ok(got.items.some((x) => x.number === d.number), JSON.stringify(got));
  // the vessel call key also links
  const call = await post({ kind: 'departure', at: '2026-12-02T18:00:00Z', vessel_call: '9321483/025e' });
  assert.equal(call.status, 201, call.text);
  assert.ok(call.json.declarations.includes(d.number));
});

test('the declaration number is a key; an unknown number is refused', async () => {
  const d = await submitOk(s.base, s.token('trader1'), phoneImport());
  const ok = await post({ kind: 'storage_entry', at: '2026-11-22T10:00:00Z', declaration: d.number });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual(ok.json.declarations, [d.number]);
  const bad = await post({ kind: 'storage_entry', at: '2026-11-22T10:00:00Z', declaration: '220020269999999999' });
  const doc = assertProblem(bad, 422, 'unknown_declaration');
  assert.equal(doc.errors[0].path, '/declaration');
});

test('bad keys and fields get clear 422 answers listing every problem', async () => {
  let r = await post({ kind: 'arrival', at: '2026-11-20T06:00:00Z', container: 'MSKU9070324' });
  let doc = assertProblem(r, 422, 'bad_check_digit');
  assert.equal(doc.errors[0].path, '/container');
  r = await post({ kind: 'arrival', at: '2026-11-20T06:00:00Z', vessel_call: '9321484/025E' });
  assertProblem(r, 422, 'bad_check_digit');
  r = await post({ kind: 'arrival', at: '2026-11-20T06:00:00Z', vessel_call: 'COSCO' });
  assertProblem(r, 422, 'bad_format');
  r = await post({ kind: 'arrival', at: '2026-11-20T06:00:00Z', bill_of_lading: 'A', container: 'MSKU9070323' });
  doc = assertProblem(r, 422, 'too_many_keys');
  assert.ok(doc.errors.some((e) => e.path === '/bill_of_lading' && e.code === 'bad_format'));
  r = await post({ kind: 'teleport', at: 'yesterday', port: 'XXXXX' });
  doc = assertProblem(r, 422, 'key_required');
  const codes = doc.errors.map((e) => `${e.path} ${e.code}`).sort();
  assert.deepEqual(codes, [' key_required', '/at bad_datetime', '/kind unknown_kind', '/port unknown_location']);
  r = await post({ kind: 'arrival', at: '2026-11-20T06:00:00Z', bill_of_lading: 'COSU1', extra: 1 });
  assertProblem(r, 422, 'unknown_field');
});

test('posting the same event twice is idempotent', async () => {
  const body = { kind: 'loading', at: '2026-11-23T01:02:03.5Z', bill_of_lading: bl() };
  const a = await post(body);
  assert.equal(a.status, 201, a.text);
  const b = await post(body);
  assert.equal(b.status, 200, b.text);
  assert.equal(b.json.id, a.json.id);
  const list = await api(s.base, 'GET', '/v1/logistics/events?limit=500', { token: s.token('port1') });
  assert.equal(list.status, 200);
  assert.equal(list.json.items.filter((e) => e.id === a.json.id).length, 1);
});

test('only ports, terminals, carriers and logistics firms post and read events', async () => {
  const r = await post({ kind: 'arrival', at: '2026-11-20T06:00:00Z', bill_of_lading: 'COSU1234567890' }, 'trader1');
  assertProblem(r, 403, 'not_logistics_party');
  const c = await post({ kind: 'arrival', at: '2026-11-20T06:00:00Z', bill_of_lading: bl() }, 'carrier1');
  assert.equal(c.status, 201, c.text);
  // another party's event is not visible
  const other = await api(s.base, 'GET', `/v1/logistics/events/${c.json.id}`, { token: s.token('port1') });
  assertProblem(other, 404, 'not_found');
  const anon = await api(s.base, 'GET', '/v1/logistics/notices');
  assert.equal(anon.status, 401);
});
