// stats.test.mjs - issue 9: release-time statistics (WCO Time Release Study) over a set of
// declarations with known timestamps, imported as history through `swctl stats import`
// (the operator's way to bring a previous system's records; no test-only path in swd).
// Every expected figure below is computed by hand in the comments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { system, api, swctl, swctlStatus } from './lib/harness.mjs';
import { assertProblem } from './lib/assert-problem.mjs';
import { TRADER1_PARTY } from './lib/declarations.mjs';

const PORT1_PARTY = '91310000MA1P00066P';
const T0 = Date.parse('2025-03-10T00:00:00Z');
const at = (min) => (min === undefined ? undefined : new Date(T0 + min * 60000).toISOString());
const M = 60; // seconds per minute

// minutes from T0: A arrival, L lodged, decisions, P paid, R released, G gate-out
const RECORDS = [
  // 1: a2l 60, l2d 1, to_release 0, gate 120, total R-A 61
  { type: 'IM', A: 0, L: 60, dec: [['CUSTOMS', 61, true]], R: 61, G: 181 },
  // 2: pre-arrival: a2l -120, l2d 60, to_release 0, gate 300, total max(0, -60) = 0
  { type: 'IM', A: 0, L: -120, dec: [['CUSTOMS', -60, false]], R: -60, G: 240 },
  // 3: no arrival: l2d 300 (last decision), d2p 60, to_release 0, total R-L 360
  { type: 'IM', L: 0, dec: [['CUSTOMS', 180, false], ['QUARANTINE', 300, false]], P: 360, R: 360 },
  // 4: a2l 30, l2d 0, d2p 60, to_release 0, gate 60, total 90
  { type: 'IM', A: 0, L: 30, dec: [['CUSTOMS', 30, true]], P: 90, R: 90, G: 150 },
  // 5: a2l 600, l2d 300, to_release 0, gate 100, total 900
  { type: 'IM', A: 0, L: 600, dec: [['CUSTOMS', 900, false]], R: 900, G: 1000 },
  // 6, 7: exports, total 1 and 120
  { type: 'EX', L: 0, dec: [['CUSTOMS', 1, true]], R: 1 },
  { type: 'EX', L: 0, dec: [['CUSTOMS', 120, false]], R: 120 },
];

let s;
const Q = '/v1/stats/release-times?from=2025-03-01&to=2025-03-31';
const get = async (q) => {
  const r = await api(s.base, 'GET', Q + q); // public: no token
  assert.equal(r.status, 200, r.text);
  return r.json;
};

before(async () => {
  s = await system();
  const lines = RECORDS.map((r, i) => JSON.stringify({
    reference: `HIST-TEST-${i + 1}`, type: r.type, office: 'CNSHA', mode: '1',
    party: TRADER1_PARTY, port_operator: PORT1_PARTY, arrival: at(r.A), lodged: at(r.L),
    decisions: r.dec.map(([agency, m, automated]) => ({ agency, at: at(m), automated })),
    paid: at(r.P), released: at(r.R), gate_out: at(r.G),
  }));
  const file = join(s.dir, 'history.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  assert.match(swctl(s.dir, 'stats', 'import', file), /imported 7 historical declarations/);
  // all or nothing: importing the same references again changes nothing
  const again = swctlStatus(s.dir, 'stats', 'import', file);
  assert.equal(again.code, 1);
});
after(async () => {
  const r = await s?.close();
  assert.deepEqual(r, { code: 0, signal: null });
});

const stat = (count, mean, median, p90, min, max) => ({ count, mean, median, p90, min, max });

test('overall figures equal the hand computation', async () => {
  const doc = await get('');
  assert.equal(doc.method, 'WCO Time Release Study');
  assert.equal(doc.unit, 'seconds');
  assert.equal(doc.min_group, 5);
  assert.equal(doc.overall.count, 7);
  assert.equal(doc.overall.suppressed, false);
  // totals (min): 0, 1, 61, 90, 120, 360, 900 -> mean 1532/7 = 218.857 min = 13131 s,
  // median the 4th = 90 min, p90 nearest rank ceil(6.3) = 7th = 900 min
  assert.deepEqual(doc.overall.stages.total, stat(7, 13131, 90 * M, 900 * M, 0, 900 * M));
  assert.deepEqual(doc.groups, []);
  // histogram of totals: 0,1 min in [0,15m); 61, 90 in [1h,2h); 120 in [2h,4h); 360 in
  // [4h,8h); 900 in [12h,24h)
  const bins = Object.fromEntries(doc.histogram.bins.map((b) => [b.from, b.count]));
  assert.equal(bins[0], 2);
  assert.equal(bins[3600], 2);
  assert.equal(bins[7200], 1);
  assert.equal(bins[14400], 1);
  assert.equal(bins[43200], 1);
  assert.equal(doc.histogram.bins.reduce((a, b) => a + b.count, 0), 7);
});

test('stage breakdown by declaration type; the small group is suppressed', async () => {
  const doc = await get('&by=type');
  const im = doc.groups.find((g) => g.key === 'IM');
  const ex = doc.groups.find((g) => g.key === 'EX');
  assert.equal(im.count, 5);
  assert.equal(im.suppressed, false);
  // totals 0, 61, 90, 360, 900: mean 1411/5 = 282.2 min, median 90, p90 rank 5 = 900
  assert.deepEqual(im.stages.total, stat(5, 16932, 90 * M, 900 * M, 0, 900 * M));
  // arrival->lodgement -120, 30, 60, 600 (pre-arrival negative): mean 142.5 min,
  // median (30+60)/2 = 45 min, p90 rank ceil(3.6) = 4th = 600 min
  assert.deepEqual(im.stages.arrival_to_lodgement,
    stat(4, 8550, 45 * M, 600 * M, -120 * M, 600 * M));
  // lodgement->last decision 0, 1, 60, 300, 300: mean 132.2 min
  assert.deepEqual(im.stages.lodgement_to_decision, stat(5, 7932, 60 * M, 300 * M, 0, 300 * M));
  // decision->payment 60, 60 (two paid bills)
  assert.deepEqual(im.stages.decision_to_payment, stat(2, 60 * M, 60 * M, 60 * M, 60 * M, 60 * M));
  assert.deepEqual(im.stages.to_release, stat(5, 0, 0, 0, 0, 0));
  // release->gate-out 60, 100, 120, 300: mean 145 min, median 110, p90 rank 4 = 300
  assert.deepEqual(im.stages.release_to_gate_out,
    stat(4, 145 * M, 110 * M, 300 * M, 60 * M, 300 * M));
  assert.deepEqual(ex, { key: 'EX', count: 2, suppressed: true });
});

test('per agency: each agency\'s own decision time', async () => {
  const doc = await get('&by=agency');
  const customs = doc.groups.find((g) => g.key === 'CUSTOMS');
  // customs decided after lodgement: 1, 60, 180, 0, 300, 1, 120 min -> sorted
  // 0, 1, 1, 60, 120, 180, 300: mean 662/7 = 94.571 min = 5674 s, median 60, p90 300
  assert.deepEqual(customs.stages.lodgement_to_decision, stat(7, 5674, 60 * M, 300 * M, 0, 300 * M));
  assert.deepEqual(doc.groups.find((g) => g.key === 'QUARANTINE'), { key: 'QUARANTINE', count: 1, suppressed: true });
});

test('channel, month, trusted status and the filters', async () => {
  const ch = await get('&by=channel');
  // automated: 1, 4, 6 (3); manual: 2, 3, 5, 7 (4): both below 5
  assert.deepEqual(ch.groups.map((g) => [g.key, g.count, g.suppressed]),
    [['automated', 3, true], ['manual', 4, true]]);
  const month = await get('&by=month');
  assert.deepEqual(month.groups.map((g) => [g.key, g.count]), [['2025-03', 7]]);
  assert.equal(month.groups[0].stages.total.median, 90 * M);
  const tr = await get('&by=trusted');
  assert.deepEqual(tr.groups.map((g) => [g.key, g.count]), [['other', 7]]);
  const ex = await get('&type=EX');
  assert.equal(ex.overall.count, 2);
  assert.equal(ex.overall.suppressed, true);
  assert.equal(ex.overall.stages, undefined, 'no figures for a suppressed group');
  assert.equal(ex.histogram.suppressed, true);
  const day = await get('&by=day');
  assert.deepEqual(day.groups.map((g) => [g.key, g.count]), [['2025-03-09', 1], ['2025-03-10', 6]]);
  const none = await api(s.base, 'GET', '/v1/stats/release-times?from=2024-01-01&to=2024-01-31');
  assert.equal(none.json.overall.count, 0);
});

test('CSV export', async () => {
  const r = await api(s.base, 'GET', `${Q}&by=type&format=csv`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const lines = r.text.trim().split('\n');
  assert.equal(lines[0], 'group,count,suppressed,stage,n,mean_s,median_s,p90_s,min_s,max_s');
  assert.ok(lines.includes('all,7,false,total,7,13131,5400,54000,0,54000'), r.text);
  assert.ok(lines.includes('IM,5,false,total,5,16932,5400,54000,0,54000'), r.text);
  assert.ok(lines.includes('EX,2,true,,,,,,,'), r.text);
});

test('bad parameters get 400 with the parameter named', async () => {
  let r = await api(s.base, 'GET', '/v1/stats/release-times?by=colour&from=March');
  const doc = assertProblem(r, 400, 'bad_parameter');
  assert.deepEqual(doc.errors.map((e) => e.path).sort(), ['?by', '?from']);
  r = await api(s.base, 'GET', '/v1/stats/release-times?format=xml');
  assertProblem(r, 400, 'bad_parameter');
});

test('swctl stats release-times prints the same figures', () => {
  const out = swctl(s.dir, 'stats', 'release-times', '--from', '2025-03-01', '--to', '2025-03-31',
    '--by', 'type');
  assert.match(out, /IM\s+total\s+5\s+4h42m12s\s+1h30m00s\s+15h00m00s\s+0h00m00s\s+15h00m00s/);
  assert.match(out, /EX\s+-\s+2 \(fewer than 5: suppressed\)/);
});
